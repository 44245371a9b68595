/**
 * What the connected checks of blueprints need of the server, for `buildObjectIndex`: each
 * entry's model listed (when it has a list endpoint) with the identifier fields the entries write,
 * so the engine tells a create from a partial update and an object that `must_created` finds
 * already there; the targets of stage entries' reference fields, as for a stage file; and the
 * model of every `!Find`, with the fields its conditions name.
 */
import {
  baseOf,
  findTagsIn,
  isPlainObject,
  parseBlueprint,
  parseFindTag,
  resolveBlueprintModel,
  TARGET_MODELS,
  type BlueprintDocument,
  type SchemaCatalog,
} from '@authentik-stages/engine';
import { referencedModels, type ModelListing } from './objectIndex';

export interface BlueprintIndexNeeds {
  /** Target models (keys of `TARGET_MODELS`), as `referencedModels` gives them for stage files. */
  readonly models: string[];
  /** Per model: the properties to keep, and the endpoint of a model outside the table. */
  readonly listings: Record<string, ModelListing>;
}

/** The needs of every blueprint among `texts` (other texts need nothing). */
export function blueprintTextNeeds(texts: Iterable<string>, catalog: SchemaCatalog): BlueprintIndexNeeds {
  const blueprints: BlueprintDocument[] = [];
  for (const text of texts) {
    const blueprint = parseBlueprint(text);
    if (blueprint) blueprints.push(blueprint);
  }
  return blueprintIndexNeeds(blueprints, catalog);
}

export function blueprintIndexNeeds(blueprints: Iterable<BlueprintDocument>, catalog: SchemaCatalog): BlueprintIndexNeeds {
  const properties = new Map<string, Set<string>>();
  const want = (model: string, fields: Iterable<string>): void => {
    let set = properties.get(model);
    if (!set) properties.set(model, (set = new Set()));
    for (const field of fields) if (field !== 'pk' && !field.includes('__')) set.add(field);
  };
  const bodies: Array<Record<string, unknown>> = [];
  for (const blueprint of blueprints) {
    for (const entry of blueprint.entries) {
      if (!entry.model || entry.state === 'absent') continue;
      const model = resolveBlueprintModel(entry.model, catalog);
      if (model.kind !== 'schema') continue;
      const identifiers = isPlainObject(entry.fields?.['identifiers']) ? entry.fields['identifiers'] : {};
      const attrs = isPlainObject(entry.fields?.['attrs']) ? entry.fields['attrs'] : {};
      want(model.name, Object.keys(identifiers));
      // A stage's (or prompt's) reference fields, as a stage file's.
      if (model.entry.kind !== 'object') bodies.push({ ...attrs, ...identifiers, model: model.name });
    }
    for (const { tag } of findTagsIn(blueprint.doc.value)) {
      const find = parseFindTag(tag).find;
      if (find) want(find.model, find.filters.map(([field]) => field));
    }
  }
  const models = new Set(referencedModels(bodies));
  const listings: Record<string, ModelListing> = {};
  for (const [model, fields] of properties) {
    if (Object.hasOwn(TARGET_MODELS, model)) {
      models.add(model);
      listings[model] = { properties: [...fields] };
      continue;
    }
    const entry = catalog.anyEntry(model);
    if (entry?.apiPath) listings[model] = { apiPath: entry.apiPath, title: entry.title, properties: [...fields] };
    // A type without an endpoint of its own is found among its base's objects.
    else if (baseOf(model)) models.add(baseOf(model)!.model);
  }
  return { models: [...models].sort(), listings };
}
