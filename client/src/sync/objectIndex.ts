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
  signal?: AbortSignal;
}

export const DEFAULT_MAX_INDEXED_OBJECTS = 20_000;
/** authentik's largest page (its system settings' default maximum). */
const PAGE_SIZE = 100;

type IndexValue = string | number | boolean | null;

/** The index of `models` (keys of `TARGET_MODELS`; others are ignored) on the server. */
export async function buildObjectIndex(api: IndexLister, models: Iterable<string>, options: BuildIndexOptions = {}): Promise<ObjectIndex> {
  const targets = [...new Set(models)].filter((model) => Object.hasOwn(TARGET_MODELS, model)).map((model) => TARGET_MODELS[model]!);
  const indexed: Record<string, IndexedModel> = {};
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const target = targets[next++]!;
      indexed[target.model] = await indexModel(api, target, options);
    }
  };
  const templates = options.emailTemplates ? emailTemplateNames(api, options) : undefined;
  await Promise.all(Array.from({ length: Math.min(options.modelConcurrency ?? 4, targets.length) }, worker));
  // The models in a stable order, whatever order the listings finished in.
  const ordered: Record<string, IndexedModel> = {};
  for (const target of targets) ordered[target.model] = indexed[target.model]!;
  return templates ? { server: api.baseUrl, models: ordered, emailTemplates: await templates } : { server: api.baseUrl, models: ordered };
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

async function indexModel(api: IndexLister, target: TargetModel, options: BuildIndexOptions): Promise<IndexedModel> {
  const max = options.maxObjectsPerModel ?? DEFAULT_MAX_INDEXED_OBJECTS;
  const properties = indexedProperties(target);
  const objects: IndexedObject[] = [];
  const seen = new Set<string>();
  let complete = true;
  const requestOptions: RequestOptions = options.signal ? { signal: options.signal } : {};
  // Leaving the loop at the bound cancels the pages still in flight.
  for await (const page of api.pages<unknown>(target.apiPath, { pageSize: PAGE_SIZE, concurrency: options.pageConcurrency ?? 10 }, requestOptions)) {
    for (const raw of page.results) {
      if (objects.length >= max) {
        complete = false;
        break;
      }
      const object = indexedObject(api.baseUrl, target, properties, raw);
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

function indexedObject(server: string, target: TargetModel, properties: readonly string[], raw: unknown): IndexedObject {
  const fail = (what: string, why: string): never => {
    throw new ServerDataError(`the server ${server} sent ${what} in the list ${target.apiPath}: ${why}, which authentik never sends; the index of ${target.title} objects was not built.`, { server });
  };
  if (!isPlainObject(raw)) return fail(showServerValue(raw), 'not an object');
  const pk = raw[target.pkField];
  if (typeof pk !== 'string' || pk === '') return fail(`${target.pkField} ${showServerValue(pk)}`, 'not a pk');
  let model = target.model;
  if (target.mixedTypes) {
    const type = raw['meta_model_name'];
    if (typeof type !== 'string' || !/^[a-z0-9_]+\.[a-z0-9_]+$/.test(type)) return fail(`meta_model_name ${showServerValue(type)} for ${pk}`, 'not a model name');
    model = type;
  }
  const fields: Record<string, IndexValue> = {};
  for (const property of properties) {
    const value = raw[property];
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[property] = value;
  }
  const first = raw[target.display[0] ?? ''];
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
