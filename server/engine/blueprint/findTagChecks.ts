/**
 * `!Find [model, [field, value], …]` and `!FindObject` in a blueprint, as authentik's loader reads
 * them (`common.Find`): the model through Django's `apps.get_model`, the conditions as `Q(field=value)`.
 * (Stage files' stricter `!Find`, resolved by the push through the API, is references/findTag.ts.)
 */
import { TaggedValue } from '../document/tags';
import { closestMatch } from '../util/closest';
import { argument, describe, FAILS, REFUSED, sequenceItems } from './tagCheckSupport';
import type { TagRun } from './tagChecks';
import { child, resolves, type TagPosition } from './tagPosition';

export function checkFind(tag: TaggedValue, at: TagPosition, run: TagRun): void {
  const items = sequenceItems(tag, at, run, 1);
  if (!items) return;
  run.visit(items[0], argument(tag, at, 0, 'direct'));
  const model = lookUpModel(tag, items[0], at, run);
  for (let i = 1; i < items.length; i++) {
    const key = findCondition(tag, items[i], argument(tag, at, i, 'ignored'), at, run);
    if (typeof key === 'string' && model) checkFindField(tag, key, model, at, `${at.pointer}/${i}/0`, run);
  }
}

interface FoundModel {
  readonly name: string;
  readonly fields: readonly string[];
}

/** The literal model's catalog entry when it has fields; reports a model authentik cannot find. */
function lookUpModel(tag: TaggedValue, model: unknown, at: TagPosition, run: TagRun): FoundModel | undefined {
  if (model instanceof TaggedValue) return undefined;
  const pointer = `${at.pointer}/0`;
  const parts = typeof model === 'string' ? model.split('.') : [];
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    run.report(at, 'error', 'resolve', `${tag.tag}'s first item is the model, app_label.model (e.g. authentik_flows.flow), not ${describe(model)}: Django's get_model cannot read it, so ${FAILS}.`, { pointer, uncaught: true });
    return undefined;
  }
  const name = `${parts[0]}.${parts[1]!.toLowerCase()}`;
  const known = run.context.findModel(name);
  if (known === undefined) {
    const close = closestMatch(name, run.context.modelNames ?? []);
    run.report(at, 'error', 'resolve', `${tag.tag}: authentik has no model ${model as string} (app labels are exact, model names any case), so ${FAILS} (LookupError).${close ? ` Did you mean ${close}?` : ''}`, { pointer });
    return undefined;
  }
  return known === 'no-schema' ? undefined : { name, fields: known.fields };
}

/** Checks one [field, value] condition's shape and visits it; returns its literal field. */
function findCondition(tag: TaggedValue, condition: unknown, conditionAt: TagPosition, at: TagPosition, run: TagRun): unknown {
  const options = { pointer: conditionAt.pointer };
  let pair = condition;
  if (pair instanceof TaggedValue && Array.isArray(pair.value)) {
    run.report(at, 'warning', 'load', `${tag.tag}'s condition is tagged ${pair.tag}, which authentik ignores: the loader reads the list's items as [field, value]. Remove the tag.`, options);
    pair = pair.value;
  }
  if (!Array.isArray(pair)) {
    if (pair === '') run.report(at, 'error', 'resolve', `${tag.tag}'s condition is empty, so ${FAILS} (IndexError). Write [field, value], e.g. [slug, my-flow].`, { ...options, uncaught: true });
    else run.report(at, 'error', 'load', `${tag.tag}'s condition is ${describe(pair)}: each item after the model is a list [field, value], e.g. [slug, my-flow]; the loader reads anything else item by item (a text character by character), so ${REFUSED}.`, options);
    return undefined;
  }
  pair.forEach((item, j) => run.visit(item, { ...child(conditionAt, String(j), j < 2 && resolves(at) ? 'direct' : 'ignored'), holder: tag.tag }));
  if (pair.length < 2) {
    run.report(at, 'error', 'resolve', `${tag.tag}'s condition ${pair.length === 0 ? 'is empty' : 'has no value'}, so ${FAILS} (IndexError). Write [field, value], e.g. [slug, my-flow].`, { ...options, uncaught: true });
    return undefined;
  }
  if (pair.length > 2) run.report(at, 'warning', 'load', `${tag.tag}'s condition has ${pair.length} items: only [field, value] is read, authentik ignores the rest.`, { pointer: `${conditionAt.pointer}/2` });
  const field = pair[0];
  if (field instanceof TaggedValue || typeof field === 'string') return field;
  run.report(at, 'error', 'resolve', `${tag.tag}'s field is ${describe(field)}: Django's Q() takes field names as text (TypeError), so ${FAILS}. Write the field name, e.g. [slug, my-flow].`, { pointer: `${conditionAt.pointer}/0`, uncaught: true });
  return undefined;
}

/** Django lookups (`name__iexact`, `user__username`) start with a field of the model; pk and id always exist. */
function checkFindField(tag: TaggedValue, key: string, model: FoundModel, at: TagPosition, pointer: string, run: TagRun): void {
  const field = key.split('__')[0]!;
  if (field === 'pk' || field === 'id' || model.fields.includes(field)) return;
  if (key === '') {
    run.report(at, 'error', 'resolve', `${tag.tag}'s field is empty: Django cannot resolve '' into a field (FieldError), so ${FAILS}.`, { pointer, uncaught: true });
    return;
  }
  const close = closestMatch(field, model.fields);
  run.report(at, 'warning', 'resolve', `${tag.tag}: ${model.name} has no field ${field} in authentik's API${close ? ` (did you mean ${close}?)` : ''}; if the model has no such field either, the import fails with Django's FieldError ("Cannot resolve keyword '${field}' into field"). Its API fields: ${model.fields.join(', ')}.`, { pointer, uncaught: true });
}
