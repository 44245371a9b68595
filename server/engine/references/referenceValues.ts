/** The references a stage document holds: every pk and `!Find` in its reference fields, with where it is. */
import type { StageDocument } from '../document/stageDocument';
import { fieldPointer } from '../document/stageDocument';
import { isPlainObject, TaggedValue } from '../document/tags';
import { isFindTag } from './findTag';
import type { SchemaCatalog } from '../schema/catalog';
import { baseOf, referenceOf, type FieldReference } from './lookup';
import { TARGET_MODELS } from './table';

export interface ReferenceValue {
  readonly field: string;
  readonly reference: FieldReference;
  /** The JSON pointer of the pk or the tag: `/password_stage`, `/sources/1`. */
  readonly pointer: string;
  /** A pk as written (any text), or a `!Find` tag. */
  readonly value: string | TaggedValue;
  /** In a list field. */
  readonly item: boolean;
}

/** The stage model a document names, when it names one as text. */
export function documentModel(doc: StageDocument): string | undefined {
  const root = doc.value;
  return isPlainObject(root) && typeof root['model'] === 'string' ? root['model'] : undefined;
}

/**
 * Every pk and `!Find` in the document's reference fields, in field order. A value of the wrong
 * shape (a list where one pk goes, a number) is left to the schema check.
 */
export function referenceValuesOf(doc: StageDocument): ReferenceValue[] {
  const root = doc.value;
  const model = documentModel(doc);
  if (!model || !isPlainObject(root)) return [];
  const out: ReferenceValue[] = [];
  for (const [field, value] of Object.entries(root)) {
    const reference = referenceOf(model, field);
    if (!reference) continue;
    const pointer = fieldPointer(field);
    if (typeof value === 'string' || isFindTag(value)) out.push({ field, reference, pointer, value, item: false });
    if (!Array.isArray(value)) continue;
    value.forEach((item, i) => {
      if (typeof item === 'string' || isFindTag(item)) out.push({ field, reference, pointer: `${pointer}/${i}`, value: item, item: true });
    });
  }
  return out;
}

/** A model's title for messages: a stage type's from the catalog, else the reference table's. */
export function modelTitle(model: string, catalog: SchemaCatalog): string {
  return catalog.entry(model)?.title ?? TARGET_MODELS[model]?.title ?? baseOf(model)?.title ?? model;
}

/** "a Password Stage", "an Authenticator Validate Stage". */
export function withArticle(title: string): string {
  return `${/^[aeiou]/i.test(title) ? 'an' : 'a'} ${title}`;
}
