/**
 * Completion in a blueprint: entry keys, models, states, a new entry with its model's required
 * fields, the keys and values of `identifiers`/`attrs` by the entry's model (the stage completion's
 * own items, through the entry-body view), and tags with their arguments.
 */
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type CompletionList, type Position } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ENTRY_STATES, type BlueprintDocument, type BlueprintEntry } from '../../blueprint/blueprintDocument';
import { blueprintModelNames, META_APPLY_BLUEPRINT, resolveBlueprintModel } from '../../blueprint/blueprintModels';
import { ENTRY_KEYS } from '../../blueprint/validateBlueprint';
import { isPlainObject } from '../../document/tags';
import type { SchemaCatalog } from '../../schema/catalog';
import type { ModelIndexEntry } from '../../schema/types';
import { fieldValueCompletions, keyItems, requiredFieldLines, type CompletionContext } from '../completion';
import { modelDocumentation } from '../fieldDocs';
import type { ReferenceInsert } from '../references';
import type { StageFile } from '../stageFile';
import { blueprintCursor, isEntryList, siblingKeys, withinEntry, type BlueprintCursor } from './cursor';
import { entryAt, entryBody, entrySchema } from './entryAt';
import { ENTRY_KEY_DOCS, STATE_DOCS, type EntryKey } from './entryKeyDocs';
import { tagArgumentCompletions, tagItems } from './tagCompletion';
import { outerKeyItems, permissionCodenames } from './outerCompletion';

interface Place {
  readonly file: StageFile;
  readonly bp: BlueprintDocument;
  readonly catalog: SchemaCatalog;
  readonly cursor: BlueprintCursor;
  readonly entry: BlueprintEntry | undefined;
  readonly position: Position;
  readonly offset: number;
  readonly insert: ReferenceInsert;
}

const EMPTY: CompletionList = { isIncomplete: false, items: [] };
/** What an entry's identifiers are usually: the natural keys, offered first. */
const NATURAL_KEYS = ['slug', 'name', 'pk'];

export function completeBlueprint(file: StageFile, bp: BlueprintDocument, textDocument: TextDocument, position: Position, catalog: SchemaCatalog, insert: ReferenceInsert): CompletionList {
  const offset = textDocument.offsetAt(position);
  const cursor = blueprintCursor(file.text, offset, position);
  if (!cursor) return EMPTY;
  const place: Place = { file, bp, catalog, cursor, entry: entryAt(bp, offset), position, offset, insert };
  if (cursor.kind !== 'key') {
    const inTag = tagArgumentCompletions({ bp, catalog, entry: place.entry, valueText: cursor.valueText, position, ...(file.references ? { references: file.references } : {}) });
    if (inTag) return { isIncomplete: false, items: inTag };
  }
  if (isEntryList(cursor.path)) return { isIncomplete: false, items: entryListItems(place) };
  const outer = outerKeyItems(cursor, file.text, offset, writtenAt(bp, cursor.path)) ?? permissionCodenames(cursor, place.entry);
  if (outer) return { isIncomplete: false, items: outer };
  const inEntry = withinEntry(cursor.path);
  if (!inEntry) return cursor.kind === 'key' ? EMPTY : { isIncomplete: false, items: tagItems({ valueText: cursor.valueText, position }) };
  return entryCompletions(place, inEntry);
}

/** The keys the parse has at the top level or in `metadata`/`metadata.labels` (elsewhere the lines beside the cursor tell). */
function writtenAt(bp: BlueprintDocument, path: readonly string[]): string[] {
  let node: unknown = bp.doc.value;
  for (const key of path) node = isPlainObject(node) ? node[key] : undefined;
  return path.includes('-') || !isPlainObject(node) ? [] : Object.keys(node);
}

/** In the `entries` list: a new entry after `- ` (or the first key of one), a whole `- model:` on a bare line. */
function entryListItems(place: Place): CompletionItem[] {
  if (place.cursor.kind === 'item') return [...newEntrySnippets(place, ''), ...entryKeyItems(place, undefined)];
  return place.cursor.kind === 'key' ? newEntrySnippets(place, '- ') : [];
}

function entryCompletions(place: Place, inEntry: readonly string[]): CompletionList {
  const { cursor, entry } = place;
  const [part, field, ...deeper] = inEntry;
  const asValue = cursor.kind !== 'key';
  if (part === undefined) return { isIncomplete: false, items: cursor.kind === 'key' ? entryKeyItems(place, entry) : [] };
  if (part === 'model' && field === undefined && cursor.kind === 'value') return { isIncomplete: false, items: modelItems(place) };
  if (part === 'state' && field === undefined && cursor.kind === 'value') return { isIncomplete: false, items: stateItems(place) };
  const model = entry ? entrySchema(entry, place.catalog) : undefined;
  const body = part === 'identifiers' || part === 'attrs';
  if (body && field === undefined && cursor.kind === 'key') return { isIncomplete: false, items: model && entry ? bodyKeyItems(place, entry, model, part) : [] };
  if (!asValue || part === 'id') return EMPTY;
  const tags = tagItems({ valueText: cursor.valueText, position: place.position });
  if (!body || field === undefined || deeper.length || !model || cursor.valueText.startsWith('!')) return { isIncomplete: false, items: tags };
  const context: CompletionContext = { kind: cursor.kind === 'item' ? 'item' : 'value', field, range: cursor.range, typed: cursor.valueText.replace(/^["']/, ''), quoted: false };
  const values = fieldValueCompletions(model, field, context, place.file, place.insert, place.catalog);
  return { isIncomplete: values.isIncomplete, items: [...values.items, ...tags] };
}

function markdown(value: string): { kind: typeof MarkupKind.Markdown; value: string } {
  return { kind: MarkupKind.Markdown, value };
}

const ENTRY_KEY_SNIPPETS: Readonly<Record<EntryKey, string>> = {
  model: 'model: $1',
  id: 'id: ${1:id}',
  identifiers: 'identifiers:\n  $1',
  attrs: 'attrs:\n  $1',
  state: `state: \${1|${ENTRY_STATES.join(',')}|}`,
  conditions: 'conditions:\n  - $1',
  permissions: 'permissions:\n  - permission: $1',
};

/** The entry keys not written yet, in the importer's order. */
function entryKeyItems(place: Place, entry: BlueprintEntry | undefined): CompletionItem[] {
  const typed = place.cursor.valueText;
  const written = entry ? new Set([...Object.keys(entry.fields ?? {}), ...siblingKeys(place.file.text, place.offset)]) : new Set<string>();
  return ENTRY_KEYS.filter((key) => !written.has(key) || key === typed).map((key, i) => ({
    label: key,
    kind: CompletionItemKind.Property,
    detail: key === 'model' ? 'required' : 'entry key',
    documentation: markdown(ENTRY_KEY_DOCS[key]),
    sortText: `1_${i}`,
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: { range: place.cursor.range, newText: ENTRY_KEY_SNIPPETS[key] },
  }));
}

/** Every model an entry may name: stage models and the other objects alike, and the meta model. */
function modelItems({ catalog, cursor }: Place): CompletionItem[] {
  return blueprintModelNames(catalog).map((name) => {
    const model = resolveBlueprintModel(name, catalog);
    const entry = model.kind === 'schema' ? model.entry : undefined;
    const title = entry?.title ?? (name === META_APPLY_BLUEPRINT ? 'Apply another blueprint' : name);
    return {
      label: name,
      kind: CompletionItemKind.Class,
      detail: title,
      ...(entry ? { documentation: markdown(modelDocumentation(entry, catalog)) } : {}),
      sortText: title,
      textEdit: { range: cursor.range, newText: name },
    };
  });
}

function stateItems({ cursor }: Place): CompletionItem[] {
  return ENTRY_STATES.map((state, i) => ({
    label: state,
    kind: CompletionItemKind.EnumMember,
    detail: state === 'present' ? 'the default' : 'state',
    documentation: markdown(STATE_DOCS[state]),
    sortText: String(i),
    textEdit: { range: cursor.range, newText: state },
  }));
}

/** The model's fields not yet in the entry's body (identifiers and attrs merged); identifiers offer the natural keys first. */
function bodyKeyItems({ bp, catalog, cursor, file, offset }: Place, entry: BlueprintEntry, model: ModelIndexEntry, part: 'identifiers' | 'attrs'): CompletionItem[] {
  const body = entryBody(bp, entry, model).doc.value;
  const present: Record<string, unknown> = { ...(isPlainObject(body) ? body : {}) };
  for (const key of siblingKeys(file.text, offset)) present[key] = true;
  const context: CompletionContext = { kind: 'key', range: cursor.range, typed: cursor.valueText, quoted: false };
  const items = keyItems(model, catalog, present, context, 'yaml');
  if (part === 'attrs') return items;
  if (!items.some((item) => item.label === 'pk') && !('pk' in present)) {
    items.push({ label: 'pk', kind: CompletionItemKind.Property, detail: 'primary key', documentation: markdown('Finds the object by its primary key (what exports write).'), insertTextFormat: InsertTextFormat.Snippet, textEdit: { range: cursor.range, newText: 'pk: $1' } });
  }
  for (const item of items) {
    const rank = NATURAL_KEYS.indexOf(item.label);
    if (rank >= 0) item.sortText = `00_${rank}`;
  }
  return items;
}

/**
 * One `- model: …` snippet per model with a schema: the natural key (or the required fields of a
 * model without one, such as a binding's) in `identifiers`, the other required fields in `attrs`.
 */
function newEntrySnippets({ catalog, cursor }: Place, dash: '' | '- '): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const name of blueprintModelNames(catalog)) {
    const model = resolveBlueprintModel(name, catalog);
    if (model.kind !== 'schema') continue;
    const { entry } = model;
    const natural = NATURAL_KEYS.slice(0, 2).find((key) => entry.fields.includes(key));
    const identifiers = natural ? [natural] : entry.required;
    const identifierLines = requiredFieldLines(entry, identifiers, catalog, 1, (field) => field);
    const attrLines = requiredFieldLines(entry, entry.required.filter((f) => !identifiers.includes(f)), catalog, identifierLines.next, (field) => field);
    const indent = (lines: string[]): string[] => lines.map((line) => `    ${line.replace(/\n/g, '\n    ')}`);
    const lines = [`${dash}model: ${name}`, '  identifiers:', ...indent(identifierLines.lines), ...(attrLines.lines.length ? ['  attrs:', ...indent(attrLines.lines)] : [])];
    items.push({
      label: `New ${entry.title}`,
      kind: CompletionItemKind.Snippet,
      detail: `${name} with its required fields`,
      documentation: markdown(modelDocumentation(entry, catalog)),
      sortText: `0_${entry.title}`,
      insertTextFormat: InsertTextFormat.Snippet,
      textEdit: { range: cursor.range, newText: `${lines.join('\n')}\n$0` },
    });
  }
  return items;
}
