/**
 * From a stage document to a request body: writable fields only, `!Env NAME` resolved from the
 * environment, `!Find […]` replaced by the pk it was resolved to (see findResolver.ts), values in
 * the form the server stores them.
 */
import { isFindTag, TaggedValue } from '@authentik-stages/engine';
import { failuresIn, NO_FINDS, type ResolvedFinds } from './findResolver';
import { canonicalValue, type FieldMap } from './normalize';
import type { LocalStage } from './localStage';

export interface EnvProblem {
  field: string;
  /** The JSON pointer of the value at fault when it is not the field's own (a list item). */
  pointer?: string;
  message: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Writable fields of the document with `!Env` and `!Find` resolved; problems for missing
 * variables and for tags that named no single object (`finds.failures`).
 */
export function resolvedFields(stage: LocalStage, env: Environment, finds: ResolvedFinds = NO_FINDS): { fields: FieldMap; problems: EnvProblem[] } {
  const fields: FieldMap = {};
  const problems: EnvProblem[] = [];
  for (const field of stage.entry.fields) {
    if (!Object.hasOwn(stage.values, field)) continue;
    const value = stage.values[field];
    const failures = failuresIn(value, finds);
    if (failures.length) {
      for (const failure of failures) problems.push({ field, pointer: failure.pointer, message: failure.message });
      continue;
    }
    if (isFindTag(value) || (Array.isArray(value) && value.some(isFindTag))) {
      const items = Array.isArray(value) ? value : [value];
      const unresolved = items.findIndex((item) => isFindTag(item) && !finds.pks.has(item));
      if (unresolved >= 0) {
        problems.push({ field, ...(Array.isArray(value) ? { pointer: `/${field}/${unresolved}` } : {}), message: `${field}: !Find is resolved only in a reference field, which ${field} is not; write the value itself.` });
        continue;
      }
      const pks = items.map((item) => (isFindTag(item) ? finds.pks.get(item)! : item));
      fields[field] = canonicalValue(stage.schema.properties?.[field], Array.isArray(value) ? pks : pks[0]);
      continue;
    }
    if (value instanceof TaggedValue) {
      const name = value.envName;
      const resolved = value.isEnv && name ? env[name] : undefined;
      if (resolved === undefined) {
        problems.push({
          field,
          message: value.isEnv
            ? `${field}: the environment variable ${name ?? '(none named)'} is not set, so there is no value to send. Set it and push again.`
            : `${field}: ${value.tag} cannot be resolved by a push; write the value itself.`,
        });
        continue;
      }
      fields[field] = canonicalValue(stage.schema.properties?.[field], resolved);
      continue;
    }
    // Lists keep the file's order in the body (the server may keep it); only comparisons ignore it.
    fields[field] = canonicalValue(stage.schema.properties?.[field], value);
  }
  return { fields, problems };
}
