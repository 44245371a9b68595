/**
 * A stage serializer's `is_valid()`: the request body through DRF's field loop (with authentik's
 * per-field rules bound to the current state), then `validate()`, then the checks that happen at
 * save time (a writable nested `flow_set` is a server error). Also parses request bodies the way
 * DRF's `JSONParser` does.
 */
import type { StageType } from './catalog';
import { ServerError, runSerializerFields, type FieldErrors } from './drfFields';
import { PyJsonError, parsePyJson, type PyDict, type PyValue, isPyDict } from './pyjson';
import { bindRequestRules, validateObject, type RuleContext } from './stageRules';
import type { SandboxStore } from './store';

export type ValidationResult = { ok: true; attrs: Record<string, unknown> } | { ok: false; errors: { [field: string]: FieldErrors } };

export interface ValidateOptions {
  partial: boolean;
  instancePk?: string;
  enterpriseLicensed: boolean;
}

/** Validates a create/update body for a stage type (throws {@link ServerError} where the server answers 500). */
export function validateBody(type: StageType, body: PyValue, store: SandboxStore, options: ValidateOptions): ValidationResult {
  const raw: PyDict = isPyDict(body) ? body : (Object.create(null) as PyDict);
  const ctx: RuleContext = {
    raw,
    stageNameTaken: (name, except) => store.stageNameTaken(name, except),
    promptNameTaken: (name, except) => store.promptNameTaken(name, except),
    emailTemplates: () => store.emailTemplates(),
    sourceModel: (pk) => store.getSource(pk)?.model,
    connectorSupportsStages: (pk) => store.connectorSupportsStages(pk),
    enterpriseLicensed: options.enterpriseLicensed,
  };
  if (options.instancePk !== undefined) ctx.instancePk = options.instancePk;
  const fields = bindRequestRules(type.typeName, type.model, type.fields, ctx);
  const result = runSerializerFields(fields, body, options.partial, { exists: (target, pk) => store.exists(target, pk) });
  if (!result.ok) return result;
  const nonField = validateObject(type.typeName, type.model, result.attrs, ctx);
  if (nonField.length > 0) return { ok: false, errors: { non_field_errors: nonField } };
  for (const field of type.fields) {
    if (field.kind === 'nested' && field.name in result.attrs) {
      throw new ServerError(`The \`.${options.instancePk ? 'update' : 'create'}()\` method does not support writable nested fields by default (${field.name}).`);
    }
  }
  return result;
}

export type ParsedBody = { ok: true; value: PyValue } | { ok: false; status: number; detail: string };

/** DRF's request parsing: an empty body is `{}`; otherwise the content type must be JSON and the text JSON. */
export function parseRequestBody(body: Buffer, contentType: string | undefined): ParsedBody {
  if (body.length === 0) return { ok: true, value: Object.create(null) as PyDict };
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json' && !/^application\/[\w.+-]*\+json$/.test(mediaType)) {
    return { ok: false, status: 415, detail: `Unsupported media type "${contentType ?? ''}" in request.` };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    const bad = body.findIndex((b) => b >= 0x80);
    return {
      ok: false,
      status: 400,
      detail: `JSON parse error - 'utf-8' codec can't decode byte 0x${(body[bad] ?? 0).toString(16)} in position ${Math.max(bad, 0)}: invalid start byte`,
    };
  }
  try {
    return { ok: true, value: parsePyJson(text) };
  } catch (error) {
    if (error instanceof PyJsonError) return { ok: false, status: 400, detail: `JSON parse error - ${error.message}` };
    throw error;
  }
}
