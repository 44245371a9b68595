/**
 * Completion for stage files: `model` values, the keys a document does not have yet (required
 * first), values of enums, booleans, nullable fields and durations, and whole new documents.
 */
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type CompletionList, type Position, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { SchemaCatalog } from '../schema/catalog';
import type { JsonSchema, JsonValue, ModelIndexEntry } from '../schema/types';
import { describeType, isNullable, typesOf } from '../validation/drf';
import { isPlainObject } from '../document/tags';
import { suggestedValues } from '../validation/serverRules';
import { fieldDocumentation, modelDocumentation } from './fieldDocs';
import { referenceOf } from '../references/lookup';
import { referenceCompletions, type ReferenceInsert } from './references';
import type { StageFile } from './stageFile';

/** Where completion was asked: a key, a field's value or a list item, and the word typed so far. */
export interface CompletionContext {
  kind: 'key' | 'value' | 'item';
  /** For values and list items: the field they belong to. */
  field?: string;
  /** What is already typed of the word, and where it starts. */
  range: Range;
  typed: string;
  /** JSON only: the typed word began with a quote. */
  quoted: boolean;
}

const DURATION_EXAMPLES = ['minutes=10', 'hours=1', 'hours=1;minutes=30', 'days=1', 'weeks=1'];

export function complete(file: StageFile, textDocument: TextDocument, position: Position, catalog: SchemaCatalog, insert: ReferenceInsert = 'find'): CompletionList {
  const offset = textDocument.offsetAt(position);
  const placed = file.documentAt(offset);
  const lineStart = textDocument.offsetAt({ line: position.line, character: 0 });
  const linePrefix = file.text.slice(lineStart, offset);
  const root = placed && !placed.doc.isEmpty ? placed.doc.value : undefined;
  const object = isPlainObject(root) ? root : {};
  const model = typeof object['model'] === 'string' ? catalog.entry(object['model']) : undefined;
  const context = file.language === 'json' ? jsonContext(file.text, offset, position) : yamlContext(file.text, lineStart, linePrefix, position);
  const items: CompletionItem[] = [];
  let isIncomplete = false;
  if (!context) return { isIncomplete, items };

  if (context.kind === 'key') {
    const emptyDocument = !placed || placed.doc.isEmpty || Object.keys(object).length === 0 || (Object.keys(object).length === 1 && context.typed && context.typed in object);
    if (emptyDocument && file.language === 'yaml' && linePrefix.trim() === context.typed) items.push(...newDocumentSnippets(catalog, context));
    if (!('model' in object)) items.push(modelKeyItem(catalog, context, file.language));
    if (model) items.push(...keyItems(model, catalog, object, context, file.language));
  } else if (context.field === 'model') {
    items.push(...modelValueItems(catalog, context, file.language));
  } else if (model && context.field) {
    const found = fieldValueCompletions(model, context.field, context, file, insert, catalog);
    items.push(...found.items);
    isIncomplete = found.isIncomplete;
  }
  return { isIncomplete, items };
}

/** A field's values: its enum, booleans, durations, null, built-in values and (connected) the objects a reference field takes. */
export function fieldValueCompletions(
  model: ModelIndexEntry,
  field: string,
  context: CompletionContext,
  file: Pick<StageFile, 'language' | 'references'>,
  insert: ReferenceInsert,
  catalog: SchemaCatalog,
): CompletionList {
  const items: CompletionItem[] = [];
  let isIncomplete = false;
  const schema = catalog.schema(model.model)?.properties?.[field];
  if (!schema) return { isIncomplete, items };
  const target = context.kind === 'item' ? schema.items : schema;
  if (target) items.push(...valueItems(target, context, file.language, schema));
  const reference = referenceOf(model.model, field);
  if (reference && file.references && context.kind !== 'key') {
    const found = referenceCompletions(file.references, reference, { ...context, kind: context.kind }, file.language, insert, catalog);
    items.push(...found.items);
    isIncomplete = found.incomplete;
  }
  if (context.kind === 'value') {
    for (const value of suggestedValues(model.typeName, field, file.references?.emailTemplates)) {
      items.push({ label: value, kind: CompletionItemKind.Value, detail: 'built-in', textEdit: { range: context.range, newText: file.language === 'json' ? JSON.stringify(value) : value } });
    }
  }
  return { isIncomplete, items };
}

function yamlContext(text: string, lineStart: number, linePrefix: string, position: Position): CompletionContext | undefined {
  const word = (typed: string): Range => ({ start: { line: position.line, character: Math.max(0, position.character - typed.length) }, end: position });
  const key = /^([A-Za-z_][\w-]*|)$/.exec(linePrefix);
  if (key) return { kind: 'key', range: word(key[1]!), typed: key[1]!, quoted: false };
  const value = /^([A-Za-z_][\w-]*):[ \t]+([^#]*)$/.exec(linePrefix);
  if (value) {
    const typed = value[2]!.replace(/^["']/, '');
    return { kind: 'value', field: value[1]!, range: word(value[2]!), typed, quoted: false };
  }
  const item = /^[ \t]*-[ \t]*([^#]*)$/.exec(linePrefix);
  if (item) {
    const field = parentKey(text, lineStart);
    if (field) return { kind: 'item', field, range: word(item[1]!), typed: item[1]!, quoted: false };
  }
  return undefined;
}

/** The top-level key a block list item belongs to: the nearest line above that opens it. */
function parentKey(text: string, lineStart: number): string | undefined {
  let end = lineStart - 1;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end);
    const opener = /^([A-Za-z_][\w-]*):\s*(#.*)?$/.exec(line);
    if (opener) return opener[1];
    if (/^\S/.test(line) && !line.startsWith('-') && !line.startsWith('#')) return undefined;
    end = start - 1;
  }
  return undefined;
}

function jsonContext(text: string, offset: number, position: Position): CompletionContext | undefined {
  const before = text.slice(Math.max(0, offset - 2000), offset);
  const word = (typed: string): Range => ({ start: { line: position.line, character: Math.max(0, position.character - typed.length) }, end: position });
  const value = /"((?:[^"\\\r\n]|\\.)+)"\s*:\s*("?[^",{}[\]\r\n]*)$/.exec(before);
  if (value) {
    const typed = value[2]!;
    return { kind: 'value', field: value[1]!, range: word(typed), typed: typed.replace(/^"/, ''), quoted: typed.startsWith('"') };
  }
  const item = /"((?:[^"\\\r\n]|\\.)+)"\s*:\s*\[[^\]]*?("?[^",[\]\r\n]*)$/.exec(before);
  if (item && !item[0].includes(']')) {
    const typed = item[2]!.trimStart();
    return { kind: 'item', field: item[1]!, range: word(typed), typed: typed.replace(/^"/, ''), quoted: typed.startsWith('"') };
  }
  const key = /(?:^|[{,])\s*("?[\w-]*)$/.exec(before);
  if (key) return { kind: 'key', range: word(key[1]!), typed: key[1]!.replace(/^"/, ''), quoted: key[1]!.startsWith('"') };
  return undefined;
}

function markdown(value: string): { kind: typeof MarkupKind.Markdown; value: string } {
  return { kind: MarkupKind.Markdown, value };
}

function modelKeyItem(catalog: SchemaCatalog, context: CompletionContext, language: 'yaml' | 'json'): CompletionItem {
  const choices = catalog.models.map((m) => m.model).join(',');
  const newText = language === 'json' ? `"model": "\${1|${choices}|}"` : `model: \${1|${choices}|}`;
  return {
    label: 'model',
    kind: CompletionItemKind.Property,
    detail: 'string · required',
    documentation: markdown('The stage type: authentik\'s model name. It picks the schema the rest of the document is checked against.'),
    sortText: '0_model',
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: { range: context.range, newText },
  };
}

/** The model's fields not in `object` yet (required first), each inserted with a placeholder of its shape. */
export function keyItems(entry: ModelIndexEntry, catalog: SchemaCatalog, object: Record<string, unknown>, context: CompletionContext, language: 'yaml' | 'json'): CompletionItem[] {
  const schema = catalog.schema(entry.model);
  const properties = schema?.properties ?? {};
  const items: CompletionItem[] = [];
  if (!('pk' in object) && properties['pk']) {
    items.push(keyItem('pk', properties['pk'], entry, catalog, context, language, '2'));
  }
  for (const field of entry.fields) {
    if (field in object && field !== context.typed) continue;
    const property = properties[field];
    if (!property) continue;
    items.push(keyItem(field, property, entry, catalog, context, language, entry.required.includes(field) ? '0' : '1'));
  }
  return items;
}

function keyItem(field: string, schema: JsonSchema, entry: ModelIndexEntry, catalog: SchemaCatalog, context: CompletionContext, language: 'yaml' | 'json', rank: string): CompletionItem {
  const placeholder = placeholderFor(schema, language);
  const newText = language === 'json' ? `"${field}": ${placeholder}` : `${field}:${placeholder.startsWith('\n') ? '' : ' '}${placeholder}`;
  return {
    label: field,
    kind: CompletionItemKind.Property,
    detail: `${describeType(schema)}${rank === '0' ? ' · required' : ''}${schema.writeOnly ? ' · secret' : ''}`,
    documentation: markdown(fieldDocumentation(field, schema, entry, catalog)),
    sortText: `${rank}_${field}`,
    filterText: context.quoted ? `"${field}` : field,
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: { range: context.range, newText },
  };
}

/** A value of the right shape for the field, as a snippet. */
export function placeholderFor(schema: JsonSchema, language: 'yaml' | 'json'): string {
  const json = language === 'json';
  const choices = schema.enum?.filter((v): v is string | number | boolean => v !== null && typeof v !== 'object');
  if (choices?.length) {
    const rendered = choices.map((c) => (json && typeof c === 'string' ? JSON.stringify(c) : yamlScalar(c)).replace(/[,|\\$}]/g, '\\$&'));
    return `\${1|${rendered.join(',')}|}`;
  }
  if (schema.writeOnly && !json) return '!Env ${1:SECRET_VARIABLE}';
  if (schema['x-authentik-duration']) return json ? '"${1:hours=1}"' : '${1:hours=1}';
  const types = typesOf(schema).filter((t) => t !== 'null');
  switch (types[0]) {
    case 'boolean':
      return '${1|true,false|}';
    case 'integer':
    case 'number':
      return `\${1:${schema.minimum !== undefined && schema.minimum > 0 ? schema.minimum : 0}}`;
    case 'array':
      return json ? '[$1]' : '\n  - $1';
    case 'object':
      return json ? '{$1}' : '{$1}';
    default:
      return json ? '"$1"' : '$1';
  }
}

/** A YAML scalar for the text: plain where YAML reads it back as this text, else quoted. */
export function yamlScalar(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  // Quote what YAML would read as something other than this text.
  return /^(?:true|false|null|~|[-+]?[\d.]+(?:e[-+]?\d+)?|)$/i.test(value) || /[:#{}[\],&*!|>'"%@`]/.test(value) || value.trim() !== value ? JSON.stringify(value) : value;
}

function modelValueItems(catalog: SchemaCatalog, context: CompletionContext, language: 'yaml' | 'json'): CompletionItem[] {
  return catalog.models.map((entry) => ({
    label: entry.model,
    kind: CompletionItemKind.Class,
    detail: entry.title,
    documentation: markdown(modelDocumentation(entry, catalog)),
    filterText: context.quoted ? `"${entry.model}` : entry.model,
    sortText: entry.title,
    textEdit: { range: context.range, newText: language === 'json' ? JSON.stringify(entry.model) : entry.model },
  }));
}

function valueItems(schema: JsonSchema, context: CompletionContext, language: 'yaml' | 'json', field: JsonSchema): CompletionItem[] {
  const items: CompletionItem[] = [];
  const render = (value: JsonValue): string => (language === 'json' ? JSON.stringify(value) : typeof value === 'string' ? yamlScalar(value) : JSON.stringify(value));
  const add = (value: JsonValue, detail: string, documentation?: string): void => {
    const text = render(value);
    items.push({
      label: typeof value === 'string' ? value : JSON.stringify(value),
      kind: value === null ? CompletionItemKind.Keyword : CompletionItemKind.EnumMember,
      detail,
      ...(documentation ? { documentation: markdown(documentation) } : {}),
      filterText: context.quoted ? `"${String(value)}` : String(value),
      textEdit: { range: context.range, newText: text },
    });
  };
  if (schema.enum) {
    schema.enum.forEach((value, i) => {
      if (value === null) return;
      add(value, schema.enumDescriptions?.[i] || describeType(schema));
    });
  } else if (typesOf(schema).includes('boolean')) {
    add(true, 'boolean');
    add(false, 'boolean');
  }
  if (schema['x-authentik-duration']) {
    const snippet = language === 'json' ? '"hours=${1:1};minutes=${2:0}"' : 'hours=${1:1};minutes=${2:0}';
    items.push({
      label: 'hours=…;minutes=…',
      kind: CompletionItemKind.Snippet,
      detail: 'duration',
      documentation: markdown('`key=number` parts separated by `;` (never `,`). Keys: microseconds, milliseconds, seconds, minutes, hours, days, weeks.'),
      insertTextFormat: InsertTextFormat.Snippet,
      textEdit: { range: context.range, newText: snippet },
      sortText: '0',
    });
    for (const example of DURATION_EXAMPLES) add(example, 'duration');
  }
  if (field.writeOnly && language === 'yaml' && context.kind === 'value') {
    items.push({
      label: '!Env',
      kind: CompletionItemKind.Snippet,
      detail: 'take the secret from the environment at push time',
      insertTextFormat: InsertTextFormat.Snippet,
      textEdit: { range: context.range, newText: '!Env ${1:SECRET_VARIABLE}' },
    });
  }
  if (context.kind === 'value' && isNullable(schema)) add(null, 'null: no value');
  return items;
}

function newDocumentSnippets(catalog: SchemaCatalog, context: CompletionContext): CompletionItem[] {
  return catalog.models.map((entry) => {
    const lines = [`model: ${entry.model}`, ...requiredFieldLines(entry, entry.required, catalog, 1, (field) => (field === 'name' ? `my-${entry.typeName.replace(/Stage$/, '').toLowerCase()}-stage` : field)).lines];
    return {
      label: `New ${entry.title}`,
      kind: CompletionItemKind.Snippet,
      detail: `${entry.model} with its required fields`,
      documentation: markdown(modelDocumentation(entry, catalog)),
      sortText: `00_${entry.title}`,
      insertTextFormat: InsertTextFormat.Snippet,
      textEdit: { range: context.range, newText: `${lines.join('\n')}\n$0` },
    };
  });
}

/**
 * `field: placeholder` lines for the given fields of the model, tab stops numbered from `firstTabStop`;
 * `example` names the text placeholder of a plain string field.
 */
export function requiredFieldLines(entry: ModelIndexEntry, fields: readonly string[], catalog: SchemaCatalog, firstTabStop: number, example: (field: string) => string): { lines: string[]; next: number } {
  const schema = catalog.schema(entry.model);
  let tabStop = firstTabStop;
  const lines: string[] = [];
  for (const field of fields) {
    const property = schema?.properties?.[field];
    if (!property) continue;
    const placeholder = property.type === 'string' && !property.enum ? `\${${tabStop}:${example(field)}}` : placeholderFor(property, 'yaml').replace(/\$\{1(?=[:|])/g, `\${${tabStop}`).replace(/\$1(?!\d)/g, `$${tabStop}`);
    lines.push(`${field}:${placeholder.startsWith('\n') ? '' : ' '}${placeholder}`);
    tabStop++;
  }
  return { lines, next: tabStop };
}
