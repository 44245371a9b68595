/**
 * What the extension's commands decide, without VS Code: input checks, the text of questions and
 * reports, new-stage content. The command handlers ask, show and call; these say what.
 */
import type { JsonSchema, ModelIndexEntry } from '@authentik-stages/engine';
import type { UsedBy } from '../api/types';

/** Why a server URL typed into *Add Server…* cannot be used, or undefined when it can. */
export function serverUrlProblem(value: string): string | undefined {
  try {
    const parsed = new URL(value.trim());
    return /^https?:$/.test(parsed.protocol) ? undefined : 'Use an http(s) URL.';
  } catch {
    return 'Not a URL, e.g. https://auth.example.com';
  }
}

/** The URL as kept in settings: trimmed, without trailing slashes. */
export function normalizeServerUrl(value: string): string {
  return value.trim().replace(/\/+$/, '');
}

/** authentik's admin page listing stages. */
export function adminStagesUrl(serverUrl: string): string {
  return `${normalizeServerUrl(serverUrl)}/if/admin/#/flow/stages`;
}

/** The detail of the delete question: what uses the stage (its flows, and what `used_by` lists). */
export function deleteDetail(flows: readonly string[], usedBy: readonly UsedBy[]): string {
  const users = [...new Set([...flows, ...usedBy.map((u) => `${u.model_name} ${u.name}`)])];
  return users.length ? `It is used by: ${users.join(', ')}. Deleting it removes it from there too.` : 'No flow uses it.';
}

/** A new stage of a type: its model and name, and a placeholder of the right shape for every other required field. */
export function newStageObject(entry: ModelIndexEntry, schema: JsonSchema | undefined, name: string): Record<string, unknown> {
  const object: Record<string, unknown> = { model: entry.model, name: name.trim() };
  for (const field of entry.required) {
    if (field === 'name') continue;
    const property = schema?.properties?.[field] ?? {};
    object[field] = property.enum?.find((v) => v !== null) ?? (property.type === 'array' ? [] : property.type === 'boolean' ? false : property.type === 'integer' ? 0 : '');
  }
  return object;
}
