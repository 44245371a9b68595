/**
 * Stage objects reduced to what can be compared: the writable fields that are not secrets, each
 * in the form the server stores (DRF's conversions applied), lists of references in a fixed
 * order (a many-to-many relation has none). Read-only fields, secrets and key order drop out.
 */
import { coerce, type JsonSchema, type ModelIndexEntry } from '@authentik-stages/engine';

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

/** Equality of JSON values: key order and prototypes (parsed mappings have none) do not matter. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((item, i) => sameValue(item, (b as unknown[])[i]));
  const aKeys = Object.keys(a);
  const bRecord = b as Record<string, unknown>;
  return aKeys.length === Object.keys(bRecord).length && aKeys.every((key) => Object.hasOwn(bRecord, key) && sameValue((a as Record<string, unknown>)[key], bRecord[key]));
}
