/**
 * What a connected server holds, as far as references need it: per target model (a key of
 * `TARGET_MODELS`), its objects with their pk, label, the values of their `!Find`-able fields and
 * what uses them; and for blueprints, any model their entries or `!Find` tags name (a binding, an
 * application), with the identifier fields the entries write, so an entry's object is known to
 * exist or not. The client builds it from the server's list endpoints (lazily, for the models
 * open files reference) and hands it to the language server; the command line builds it for
 * `validate --online`. The engine only reads it: completion by name, hover, inlay hints, and the
 * checks that need the server's data (a pk naming nothing, a `!Find` matching nothing or several).
 */

export interface IndexedObject {
  /** The object's pk as the API lists it (`TargetModel.pkField`; an integer pk as text). */
  readonly pk: string;
  /** The concrete model (`meta_model_name` on a base model's listing), e.g. `authentik_stages_password.passwordstage`. */
  readonly model: string;
  /** The label shown for it: the first of the target's `display` fields (a flow's title, a stage's name). */
  readonly label: string;
  /** The values of the target's `display` and `findFields` properties (and a blueprint's identifier fields), as the API sent them. */
  readonly fields: Readonly<Record<string, string | number | boolean | null>>;
  /** Where it is used, e.g. flow slugs of a stage's `flow_set`, when the listing says. */
  readonly usedBy?: readonly string[];
}

export interface IndexedModel {
  /** Every object of the model on the server (false: the listing stopped at a bound, so "not found" is unknown). */
  readonly complete: boolean;
  readonly objects: readonly IndexedObject[];
}

export interface ObjectIndex {
  /** The server's base URL (no `/api/v3`), for links into its admin interface. */
  readonly server: string;
  /** Per model (a target of the table, or a blueprint's); a model absent here is unknown (not fetched), never "empty". */
  readonly models: Readonly<Record<string, IndexedModel>>;
  /**
   * Every email template the server offers (`GET /stages/email/templates/`: the built-ins and the
   * custom ones in its template directory). Absent: unknown, and only the built-ins are known.
   */
  readonly emailTemplates?: readonly string[];
}

/** The objects of `model` on the indexed server, or undefined when the index does not know the model. */
export function indexedObjects(index: ObjectIndex | undefined, model: string): IndexedModel | undefined {
  return index && Object.hasOwn(index.models, model) ? index.models[model] : undefined;
}

/** The object with this pk among the models' objects (case-insensitive, as UUIDs are). */
export function objectByPk(index: ObjectIndex | undefined, models: readonly string[], pk: string): IndexedObject | undefined {
  const wanted = pk.toLowerCase();
  for (const model of models) {
    const found = indexedObjects(index, model)?.objects.find((o) => o.pk.toLowerCase() === wanted);
    if (found) return found;
  }
  return undefined;
}
