/**
 * How a pull writes reference fields: as the server's pks (the default), or as `!Find [model,
 * [naturalKey, value]]` by the target's natural key, which names the same object on any server
 * holding it. A `!Find` the file already has is kept wherever it still names what the server
 * holds. Both need the index of the targets (objectIndex.ts).
 */
import {
  baseOf,
  findApiQuery,
  findTagFor,
  indexedObjects,
  isFindTag,
  objectByPk,
  parseFindTag,
  referenceFieldsOf,
  referenceOf,
  TaggedValue,
  TARGET_MODELS,
  type FieldReference,
  type ObjectIndex,
} from '@authentik-stages/engine';
import type { Environment } from './payload';

export type ReferenceStyle = 'pk' | 'find';

/** Why a reference stayed a pk under `--references find`. */
export type KeptPkReason = 'no-unique-key' | 'not-on-server' | 'json';

export type KeptPks = Record<KeptPkReason, number>;

export function noKeptPks(): KeptPks {
  return { 'no-unique-key': 0, 'not-on-server': 0, json: 0 };
}

/** The target models whose objects a pull of these stage models needs to write `!Find`. */
export function pullTargetModels(stageModels: Iterable<string>): string[] {
  const targets = new Set<string>();
  for (const model of stageModels) for (const field of referenceFieldsOf(model)) targets.add(referenceOf(model, field)!.target);
  return [...targets].sort();
}

/**
 * The file view of a pulled stage's reference fields, in place: `!Find` tags for `find` (a pk
 * kept, and counted in `kept`, where no tag names the object for sure), and the file's own tags
 * wherever they still name the server's objects.
 */
export function writeReferences(
  object: Record<string, unknown>,
  model: string,
  options: { style: ReferenceStyle; index: ObjectIndex | undefined; json: boolean; fileValues?: Readonly<Record<string, unknown>>; env?: Environment; kept: KeptPks },
): void {
  for (const field of referenceFieldsOf(model)) {
    if (!Object.hasOwn(object, field)) continue;
    const reference = referenceOf(model, field)!;
    const server = object[field];
    const pks = Array.isArray(server) ? server : [server];
    const own = options.fileValues?.[field];
    const ownItems = Array.isArray(own) ? own : own === undefined ? [] : [own];
    // The file's tags, by the pk each names on the server (judged from the index).
    const ownTags = new Map<string, TaggedValue>();
    if (!options.json && options.index) {
      for (const item of ownItems) {
        if (!isFindTag(item)) continue;
        const pk = pkInIndex(options.index, item, options.env ?? {});
        if (pk) ownTags.set(pk.toLowerCase(), item);
      }
    }
    const written = pks.map((pk) => {
      if (typeof pk !== 'string') return pk;
      const kept = ownTags.get(pk.toLowerCase());
      if (kept) return kept;
      if (options.style !== 'find') return pk;
      if (options.json) {
        options.kept.json++;
        return pk;
      }
      return findFor(reference, pk, options.index, options.kept) ?? pk;
    });
    object[field] = Array.isArray(server) ? keepFileOrder(written, ownItems) : written[0];
  }
}

/** The server's list as the file orders it, when both hold the same items (a relation has no order). */
function keepFileOrder(written: unknown[], own: readonly unknown[]): unknown[] {
  const key = (item: unknown): string => JSON.stringify(item);
  const same = written.length === own.length && written.map(key).sort().join('\n') === own.map(key).sort().join('\n');
  return same ? [...own] : written;
}

function findFor(reference: FieldReference, pk: string, index: ObjectIndex | undefined, kept: KeptPks): TaggedValue | undefined {
  const target = TARGET_MODELS[reference.target];
  // A pk the same on every server (a WebAuthn AAGUID) is as portable as a tag.
  if (!target || target.portablePk) return undefined;
  if (!target.naturalKeyUnique) {
    kept['no-unique-key']++;
    return undefined;
  }
  const object = objectByPk(index, [reference.target], pk);
  const tag = object ? findTagFor(reference, object.fields) : undefined;
  if (!object || !tag) {
    kept['not-on-server']++;
    return undefined;
  }
  // Unique by the server's rules, but two of them here (an older server): the tag would match both.
  const key = object.fields[target.naturalKey];
  const twins = indexedObjects(index, reference.target)?.objects.filter((o) => o.fields[target.naturalKey] === key).length ?? 0;
  if (twins > 1) {
    kept['no-unique-key']++;
    return undefined;
  }
  return tag;
}

/** The pk of the one indexed object a `!Find` names, or undefined when the index cannot tell. */
export function pkInIndex(index: ObjectIndex, tag: TaggedValue, env: Environment): string | undefined {
  const find = parseFindTag(tag).find;
  if (!find) return undefined;
  const model = Object.hasOwn(TARGET_MODELS, find.model) ? find.model : baseOf(find.model)?.model;
  const listed = model ? indexedObjects(index, model) : undefined;
  const query = findApiQuery(find, (value) => (value.envName === undefined ? undefined : env[value.envName]));
  if (!listed || !query) return undefined;
  const pkProperty = TARGET_MODELS[model!]!.pkField;
  const matching = listed.objects.filter((o) => query.matches({ ...o.fields, [pkProperty]: o.pk, pk: o.pk, meta_model_name: o.model }));
  // Only a complete listing tells that no other object matches.
  return matching.length === 1 && listed.complete ? matching[0]!.pk : undefined;
}
