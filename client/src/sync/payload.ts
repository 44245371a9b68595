/**
 * From a stage document to a request body: writable fields only, `!Env NAME` resolved from the
 * environment, values in the form the server stores them.
 */
import { TaggedValue } from '@authentik-stages/engine';
import { canonicalValue, type FieldMap } from './normalize';
import type { LocalStage } from './localStage';

export interface EnvProblem {
  field: string;
  message: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** Writable fields of the document with `!Env` resolved; problems for missing variables. */
export function resolvedFields(stage: LocalStage, env: Environment): { fields: FieldMap; problems: EnvProblem[] } {
  const fields: FieldMap = {};
  const problems: EnvProblem[] = [];
  for (const field of stage.entry.fields) {
    if (!Object.hasOwn(stage.values, field)) continue;
    const value = stage.values[field];
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
