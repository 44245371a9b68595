/**
 * An entry's body as the importer builds it: the resolved `attrs`, then `identifiers` merged over
 * them (identifiers win; mappings merge), seen as a stage document so that the stage validator
 * checks it with every rule it has. Locations point into the blueprint, at whichever of the two
 * wrote the value.
 */
import type { NodeLocation, StageDocument } from '../document/stageDocument';
import { isPlainObject } from '../document/tags';
import type { ModelIndexEntry } from '../schema/types';
import type { BlueprintDocument, BlueprintEntry } from './blueprintDocument';
import { shiftLocation } from './blueprintLocations';

export function entryBodyDocument(bp: BlueprintDocument, entry: BlueprintEntry, model: ModelIndexEntry): StageDocument {
  const part = bp.parts?.[entry.index];
  if (part) {
    // Parsed entry by entry: the part's own body, moved to where the part starts.
    const alone = entryBodyDocument(part.entry, part.entry.entries[0]!, model);
    const locations = new Map<string, NodeLocation>();
    for (const [pointer, location] of alone.locations) locations.set(pointer, shiftLocation(location, part.start));
    return { ...bp.doc, value: alone.value, locations, syntaxErrors: [], isEmpty: false };
  }
  const fields = entry.fields ?? {};
  const attrs = isPlainObject(fields['attrs']) ? fields['attrs'] : {};
  const identifiers = isPlainObject(fields['identifiers']) ? fields['identifiers'] : {};
  const body = Object.create(null) as Record<string, unknown>;
  // A stage's body names its model, as a stage file does; other models may have a field called `model`.
  if (model.kind !== 'object') body['model'] = model.model;
  for (const [key, value] of Object.entries(attrs)) body[key] = value;
  for (const [key, value] of Object.entries(identifiers)) {
    const under = body[key];
    body[key] = isPlainObject(under) && isPlainObject(value) ? { ...under, ...value } : value;
  }
  const locations = new Map<string, NodeLocation>();
  const entryLocation = bp.doc.locations.get(entry.pointer);
  if (entryLocation) locations.set('', entryLocation);
  const modelLocation = bp.doc.locations.get(`${entry.pointer}/model`);
  if (modelLocation) locations.set('/model', modelLocation);
  const own = locationsByEntry(bp).get(entry.pointer) ?? [];
  // attrs first, identifiers over them, as the values were merged.
  for (const part of ['attrs', 'identifiers']) {
    const prefix = `${entry.pointer}/${part}/`;
    for (const [pointer, location] of own) if (pointer.startsWith(prefix)) locations.set(pointer.slice(prefix.length - 1), location);
  }
  return { ...bp.doc, value: body, locations, syntaxErrors: [], isEmpty: false };
}

const groupCache = new WeakMap<BlueprintDocument, Map<string, Array<[string, NodeLocation]>>>();

/** The document's locations grouped by entry, in one pass: each body reads only its own. */
function locationsByEntry(bp: BlueprintDocument): Map<string, Array<[string, NodeLocation]>> {
  let groups = groupCache.get(bp);
  if (groups) return groups;
  groups = new Map(bp.entries.map((e) => [e.pointer, []]));
  for (const [pointer, location] of bp.doc.locations) {
    if (!pointer.startsWith('/entries/')) continue;
    const second = pointer.indexOf('/', 9);
    const third = second < 0 ? -1 : pointer.indexOf('/', second + 1);
    const group = groups.get(second < 0 ? pointer : pointer.slice(0, second)) ?? (third < 0 ? groups.get(pointer) : groups.get(pointer.slice(0, third)));
    group?.push([pointer, location]);
  }
  groupCache.set(bp, groups);
  return groups;
}
