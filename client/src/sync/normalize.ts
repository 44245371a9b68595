/**
 * Stage objects reduced to what can be compared: the writable fields that are not secrets, each
 * in the form the server stores (DRF's conversions applied), lists of references in a fixed
 * order (a many-to-many relation has none). Read-only fields, secrets and key order drop out.
 */
import { isDeepStrictEqual } from 'node:util';
import type { JsonSchema, ModelIndexEntry } from '../../../server/src/schema/types';
import { coerce } from '../../../server/src/validation/drf';

export type FieldMap = Record<string, unknown>;

/** Fields a pull writes and a diff compares. */
export function comparableFields(entry: ModelIndexEntry): string[] {
  return entry.fields.filter((field) => !entry.writeOnly.includes(field));
}

/** The value the server would store for `value`, or the value itself when it would refuse it. */
export function canonicalValue(schema: JsonSchema | undefined, value: unknown): unknown {
  const converted = schema ? coerce(schema, value) : undefined;
  return converted?.accepted ? converted.value : value;
}

/** As `canonicalValue`, with lists of references in a fixed order: a relation has none. */
export function comparableValue(schema: JsonSchema | undefined, value: unknown, isReference: boolean): unknown {
  const result = canonicalValue(schema, value);
  return isReference && Array.isArray(result) ? [...result].map(String).sort() : result;
}

/** The comparable fields present in `object`, canonical. */
export function normalizeFields(object: Record<string, unknown>, entry: ModelIndexEntry, schema: JsonSchema, fields: readonly string[] = comparableFields(entry)): FieldMap {
  const out: FieldMap = {};
  for (const field of fields) {
    if (!Object.hasOwn(object, field)) continue;
    out[field] = comparableValue(schema.properties?.[field], object[field], entry.references.includes(field));
  }
  return out;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b);
}
