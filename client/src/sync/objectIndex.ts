/**
 * Building the engine's `ObjectIndex` from a server: each target model's list endpoint read page
 * by page (several pages and models at once), each object reduced to its pk, label and the few
 * fields references need. Which models to read comes from the stage files (`referencedModels`),
 * so a workspace of identification stages never lists the server's groups.
 */
import {
  baseOf,
  isFindTag,
  isPlainObject,
  parseFindTag,
  REFERENCE_FIELDS,
  referenceOf,
  STAGE_MODELS,
  TARGET_MODELS,
  type IndexedModel,
  type IndexedObject,
  type ObjectIndex,
  type TargetModel,
} from '@authentik-stages/engine';
import type { Paginated } from '../api/types';
import type { PagesQuery } from '../api/pagination';
import type { RequestOptions } from '../api/http';
import { ServerDataError, showServerValue } from './serverStage';

/** What the index needs of the API client (`AuthentikClient` provides it). */
export interface IndexLister {
  readonly baseUrl: string;
  pages<T>(apiPath: string, query?: PagesQuery, options?: RequestOptions): AsyncIterable<Paginated<T>>;
  emailTemplates(options?: RequestOptions): Promise<unknown[]>;
}

export interface BuildIndexOptions {
  /** The most objects read of one model; past it the model is `complete: false`. Default 20 000. */
  maxObjectsPerModel?: number;
  /** Models listed at once. Default 4. */
  modelConcurrency?: number;
  /** Pages of one model in flight at once. Default 10 (5,000 objects from a server 50 ms away: about 0.3 s of round trips). */
  pageConcurrency?: number;
  /** Also read the email templates the server offers (see `usesEmailTemplates`). */
  emailTemplates?: boolean;
  /** Listings beyond the references of stage files, by model (see `blueprintIndexNeeds`). */
  listings?: Readonly<Record<string, ModelListing>>;
  signal?: AbortSignal;
}

/**
 * What to list of a model beyond what stage files' references need: the identifier fields of a
 * blueprint's entries (so an entry is judged a create or a partial update), the fields of a
 * blueprint's `!Find` on a model no stage field targets.
 */
export interface ModelListing {
  /** The list endpoint below /api/v3 (the catalog's `apiPath`); needed for a model that is not a key of `TARGET_MODELS`. */
  readonly apiPath?: string;
  readonly title?: string;
  /** The properties kept of each object, beyond a target's display and find fields. */
  readonly properties: readonly string[];
}

/** One list endpoint as the index reads it. */
interface Listing {
  readonly model: string;
  readonly title: string;
  readonly apiPath: string;
  readonly pkField: string;
  /** Objects of several types, told apart by `meta_model_name`. */
  readonly mixedTypes: boolean;
  /** A model outside the table may have integer pks (users, tokens' owners): kept as text. */
  readonly integerPks: boolean;
  readonly labelField: string | undefined;
  readonly properties: readonly string[];
}

export const DEFAULT_MAX_INDEXED_OBJECTS = 20_000;
/** authentik's largest page (its system settings' default maximum). */
const PAGE_SIZE = 100;

type IndexValue = string | number | boolean | null;

/**
 * The index of `models` (keys of `TARGET_MODELS`; others are ignored) and of `options.listings`
 * on the server: one listing per model, each bounded by `maxObjectsPerModel`.
 */
export async function buildObjectIndex(api: IndexLister, models: Iterable<string>, options: BuildIndexOptions = {}): Promise<ObjectIndex> {
  const listings = listingsOf(models, options.listings ?? {});
  const indexed: Record<string, IndexedModel> = {};
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < listings.length) {
      const listing = listings[next++]!;
      indexed[listing.model] = await indexModel(api, listing, options);
    }
  };
  const templates = options.emailTemplates ? emailTemplateNames(api, options) : undefined;
  await Promise.all(Array.from({ length: Math.min(options.modelConcurrency ?? 4, listings.length) }, worker));
  // The models in a stable order, whatever order the listings finished in.
  const ordered: Record<string, IndexedModel> = {};
  for (const listing of listings) ordered[listing.model] = indexed[listing.model]!;
  return templates ? { server: api.baseUrl, models: ordered, emailTemplates: await templates } : { server: api.baseUrl, models: ordered };
}

/** The listings to read: the target models, with any extra properties asked for them, then the other models that have an endpoint. */
function listingsOf(models: Iterable<string>, extra: Readonly<Record<string, ModelListing>>): Listing[] {
  const names = [...new Set([...models, ...Object.keys(extra)])];
  const out: Listing[] = [];
  for (const model of names) {
    const asked = Object.hasOwn(extra, model) ? extra[model] : undefined;
    if (Object.hasOwn(TARGET_MODELS, model)) {
      const target = TARGET_MODELS[model]!;
      const properties = new Set([...indexedProperties(target), ...(asked?.properties ?? [])]);
      properties.delete(target.pkField);
      out.push({ model, title: target.title, apiPath: target.apiPath, pkField: target.pkField, mixedTypes: Boolean(target.mixedTypes), integerPks: false, labelField: target.display[0], properties: [...properties] });
    } else if (asked?.apiPath) {
      const properties = asked.properties.filter((p) => p !== 'pk');
      out.push({ model, title: asked.title ?? model, apiPath: asked.apiPath, pkField: 'pk', mixedTypes: false, integerPks: true, labelField: properties.find((p) => p === 'name' || p === 'slug') ?? properties[0], properties });
    }
  }
  return out;
}

/** The names of `/stages/email/templates/`: the built-ins and the server's custom ones. */
async function emailTemplateNames(api: IndexLister, options: BuildIndexOptions): Promise<string[]> {
  const answer = await api.emailTemplates(options.signal ? { signal: options.signal } : {});
  return answer.map((template) => {
    const name = isPlainObject(template) ? template['name'] : undefined;
    if (typeof name !== 'string' || name === '') {
      throw new ServerDataError(`the server ${api.baseUrl} sent the email template ${showServerValue(template)} in /stages/email/templates/: no name, which authentik never sends; the index was not built.`, { server: api.baseUrl });
    }
    return name;
  });
}

/** Stage models whose `template` names one of the server's email templates. */
const EMAIL_TEMPLATE_MODELS = ['authentik_stages_email.emailstage', 'authentik_stages_authenticator_email.authenticatoremailstage'];

/** Whether the documents hold a stage that names an email template, so the index should know the server's. */
export function usesEmailTemplates(documents: Iterable<unknown>): boolean {
  for (const root of documents) if (isPlainObject(root) && EMAIL_TEMPLATE_MODELS.includes(String(root['model']))) return true;
  return false;
}

async function indexModel(api: IndexLister, listing: Listing, options: BuildIndexOptions): Promise<IndexedModel> {
  const max = options.maxObjectsPerModel ?? DEFAULT_MAX_INDEXED_OBJECTS;
  const objects: IndexedObject[] = [];
  const seen = new Set<string>();
  let complete = true;
  const requestOptions: RequestOptions = options.signal ? { signal: options.signal } : {};
  // Leaving the loop at the bound cancels the pages still in flight.
  for await (const page of api.pages<unknown>(listing.apiPath, { pageSize: PAGE_SIZE, concurrency: options.pageConcurrency ?? 10 }, requestOptions)) {
    for (const raw of page.results) {
      if (objects.length >= max) {
        complete = false;
        break;
      }
      const object = indexedObject(api.baseUrl, listing, raw);
      // A listing that shifted while it was read may repeat an object; it is indexed once.
      if (seen.has(object.pk.toLowerCase())) continue;
      seen.add(object.pk.toLowerCase());
      objects.push(object);
    }
    if (!complete) break;
  }
  return { complete, objects };
}

/** The properties kept per object: the display fields and those a `!Find` may name (the pk aside). */
function indexedProperties(target: TargetModel): string[] {
  const properties = new Set<string>(target.display);
  for (const [field, spec] of Object.entries(target.findFields)) properties.add(spec.property ?? field);
  properties.delete(target.pkField);
  return [...properties];
}

function indexedObject(server: string, listing: Listing, raw: unknown): IndexedObject {
  const fail = (what: string, why: string): never => {
    throw new ServerDataError(`the server ${server} sent ${what} in the list ${listing.apiPath}: ${why}, which authentik never sends; the index of ${listing.title} objects was not built.`, { server });
  };
  if (!isPlainObject(raw)) return fail(showServerValue(raw), 'not an object');
  const rawPk = raw[listing.pkField];
  const pk = listing.integerPks && Number.isSafeInteger(rawPk) ? String(rawPk) : rawPk;
  if (typeof pk !== 'string' || pk === '') return fail(`${listing.pkField} ${showServerValue(rawPk)}`, 'not a pk');
  let model = listing.model;
  if (listing.mixedTypes) {
    const type = raw['meta_model_name'];
    if (typeof type !== 'string' || !/^[a-z0-9_]+\.[a-z0-9_]+$/.test(type)) return fail(`meta_model_name ${showServerValue(type)} for ${pk}`, 'not a model name');
    model = type;
  }
  const fields: Record<string, IndexValue> = {};
  for (const property of listing.properties) {
    const value = raw[property];
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[property] = value;
  }
  const first = raw[listing.labelField ?? ''];
  const label = typeof first === 'string' && first !== '' ? first : pk;
  const usedBy = flowSlugs(raw['flow_set']);
  return usedBy ? { pk, model, label, fields, usedBy } : { pk, model, label, fields };
}

/** The slugs of a stage's `flow_set`, when the listing has one. */
function flowSlugs(flowSet: unknown): string[] | undefined {
  if (!Array.isArray(flowSet)) return undefined;
  return flowSet.flatMap((flow) => (isPlainObject(flow) && typeof flow['slug'] === 'string' ? [flow['slug']] : []));
}

/**
 * The target models stage documents reference: every reference field of their models (so a field
 * not written yet can be completed), each concrete stage target's base too (a pk of another stage
 * type is "the wrong model", not "nothing"), the model of every `!Find` they hold (a type listed
 * through its base's endpoint counts as the base), and every stage (`authentik_flows.stage`) for a
 * stage document, whose name must not be another stage's.
 */
export function referencedModels(documents: Iterable<unknown>): string[] {
  const models = new Set<string>();
  const add = (model: string): void => {
    if (Object.hasOwn(TARGET_MODELS, model)) models.add(model);
    const base = baseOf(model)?.model;
    if (base) models.add(base);
  };
  for (const root of documents) {
    if (!isPlainObject(root) || typeof root['model'] !== 'string') continue;
    const model = root['model'];
    // Stage names are unique across all types: a new stage's name is checked against every stage.
    if (STAGE_MODELS.includes(model)) models.add('authentik_flows.stage');
    const fields = Object.hasOwn(REFERENCE_FIELDS, model) ? REFERENCE_FIELDS[model]! : {};
    for (const [field, spec] of Object.entries(fields)) {
      add(spec.target);
      const value = root[field];
      for (const item of Array.isArray(value) ? value : [value]) {
        if (!isFindTag(item) || !referenceOf(model, field)) continue;
        const find = parseFindTag(item).find;
        if (find) add(find.model);
      }
    }
  }
  return [...models].sort();
}
