/**
 * Resolving a stage file's `!Find` tags on the server before a push (or a diff) sends or compares
 * anything: each tag becomes the pk of the one object it names, through the model's list endpoint
 * (filtered, or searched) and an exact comparison of every condition. The file keeps the tag; only
 * the request body, the merge and the diff see the pk. Each distinct query is asked once per run.
 */
import {
  checkFind,
  fieldAcceptsObject,
  findApiQuery,
  isFindTag,
  isPlainObject,
  parseFindTag,
  referenceOf,
  yamlInlineText,
  TaggedValue,
  targetModel,
  type FieldReference,
  type FindQuery,
} from '@authentik-stages/engine';
import type { ListAllQuery } from '../api/pagination';
import type { LocalStage } from './localStage';
import type { Environment } from './payload';
import { ServerDataError, showServerValue } from './serverStage';

/** What resolving needs of the API client. */
export interface FindLister {
  readonly baseUrl: string;
  listAll<T>(apiPath: string, query?: ListAllQuery): Promise<T[]>;
}

/** A `!Find` that names no single object: where in the document and why. */
export interface FindFailure {
  /** The field holding the tag. */
  readonly field: string;
  /** The tag's JSON pointer in the document (`/password_stage`, `/sources/1`). */
  readonly pointer: string;
  readonly message: string;
}

/** The pks the tags of a set of stages resolved to, by tag. */
export interface ResolvedFinds {
  readonly pks: ReadonlyMap<TaggedValue, string>;
  readonly failures: ReadonlyMap<TaggedValue, FindFailure>;
}

export const NO_FINDS: ResolvedFinds = { pks: new Map(), failures: new Map() };

/** The failures of the tags a field's value holds (itself, or its list items). */
export function failuresIn(value: unknown, finds: ResolvedFinds): FindFailure[] {
  return (Array.isArray(value) ? value : [value]).flatMap((item) => (item instanceof TaggedValue && finds.failures.has(item) ? [finds.failures.get(item)!] : []));
}

/** Resolves tags, asking the server once per distinct query (model and conditions, `!Env` resolved). */
export class FindResolver {
  private readonly listings = new Map<string, Promise<Array<Record<string, unknown>>>>();

  constructor(
    private readonly api: FindLister,
    private readonly env: Environment,
  ) {}

  /** Every `!Find` in the reference fields (and their list items) of `stages`. */
  async resolveStages(stages: readonly LocalStage[]): Promise<ResolvedFinds> {
    const pks = new Map<TaggedValue, string>();
    const failures = new Map<TaggedValue, FindFailure>();
    const work: Array<Promise<void>> = [];
    for (const stage of stages) {
      for (const [field, value] of Object.entries(stage.values)) {
        const reference = referenceOf(stage.model, field);
        if (!reference) continue;
        const items = Array.isArray(value) ? value.map((item, i) => [item, `/${field}/${i}`] as const) : [[value, `/${field}`] as const];
        for (const [item, pointer] of items) {
          if (!isFindTag(item)) continue;
          work.push(
            this.resolve(reference, item).then((answer) => {
              if (typeof answer === 'string') pks.set(item, answer);
              else failures.set(item, { field, pointer, message: answer.message });
            }),
          );
        }
      }
    }
    await Promise.all(work);
    return { pks, failures };
  }

  /** The pk `tag` names for the field `reference`, or why it names none. Server failures are thrown. */
  async resolve(reference: FieldReference, tag: TaggedValue): Promise<string | { message: string }> {
    const shown = `${reference.field}: ${showFind(tag)}`;
    const parsed = parseFindTag(tag);
    const shapeError = parsed.problems.find((p) => p.severity === 'error');
    if (!parsed.find || shapeError) return { message: `${shown}: ${shapeError?.message ?? 'not a !Find the push can resolve.'}` };
    const find = parsed.find;
    const fitError = checkFind(reference, find).find((p) => p.severity === 'error');
    if (fitError) return { message: `${shown}: ${fitError.message}` };
    const unset = find.filters.map(([, value]) => value).find((value) => value instanceof TaggedValue && (value.envName === undefined || this.env[value.envName] === undefined));
    if (unset instanceof TaggedValue) return { message: `${shown}: the environment variable ${unset.envName ?? '(none named)'} is not set, so the !Find has no value to look for. Set it and push again.` };
    const query = findApiQuery(find, (env) => (env.envName === undefined ? undefined : this.env[env.envName]));
    const target = targetModel(find.model);
    if (!query || !target) return { message: `${shown}: ${find.model} cannot be looked up through the API.` };
    const key = canonicalFind(find, this.env);
    let listing = this.listings.get(key);
    if (!listing) {
      listing = this.api.listAll<unknown>(query.apiPath, { filters: query.params }).then((objects) => objects.filter((o): o is Record<string, unknown> => isPlainObject(o) && query.matches(o)));
      this.listings.set(key, listing);
    }
    const found = await listing;
    const server = this.api.baseUrl;
    const accepted = found.filter((object) => fieldAcceptsObject(reference, object));
    if (accepted.length === 1) {
      const pk = accepted[0]![target.pkField];
      if (typeof pk !== 'string' || pk === '') {
        throw new ServerDataError(`the server ${server} sent ${target.pkField} ${showServerValue(pk)} for an object of ${query.apiPath}: not a pk; nothing was sent.`, { server });
      }
      return pk;
    }
    if (accepted.length === 0) {
      const wrongType = found[0]?.['meta_model_name'];
      if (found.length && typeof wrongType === 'string') {
        return { message: `${shown}: the object it finds on ${server} is ${showServerValue(wrongType)}, which ${reference.field} does not take (it takes ${reference.target}). Nothing was sent.` };
      }
      return { message: `${shown} matches no ${target.title} on ${server}: nothing was sent. Check the value (matching is exact, case included), or create the object first.` };
    }
    const pks = accepted.slice(0, 3).map((object) => showServerValue(object[target.pkField]));
    return { message: `${shown} matches ${accepted.length} objects on ${server} (${pks.join(', ')}${accepted.length > 3 ? ', …' : ''}): nothing was sent. Add a condition that tells them apart, e.g. [slug, …] or [pk, …].` };
  }
}

/** One query per model and conditions, `!Env` replaced by its value: the cache key. */
function canonicalFind(find: FindQuery, env: Environment): string {
  return JSON.stringify([find.model, find.filters.map(([field, value]) => [field, value instanceof TaggedValue ? { env: env[value.envName ?? ''] ?? null } : value])]);
}

/** A tag as a person wrote it, for messages: `!Find [model, [field, value]]`. */
export function showFind(tag: TaggedValue): string {
  return yamlInlineText(tag);
}
