/** Questions asked of the reference table: what a field points to, and how a model is found. */
import { REFERENCE_FIELDS, TARGET_MODELS, type FindField, type ReferenceSpec, type TargetModel } from './table';

/** A reference field, with every model whose pk it accepts. */
export interface FieldReference extends ReferenceSpec {
  /** The stage (or prompt) model holding the field. */
  readonly model: string;
  readonly field: string;
  /** The target, or for a base target the concrete models it stands for. */
  readonly accepts: readonly string[];
}

/** How a `!Find`'s model relates to a field's target. */
export type FindTargetFit =
  /** The target itself. */
  | 'target'
  /** One of the target's types (a password stage where any stage is taken). */
  | 'subtype'
  /** A base of the target (`authentik_flows.stage` where a password stage is taken): the found object's type is checked at push. */
  | 'supertype';

export function referenceOf(model: string, field: string): FieldReference | undefined {
  const fields = Object.hasOwn(REFERENCE_FIELDS, model) ? REFERENCE_FIELDS[model]! : undefined;
  const spec = fields && Object.hasOwn(fields, field) ? fields[field]! : undefined;
  if (!spec) return undefined;
  return { ...spec, model, field, accepts: TARGET_MODELS[spec.target]?.subtypes ?? [spec.target] };
}

/** The reference fields of a stage (or prompt) model, in the table's order. */
export function referenceFieldsOf(model: string): string[] {
  return Object.hasOwn(REFERENCE_FIELDS, model) ? Object.keys(REFERENCE_FIELDS[model]!) : [];
}

/**
 * How to find objects of a model: a target of the table, a base a `!Find` may name, or a type of
 * such a base (listed through the base's endpoint and told apart by `meta_model_name`).
 */
export function targetModel(name: string): TargetModel | undefined {
  if (Object.hasOwn(TARGET_MODELS, name)) return TARGET_MODELS[name];
  const base = baseOf(name);
  if (!base) return undefined;
  const { subtypes: _subtypes, ...shared } = base;
  return { ...shared, model: name, title: `${base.title} (${name})`, mixedTypes: true };
}

/** The base model whose `subtypes` list `name` (not counting a base listing itself). */
export function baseOf(name: string): TargetModel | undefined {
  return Object.values(TARGET_MODELS).find((entry) => entry.model !== name && entry.subtypes?.includes(name));
}

export function findTargetFit(reference: FieldReference, findModel: string): FindTargetFit | undefined {
  if (findModel === reference.target) return 'target';
  if (reference.accepts.includes(findModel)) return 'subtype';
  if (TARGET_MODELS[findModel]?.subtypes?.includes(reference.target)) return 'supertype';
  return undefined;
}

/** Whether `!Find [findModel, …]` can name an object this field accepts. */
export function isValidFindTarget(reference: FieldReference, findModel: string): boolean {
  return findTargetFit(reference, findModel) !== undefined;
}

/** A field `!Find [model, [field, value]]` may name on the model, or undefined when it may not. */
export function findFieldOf(model: string, field: string): FindField | undefined {
  const fields = targetModel(model)?.findFields;
  return fields && Object.hasOwn(fields, field) ? fields[field] : undefined;
}
