/**
 * Whether an entry's identifiers match an object on the connected server, as the importer's query
 * does: `pk` equal, or every other identifier equal. What the index cannot tell (a tag, a field it
 * did not record, a listing that stopped at a bound) is "unknown", never "not found".
 */
import { isPlainObject, isScalar } from '../document/tags';
import type { IndexedObject } from '../references/objectIndex';
import type { ReferenceIndex } from '../references/referenceIndex';
import type { ModelIndexEntry } from '../schema/types';
import type { BlueprintEntry } from './blueprintDocument';

export type Existence = 'found' | 'not-found' | 'unknown';

type Scalar = string | number | boolean | null;

export function existingObject(entry: BlueprintEntry, model: ModelIndexEntry, references: ReferenceIndex | undefined): Existence {
  const identifiers = entry.fields?.['identifiers'];
  if (!references || !isPlainObject(identifiers)) return 'unknown';
  const pool = references.objectsOfModel(model.model);
  if (!pool) return 'unknown';
  const { pk, ...others } = identifiers;
  const conditions = Object.entries(others);
  if (!isScalar(pk) && pk !== undefined) return 'unknown';
  if (conditions.some(([, value]) => !isScalar(value))) return 'unknown';
  let judged = true;
  const matches = (object: IndexedObject): boolean => {
    if (pk !== undefined && pk !== null && String(pk).toLowerCase() === object.pk.toLowerCase()) return true;
    if (conditions.length === 0) return false;
    if (conditions.some(([key]) => !Object.hasOwn(object.fields, key))) {
      judged = false;
      return false;
    }
    return conditions.every(([key, value]) => sameValue(object.fields[key]!, value as Scalar));
  };
  if (pool.objects.some(matches)) return 'found';
  return judged && pool.complete ? 'not-found' : 'unknown';
}

function sameValue(listed: Scalar, written: Scalar): boolean {
  return listed === written || (listed !== null && written !== null && String(listed) === String(written));
}
