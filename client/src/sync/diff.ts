/**
 * Diff: what differs between a stage file and the server, field by field, with the noise taken
 * out (read-only fields, secrets, the order of references, values DRF stores the same).
 */
import { isFindTag, yamlInlineText, TaggedValue } from '@authentik-stages/engine';
import { AuthentikNotFoundError } from '../api/errors';
import type { StageObject } from '../api/types';
import { checkedStage } from './serverStage';
import type { LocalStage } from './localStage';
import { describeStage } from './localStage';
import { comparableFields, normalizeFields, sameValue } from './normalize';
import { NO_FINDS, type ResolvedFinds } from './findResolver';
import { resolvedFields, type Environment } from './payload';

export interface FieldChange {
  field: string;
  /** `changed`: both have it, differently; `file-only`: the server has no value (null/absent). */
  kind: 'changed' | 'file-only';
  /** As the file writes it: a `!Find` stays a tag (`TaggedValue`); it was compared by the pk it resolved to. */
  local: unknown;
  remote: unknown;
}

export interface StageDiff {
  stage: string;
  model: string;
  pk: string | undefined;
  /** `new`: no pk, not on the server yet; `deleted`: the pk is gone from the server. */
  state: 'same' | 'different' | 'new' | 'deleted';
  changes: FieldChange[];
}

/** What `remoteForDiff` needs of the API. */
export interface StageRetriever {
  retrieve(apiPath: string, pk: string): Promise<StageObject>;
}

/**
 * The server's side of a diff: the stage, checked as any answer of the server; `undefined` when
 * the file has no pk or the server answers 404 (deleted). Any other failure — a refused token, a
 * timeout, a 500 — is thrown: it says nothing about whether the stage exists.
 */
export async function remoteForDiff(api: StageRetriever, server: string, stage: LocalStage): Promise<StageObject | undefined> {
  if (!stage.pk) return undefined;
  try {
    return checkedStage(await api.retrieve(stage.entry.apiPath, stage.pk), { server, endpoint: stage.entry.apiPath }, 'nothing was compared', stage.pk);
  } catch (error) {
    if (error instanceof AuthentikNotFoundError) return undefined;
    throw error;
  }
}

/**
 * The file's fields (those it sets) against the server's object; `!Find` tags compare by the pks
 * `finds` resolved them to (a tag that named no single object is left out: the caller reports it).
 */
export function diffStage(stage: LocalStage, remote: StageObject | undefined, env: Environment, finds: ResolvedFinds = NO_FINDS): StageDiff {
  const base = { stage: describeStage(stage), model: stage.model, pk: stage.pk };
  if (!stage.pk) return { ...base, state: 'new', changes: [] };
  if (!remote) return { ...base, state: 'deleted', changes: [] };
  // Unresolvable `!Env` values only matter for secrets, which are not compared anyway.
  const { fields } = resolvedFields(stage, env, finds);
  const compared = comparableFields(stage.entry).filter((field) => Object.hasOwn(fields, field));
  const local = normalizeFields(fields, stage.entry, stage.schema, compared);
  const server = normalizeFields(remote, stage.entry, stage.schema, compared);
  const changes: FieldChange[] = [];
  for (const field of compared) {
    if (sameValue(local[field], server[field])) continue;
    const written = stage.values[field];
    const asWritten = isFindTag(written) || (Array.isArray(written) && written.some(isFindTag)) ? written : fields[field];
    changes.push({ field, kind: Object.hasOwn(server, field) ? 'changed' : 'file-only', local: asWritten, remote: remote[field] });
  }
  return { ...base, state: changes.length ? 'different' : 'same', changes };
}

export function formatDiff(file: string, diff: StageDiff): string {
  const head = `${file}: ${diff.stage} (${diff.model}${diff.pk ? ` ${diff.pk}` : ''})`;
  switch (diff.state) {
    case 'same':
      return `${head}: same as the server`;
    case 'new':
      return `${head}: not on the server yet (no pk): a push creates it`;
    case 'deleted':
      return `${head}: deleted on the server`;
    default:
      return [
        `${head}: ${diff.changes.length === 1 ? '1 field differs' : `${diff.changes.length} fields differ`}`,
        ...diff.changes.flatMap((c) => [`  - ${c.field}: ${show(c.remote)}   (server)`, `  + ${c.field}: ${show(c.local)}   (file)`]),
      ].join('\n');
  }
}

function show(value: unknown): string {
  if (value === undefined) return '(not set)';
  // A tag as the file writes it, in flow form; everything else as JSON.
  if (value instanceof TaggedValue) return yamlInlineText(value);
  if (Array.isArray(value) && value.some((item) => item instanceof TaggedValue)) return `[${value.map(show).join(', ')}]`;
  return JSON.stringify(value);
}
