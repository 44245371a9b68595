/**
 * `!Find [model, [field, value], …]`, authentik's blueprint tag, as a stage file's reference.
 *
 * authentik's loader (authentik/blueprints/v1/common.py `Find`) reads the tag's first item as the
 * model name and every further item as a list whose first two items are a field and a value; it
 * resolves `apps.get_model(*model.split("."))` (the app label exact, the model name in any case)
 * and ANDs `Q(field=value)` over the conditions, taking `.first()` — nothing or an arbitrary one
 * of several. Stage files are stricter because the push resolves the tag itself, through the API:
 * exact matches on the fields the table lists, exactly one object, `!Env` as the only nested tag.
 */
import { escapePointerSegment } from '../document/stageDocument';
import { isPlainObject, TaggedValue } from '../document/tags';
import { findFieldOf, findTargetFit, targetModel, type FieldReference } from './lookup';
import { TARGET_MODELS } from './table';

export const FIND_TAG = '!Find';

/** A condition's value: a scalar, or `!Env NAME` resolved from the environment at push time. */
export type FindValue = string | number | boolean | null | TaggedValue;

export interface FindQuery {
  /** In blueprint form, the model part lower-cased as Django's `get_model` reads it. */
  readonly model: string;
  /** ANDed exact matches. */
  readonly filters: ReadonlyArray<readonly [field: string, value: FindValue]>;
}

export interface FindProblem {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /**
   * Where in the tag: [] the tag itself, [0] the model, [i] its i-th condition, [i, 0] that
   * condition's field, [i, 1] its value. Appended to the tag's JSON pointer, it is the pointer of
   * the node to mark (the document keeps a location for every item of a tagged list).
   */
  readonly path: readonly number[];
}

export interface FindParse {
  /** Present when the tag has no errors. */
  readonly find?: FindQuery;
  readonly problems: readonly FindProblem[];
}

const EXAMPLE = '!Find [authentik_flows.flow, [slug, default-authentication-flow]]';

export function isFindTag(value: unknown): value is TaggedValue {
  return value instanceof TaggedValue && value.tag === FIND_TAG;
}

/** A `!Find` found in a value: its JSON pointer and the key of the nearest mapping holding it. */
export interface PlacedFindTag {
  readonly tag: TaggedValue;
  readonly pointer: string;
  readonly field: string;
}

/** Every `!Find` in `value` (nested in lists, mappings and other tags too), in document order. */
export function* findTagsIn(value: unknown, pointer = '', field = ''): Generator<PlacedFindTag> {
  if (value instanceof TaggedValue) {
    if (isFindTag(value)) yield { tag: value, pointer, field };
    yield* findTagsIn(value.value, pointer, field);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* findTagsIn(value[i], `${pointer}/${i}`, field);
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) yield* findTagsIn(item, `${pointer}/${escapePointerSegment(key)}`, key);
  }
}

/** Checks a `!Find` tag's shape: a model name, then [field, value] conditions. */
export function parseFindTag(tag: TaggedValue): FindParse {
  const problems: FindProblem[] = [];
  const error = (path: number[], message: string) => problems.push({ severity: 'error', message, path });
  if (tag.tag !== FIND_TAG) {
    error([], `${tag.tag} is not !Find.`);
    return { problems };
  }
  const items = tag.value;
  if (!Array.isArray(items)) {
    error([], `!Find takes a list, the model and then [field, value] conditions, e.g. ${EXAMPLE}; it was given ${describe(items)}.`);
    return { problems };
  }
  if (items.length === 0) {
    error([], `!Find [] names no model: write the model and a [field, value] condition, e.g. ${EXAMPLE}.`);
    return { problems };
  }
  const model = readModel(items[0], error);
  if (items.length === 1) {
    error([], `!Find [${typeof items[0] === 'string' ? items[0] : 'model'}] has no [field, value] condition: authentik would take whichever object comes first. Name the object, e.g. [name, …].`);
  }
  const filters: Array<readonly [string, FindValue]> = [];
  for (let i = 1; i < items.length; i++) {
    const condition = readCondition(items[i], i, error, (path, message) => problems.push({ severity: 'warning', message, path }));
    if (!condition) continue;
    const [field, value] = condition;
    const earlier = filters.find(([f, v]) => f === field && !(v instanceof TaggedValue) && !(value instanceof TaggedValue) && v !== value);
    if (earlier) error([i, 1], `!Find gives ${field} twice (${JSON.stringify(earlier[1])} and ${JSON.stringify(value)}): conditions are all required, so no object can match.`);
    filters.push(condition);
  }
  const failed = problems.some((p) => p.severity === 'error');
  return failed || model === undefined ? { problems } : { find: { model, filters }, problems };
}

function readModel(item: unknown, error: (path: number[], message: string) => void): string | undefined {
  if (item instanceof TaggedValue) {
    error([0], `!Find's model must be written out (e.g. authentik_flows.flow), not given by ${item.tag}: the editor checks it against the field.`);
    return undefined;
  }
  if (typeof item !== 'string') {
    error([0], `!Find's first item is the model, a name such as authentik_flows.flow, not ${describe(item)}.`);
    return undefined;
  }
  const parts = item.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    error([0], `!Find: ${JSON.stringify(item)} is not a model name: authentik names a model app_label.model, e.g. authentik_flows.flow.`);
    return undefined;
  }
  const [app, name] = parts as [string, string];
  // Django's get_model finds the app by its exact label (authentik's are all lower-case) and the model in any case.
  if (app !== app.toLowerCase() || /\s/.test(app)) {
    error([0], `!Find: No installed app with label '${app}'. authentik's app labels are lower-case, e.g. ${app.trim().toLowerCase()}.`);
    return undefined;
  }
  return `${app}.${name.toLowerCase()}`;
}

function readCondition(
  item: unknown,
  index: number,
  error: (path: number[], message: string) => void,
  warn: (path: number[], message: string) => void,
): readonly [string, FindValue] | undefined {
  const where = `!Find's condition ${index}`;
  if (item instanceof TaggedValue || !Array.isArray(item)) {
    error([index], `${where} is ${describe(item)}; each item after the model is a list [field, value], e.g. [slug, my-flow].`);
    return undefined;
  }
  if (item.length < 2) {
    error([index], `${where} ${item.length === 0 ? 'is empty' : 'has no value'}: write [field, value], e.g. [slug, my-flow].`);
    return undefined;
  }
  if (item.length > 2) warn([index, 2], `${where} has ${item.length} items: only [field, value] is read, authentik ignores the rest.`);
  const [field, value] = item as [unknown, unknown];
  let ok = true;
  if (typeof field !== 'string' || field === '') {
    error([index, 0], `${where}: the field must be a field name written out, such as name or slug, not ${describe(field)}.`);
    ok = false;
  }
  if (value instanceof TaggedValue) {
    if (!value.isEnv) {
      error([index, 1], `${where}: ${value.tag} cannot give a value here: the push resolves !Find itself, and only !Env NAME is resolved inside it.`);
      ok = false;
    } else if (!value.envName || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value.envName)) {
      error([index, 1], `${where}: !Env needs the name of an environment variable, e.g. !Env FLOW_SLUG.`);
      ok = false;
    }
  } else if (value !== null && typeof value === 'object') {
    error([index, 1], `${where}: the value is matched exactly, so it is one text, number, boolean or null, not ${describe(value)}.`);
    ok = false;
  }
  return ok ? [field as string, value as FindValue] : undefined;
}

/**
 * Checks a parsed `!Find` against the field holding it: the model is one the field accepts and
 * every condition names a field the model can be found by.
 */
export function checkFind(reference: FieldReference, find: FindQuery): FindProblem[] {
  const problems: FindProblem[] = [];
  if (!findTargetFit(reference, find.model)) {
    const target = targetModel(reference.target);
    const title = target?.title ?? reference.target;
    const any = target?.subtypes ? ` or one of its types (${target.subtypes.slice(0, 3).join(', ')}, …)` : '';
    problems.push({
      severity: 'error',
      path: [0],
      message: `!Find: ${reference.field} takes ${article(title)} ${title} (${reference.target})${any}, not ${find.model}.`,
    });
    return problems;
  }
  const model = targetModel(find.model);
  const known = Object.keys(model?.findFields ?? {});
  find.filters.forEach(([field], i) => {
    if (findFieldOf(find.model, field)) return;
    const path = [i + 1, 0];
    const list = known.join(', ');
    if (field.includes('__')) {
      const plain = field.slice(0, field.indexOf('__'));
      problems.push({
        severity: 'error',
        path,
        message: `!Find: ${field} is a Django lookup; a stage file's !Find is resolved through the API, which matches a field exactly. Write the field alone${known.includes(plain) ? ` (${plain})` : ''}; ${model?.title ?? find.model} can be found by ${list}.`,
      });
      return;
    }
    problems.push({ severity: 'error', path, message: `!Find: ${model?.title ?? find.model} has no field ${field} to be found by: it can be found by ${list}.` });
  });
  return problems;
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

function describe(value: unknown): string {
  if (value instanceof TaggedValue) return `a ${value.tag} tag`;
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${JSON.stringify(value)}`;
  return `the ${typeof value} ${String(value)}`;
}

/** How the push asks the server for the objects a `!Find` names. */
export interface FindApiQuery {
  /** The list endpoint below /api/v3. */
  readonly apiPath: string;
  /** Query parameters that narrow the list (exact filters, else `search`); the results still go through `matches`. */
  readonly params: Readonly<Record<string, string>>;
  /** Whether a listed object is one the `!Find` names: every condition equal, and of the `!Find`'s type. */
  readonly matches: (object: Readonly<Record<string, unknown>>) => boolean;
}

/**
 * The API form of a checked `!Find` (see checkFind). `!Env` values must be resolved by the caller
 * (`resolve` returns undefined for an unset variable, and then so does this).
 *
 * Values compare as Django compares them with a text field: `[slug, 123]` matches the slug "123";
 * case matters, as it does for `Q(slug=…)` on PostgreSQL and for the API's filters.
 */
export function findApiQuery(find: FindQuery, resolve: (env: TaggedValue) => string | undefined = () => undefined): FindApiQuery | undefined {
  const target = targetModel(find.model);
  if (!target) return undefined;
  const conditions: Array<{ property: string; value: string | number | boolean | null }> = [];
  const params: Record<string, string> = {};
  let search: string | undefined;
  for (const [field, raw] of find.filters) {
    const spec = findFieldOf(find.model, field);
    if (!spec) return undefined;
    const value = raw instanceof TaggedValue ? resolve(raw) : raw;
    if (value === undefined) return undefined;
    conditions.push({ property: spec.property ?? field, value });
    if (value === null) continue;
    if (spec.filter) params[spec.filter] = String(value);
    else if (spec.searched && search === undefined) search = String(value);
  }
  // `search` is a case-insensitive substring match: only worth sending when no exact filter narrows the list.
  if (search !== undefined && Object.keys(params).length === 0) params['search'] = search;
  // A type reached through its base's endpoint (an OAuth source through /sources/all/) is told apart by meta_model_name.
  const onlyType = target.mixedTypes && !target.subtypes ? find.model : undefined;
  return {
    apiPath: target.apiPath,
    params,
    matches: (object) => (onlyType === undefined || object['meta_model_name'] === onlyType) && conditions.every(({ property, value }) => sameValue(object[property], value)),
  };
}

/**
 * Whether a listed object meets a checked `!Find`'s conditions. For a target of the table, as the
 * push compares (findApiQuery); for any other model (a blueprint's `!Find` names any Django
 * model), each condition's field is the listing's property of that name. Undefined when the
 * conditions cannot be compared offline: `!Env` values, Django lookups (`name__iexact`), a
 * field the table does not list for its target.
 */
export function findObjectMatcher(find: FindQuery): ((object: Readonly<Record<string, unknown>>) => boolean) | undefined {
  if (targetModel(find.model)) return findApiQuery(find)?.matches;
  const conditions: Array<{ property: string; value: string | number | boolean | null }> = [];
  for (const [field, value] of find.filters) {
    if (value instanceof TaggedValue || field.includes('__')) return undefined;
    conditions.push({ property: field, value });
  }
  return (object) => conditions.every(({ property, value }) => sameValue(object[property], value));
}

function sameValue(actual: unknown, wanted: string | number | boolean | null): boolean {
  if (wanted === null || actual === null || actual === undefined) return wanted === null && (actual === null || actual === undefined);
  if (typeof actual === 'boolean' || typeof wanted === 'boolean') return String(actual).toLowerCase() === String(wanted).toLowerCase();
  return String(actual) === String(wanted);
}

/**
 * Whether an object found for a field is of a type the field takes (`meta_model_name`, where the
 * endpoint lists several types): a `!Find` on a base (`authentik_flows.stage` for a password
 * stage) can find an object of the wrong type.
 */
export function fieldAcceptsObject(reference: FieldReference, object: Readonly<Record<string, unknown>>): boolean {
  const type = object['meta_model_name'];
  if (typeof type !== 'string') return true;
  // A base target takes every type of it, including ones newer than this table.
  if (TARGET_MODELS[reference.target]?.subtypes) return reference.accepts.includes(type) || !isKnownModel(type);
  return type === reference.target;
}

function isKnownModel(model: string): boolean {
  return Object.values(TARGET_MODELS).some((entry) => entry.model === model || entry.subtypes?.includes(model));
}

/**
 * The `!Find` that `pull --references find` writes for an object a field points to: the field's
 * target and the target's natural key. Undefined when a pk is as good (a WebAuthn AAGUID is the
 * same on every server) or the object has no usable key.
 */
export function findTagFor(reference: FieldReference, object: Readonly<Record<string, unknown>>): TaggedValue | undefined {
  const target = targetModel(reference.target);
  if (!target || target.portablePk) return undefined;
  const key = object[target.naturalKey];
  if (typeof key !== 'string' || key === '') return undefined;
  return new TaggedValue(FIND_TAG, [reference.target, [target.naturalKey, key]]);
}
