/**
 * An `ObjectIndex` prepared for the questions the language features ask many times per keystroke:
 * which objects a field accepts, which object a pk names, which objects a `!Find` matches. Built
 * once per index the client sends; the per-field answers are computed on first use and kept.
 */
import { TaggedValue } from '../document/tags';
import { fieldAcceptsObject, findObjectMatcher, type FindQuery } from './findTag';
import { baseOf, targetModel, type FieldReference } from './lookup';
import type { IndexedObject, ObjectIndex } from './objectIndex';
import { TARGET_MODELS } from './table';

/** The objects a field accepts, as far as the index knows them. */
export interface AcceptedObjects {
  readonly objects: readonly IndexedObject[];
  /** Every object the field accepts is listed: a pk absent from `objects` names nothing. */
  readonly complete: boolean;
  /** Lower-cased pk → object. */
  readonly byPk: ReadonlyMap<string, IndexedObject>;
}

/** What a `!Find` matches on the indexed server. */
export interface FindMatches {
  readonly objects: readonly IndexedObject[];
  /** Every object the tag could match is listed, so "no match" is a fact. */
  readonly complete: boolean;
  /** The objects the tag's model covers, for "did you mean" suggestions. */
  readonly pool: readonly IndexedObject[];
}

export class ReferenceIndex {
  private readonly accepted = new Map<string, AcceptedObjects | null>();
  private readonly pools = new Map<string, { readonly objects: readonly IndexedObject[]; readonly complete: boolean } | null>();
  private readonly values = new Map<string, Map<string, IndexedObject[]> | null>();
  private readonly anyByPk = new Map<string, IndexedObject>();

  constructor(readonly index: ObjectIndex) {
    for (const model of Object.values(index.models)) {
      for (const object of model.objects) {
        if (typeof object.pk !== 'string') continue;
        const key = object.pk.toLowerCase();
        if (!this.anyByPk.has(key)) this.anyByPk.set(key, object);
      }
    }
  }

  get server(): string {
    return this.index.server.replace(/\/+$/, '');
  }

  get emailTemplates(): readonly string[] | undefined {
    return this.index.emailTemplates;
  }

  /** The objects `reference` accepts, or undefined when the index holds none of its models. */
  acceptedBy(reference: FieldReference): AcceptedObjects | undefined {
    const key = reference.target;
    if (!this.accepted.has(key)) this.accepted.set(key, this.collect(reference) ?? null);
    return this.accepted.get(key) ?? undefined;
  }

  /** Any indexed object with this pk, whatever its model. */
  objectWithPk(pk: string): IndexedObject | undefined {
    return this.anyByPk.get(pk.toLowerCase());
  }

  /**
   * The objects a checked `!Find` matches, compared as the push compares them (findObjectMatcher;
   * a model outside the table by its own properties). Undefined when the index cannot tell: the model is not indexed, a value comes from
   * `!Env`, or the index does not carry a field the tag names.
   */
  findMatches(find: FindQuery): FindMatches | undefined {
    const pool = this.objectsOfModel(find.model);
    if (!pool) return undefined;
    const matches = findObjectMatcher(find);
    if (!matches) return undefined;
    const target = targetModel(find.model);
    const pkProperty = target?.pkField ?? 'pk';
    let narrowed: readonly IndexedObject[] | undefined;
    for (const [field, value] of find.filters) {
      const property = target?.findFields[field]?.property ?? field;
      if (property === 'pk' || property === pkProperty) continue;
      const values = this.valuesOf(find.model, pool.objects, property);
      if (!values) return undefined;
      // One exact condition narrows the objects to compare; `matches` has the last word.
      if (!narrowed && (typeof value === 'string' || typeof value === 'number')) narrowed = [...new Set([...(values.get(String(value)) ?? []), ...(values.get(String(value).toLowerCase()) ?? [])])];
    }
    const objects = (narrowed ?? pool.objects).filter((o) => matches({ ...o.fields, pk: o.pk, [pkProperty]: o.pk, meta_model_name: o.model }));
    return { objects, complete: pool.complete, pool: pool.objects };
  }

  /** A stage (of any type) named `name`. */
  stageNamed(name: string): IndexedObject | undefined {
    const stages = this.objectsOfModel('authentik_flows.stage');
    return stages ? this.valuesOf('authentik_flows.stage', stages.objects, 'name')?.get(name)?.find((o) => o.fields['name'] === name) : undefined;
  }

  /**
   * The model's objects by their value of `property` (booleans under their lower-case text, as
   * `!Find` compares them); undefined when some object lacks the property, so no match can be ruled out.
   */
  private valuesOf(model: string, objects: readonly IndexedObject[], property: string): ReadonlyMap<string, readonly IndexedObject[]> | undefined {
    const key = `${model}\u0000${property}`;
    if (!this.values.has(key)) {
      let map: Map<string, IndexedObject[]> | null = new Map();
      for (const object of objects) {
        if (!Object.hasOwn(object.fields, property)) {
          map = null;
          break;
        }
        const value = object.fields[property];
        const text = typeof value === 'boolean' ? String(value).toLowerCase() : String(value);
        const list = map.get(text);
        if (list) list.push(object);
        else map.set(text, [object]);
      }
      this.values.set(key, map);
    }
    return this.values.get(key) ?? undefined;
  }

  /** The objects of `model` (a target, a base, or a type listed through its base), by what the index holds. */
  objectsOfModel(model: string): { readonly objects: readonly IndexedObject[]; readonly complete: boolean } | undefined {
    if (!this.pools.has(model)) this.pools.set(model, this.poolOf(model) ?? null);
    return this.pools.get(model) ?? undefined;
  }

  private poolOf(model: string): { objects: readonly IndexedObject[]; complete: boolean } | undefined {
    const models = this.index.models;
    if (Object.hasOwn(models, model)) return { objects: models[model]!.objects, complete: models[model]!.complete };
    const base = baseOf(model);
    if (base && Object.hasOwn(models, base.model)) {
      const listed = models[base.model]!;
      return { objects: listed.objects.filter((o) => o.model === model), complete: listed.complete };
    }
    // A base model, known through its indexed types (a listing per stage type): never complete, types may be missing.
    const subtypes = TARGET_MODELS[model]?.subtypes;
    if (!subtypes) return undefined;
    const known = subtypes.filter((s) => Object.hasOwn(models, s));
    if (known.length === 0) return undefined;
    return { objects: known.flatMap((s) => models[s]!.objects), complete: false };
  }

  private collect(reference: FieldReference): AcceptedObjects | undefined {
    const pool = this.objectsOfModel(reference.target);
    if (!pool) return undefined;
    const objects: IndexedObject[] = [];
    const byPk = new Map<string, IndexedObject>();
    for (const object of pool.objects) {
      const key = object.pk.toLowerCase();
      if (byPk.has(key) || !fieldAcceptsObject(reference, { meta_model_name: object.model })) continue;
      byPk.set(key, object);
      objects.push(object);
    }
    return { objects, complete: pool.complete, byPk };
  }
}

/** The text of a `!Find` condition's value, when it is written out (not `!Env`). */
export function plainFindValue(value: unknown): string | undefined {
  if (value instanceof TaggedValue || value === null || typeof value === 'object') return undefined;
  return String(value);
}
