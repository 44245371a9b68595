/**
 * Completion where a value goes in a blueprint: the tags with their argument shapes, and inside a
 * tag what its argument names — the ids of earlier entries after `!KeyOf`, the context keys after
 * `!Context`, the models and then their fields inside `!Find [`.
 */
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type Position, type Range } from 'vscode-languageserver-types';
import type { BlueprintDocument, BlueprintEntry } from '../../blueprint/blueprintDocument';
import { blueprintModelNames, resolveBlueprintModel } from '../../blueprint/blueprintModels';
import { entryLinks } from '../../blueprint/entryIds';
import { BLUEPRINT_TAGS } from '../../blueprint/tags';
import type { SchemaCatalog } from '../../schema/catalog';
import { fieldDocumentation, modelDocumentation } from '../fieldDocs';
import { modelTitleOf } from './entryAt';
import { DEFAULT_CONTEXT } from './tagMeaning';
import { yamlInlineText } from '../../document/valueText';
import type { IndexedObject } from '../../references/objectIndex';
import type { ReferenceIndex } from '../../references/referenceIndex';

export interface TagCompletionPlace {
  readonly bp: BlueprintDocument;
  readonly catalog: SchemaCatalog;
  /** The entry being edited: `!KeyOf` offers the entries before it. */
  readonly entry: BlueprintEntry | undefined;
  /** The value typed so far, from its start to the cursor. */
  readonly valueText: string;
  readonly position: Position;
  /** The connected server's objects: a `!Find`'s value is offered from them. */
  readonly references?: ReferenceIndex;
}

const KEY_OF_ARGUMENT = /!KeyOf[ \t]+["']?([^\s"']*)$/;
const CONTEXT_ARGUMENT = /!Context[ \t]+(?:\[[ \t]*)?["']?([^\s"',[\]]*)$/;
const FIND_MODEL = /!(?:Find|FindObject)[ \t]+\[[ \t]*["']?([^\s"',[\]]*)$/;
/** `!Find [model, …, [field, ` and the value typed so far. */
const FIND_VALUE = /!(?:Find|FindObject)[ \t]+\[[ \t]*["']?([\w.]+)["']?[ \t]*,(?:[ \t]*\[[^\]]*\][ \t]*,)*[ \t]*\[[ \t]*["']?(\w+)["']?[ \t]*,[ \t]*(["']?[^"',[\]]*)$/;
const FIND_FIELD = /!(?:Find|FindObject)[ \t]+\[[ \t]*["']?([\w.]+)["']?[ \t]*,(?:[ \t]*\[[^\]]*\][ \t]*,)*[ \t]*\[[ \t]*["']?(\w*)$/;
/** A tag (or nothing yet) at the start of a value or of a flow sequence item. */
const TAG_START = /(?:^|[[,][ \t]*)(!?[A-Za-z]*)$/;

/** The items of a tag's argument, or undefined when the cursor is not in one. */
export function tagArgumentCompletions(place: TagCompletionPlace): CompletionItem[] | undefined {
  const { valueText } = place;
  const keyOf = KEY_OF_ARGUMENT.exec(valueText);
  if (keyOf) return keyOfItems(place, word(place, keyOf[1]!));
  const context = CONTEXT_ARGUMENT.exec(valueText);
  if (context) return contextItems(place, word(place, context[1]!));
  const value = FIND_VALUE.exec(valueText);
  if (value) return findValueItems(place, value[1]!, value[2]!, word(place, value[3]!));
  const field = FIND_FIELD.exec(valueText);
  if (field) return findFieldItems(place, field[1]!, word(place, field[2]!));
  const model = FIND_MODEL.exec(valueText);
  if (model) return findModelItems(place.catalog, word(place, model[1]!));
  return undefined;
}

/** The fourteen tags as snippets, where a tag may start; empty elsewhere. */
export function tagItems(place: Pick<TagCompletionPlace, 'valueText' | 'position'>): CompletionItem[] {
  const start = TAG_START.exec(place.valueText);
  // Plain text typed is a value, not the start of a tag.
  if (!start || (start[1] !== '' && !start[1]!.startsWith('!'))) return [];
  const range = word(place, start[1]!);
  return BLUEPRINT_TAGS.map((tag) => ({
    label: tag.name,
    kind: CompletionItemKind.Function,
    detail: tag.forms.join(' · '),
    documentation: { kind: MarkupKind.Markdown, value: `${tag.summary}\n\n${tag.documentation}` },
    // After the field's own values (`~` sorts after every letter and digit).
    sortText: `~${tag.name}`,
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: { range, newText: tag.snippet },
  }));
}

function word(place: Pick<TagCompletionPlace, 'position'>, typed: string): Range {
  return { start: { line: place.position.line, character: place.position.character - typed.length }, end: place.position };
}

function keyOfItems({ bp, catalog, entry }: TagCompletionPlace, range: Range): CompletionItem[] {
  // The importer resolves in order: only an entry applied before this one has saved its object.
  const before = entryLinks(bp).ids.filter((id) => (entry ? id.entry.index < entry.index : true));
  return before.map((id) => ({
    label: id.id,
    kind: CompletionItemKind.Reference,
    detail: `${modelTitleOf(id.entry.model, catalog)} · entry ${id.entry.index + 1}`,
    documentation: { kind: MarkupKind.Markdown, value: `The pk of the object entry ${id.entry.index + 1} saves (\`${id.entry.model ?? 'no model'}\`).` },
    sortText: String(id.entry.index).padStart(5, '0'),
    textEdit: { range, newText: id.id },
  }));
}

function contextItems({ bp }: TagCompletionPlace, range: Range): CompletionItem[] {
  const own = [...bp.contextKeys].map((key) => ({ label: key, kind: CompletionItemKind.Variable, detail: 'context: of this file', sortText: `0_${key}`, textEdit: { range, newText: key } }));
  const defaults = Object.entries(DEFAULT_CONTEXT)
    .filter(([key]) => !bp.contextKeys.has(key))
    .map(([key, what]) => ({ label: key, kind: CompletionItemKind.Constant, detail: 'the importer\'s default', documentation: what, sortText: `1_${key}`, textEdit: { range, newText: key } }));
  return [...own, ...defaults];
}

function findModelItems(catalog: SchemaCatalog, range: Range): CompletionItem[] {
  return blueprintModelNames(catalog).map((name) => {
    const model = resolveBlueprintModel(name, catalog);
    const entry = model.kind === 'schema' ? model.entry : undefined;
    return {
      label: name,
      kind: CompletionItemKind.Class,
      detail: entry?.title ?? name,
      ...(entry ? { documentation: { kind: MarkupKind.Markdown, value: modelDocumentation(entry, catalog) } } : {}),
      textEdit: { range, newText: name },
    };
  });
}

/** Connected: the values the server's objects of the model have in that field, each with the object it finds. */
function findValueItems({ catalog, references }: TagCompletionPlace, model: string, field: string, range: Range): CompletionItem[] {
  const resolved = resolveBlueprintModel(model, catalog);
  const name = resolved.kind === 'schema' || resolved.kind === 'no-schema' ? resolved.name : model;
  const pool = references?.objectsOfModel(name);
  if (!pool) return [];
  const seen = new Map<string, IndexedObject[]>();
  for (const object of pool.objects) {
    const value = field === 'pk' ? object.pk : object.fields[field];
    if (value === undefined || value === null) continue;
    const text = String(value);
    seen.set(text, [...(seen.get(text) ?? []), object]);
  }
  return [...seen].map(([text, objects]) => ({
    label: text,
    kind: CompletionItemKind.Value,
    detail: objects.length === 1 ? `${modelTitleOf(objects[0]!.model, catalog)} "${objects[0]!.label}"` : `${objects.length} objects: the importer takes whichever comes first`,
    textEdit: { range, newText: yamlInlineText(text) },
  }));
}

function findFieldItems({ catalog }: TagCompletionPlace, model: string, range: Range): CompletionItem[] {
  const resolved = resolveBlueprintModel(model, catalog);
  if (resolved.kind !== 'schema') return [];
  const { entry } = resolved;
  const properties = catalog.schema(entry.model)?.properties ?? {};
  const fields = ['pk', ...entry.fields, ...entry.readOnly.filter((f) => !entry.fields.includes(f))];
  return [...new Set(fields)].map((field, i) => {
    const property = properties[field];
    return {
      label: field,
      kind: CompletionItemKind.Field,
      detail: field === 'pk' ? 'primary key' : `${entry.title} field`,
      ...(property ? { documentation: { kind: MarkupKind.Markdown, value: fieldDocumentation(field, property, entry, catalog) } } : {}),
      sortText: String(i).padStart(4, '0'),
      textEdit: { range, newText: field },
    };
  });
}
