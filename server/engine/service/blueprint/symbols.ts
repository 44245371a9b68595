/**
 * The outline of a blueprint: one symbol per entry (its model's title and identifiers), under its
 * section when `entries` is a mapping of sections, and `metadata` and `context` beside them.
 */
import { SymbolKind, type DocumentSymbol, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { fieldPointer, type Span } from '../../document/stageDocument';
import { isPlainObject, TaggedValue } from '../../document/tags';
import type { BlueprintDocument, BlueprintEntry } from '../../blueprint/blueprintDocument';
import type { SchemaCatalog } from '../../schema/catalog';
import { pythonStr } from '../../validation/python';
import { entrySchema, modelTitleOf } from './entryAt';

export function blueprintSymbols(bp: BlueprintDocument, textDocument: TextDocument, catalog: SchemaCatalog): DocumentSymbol[] {
  const text = bp.doc.text;
  const toRange = (span: Span): Range => {
    // A block ends after its last line break: the symbol ends with its last character.
    let end = Math.max(span.end, span.start);
    while (end > span.start && /\s/.test(text[end - 1]!)) end--;
    return { start: textDocument.positionAt(span.start), end: textDocument.positionAt(end) };
  };
  const symbols: DocumentSymbol[] = [];
  const root = bp.doc.value as Record<string, unknown>;
  for (const key of ['metadata', 'context']) {
    const symbol = mappingSymbol(bp, key, root[key], toRange);
    if (symbol) symbols.push(symbol);
  }
  // Thousands of entries name a few dozen models: each is looked up once.
  const looks = new Map<string | undefined, ModelLook>();
  const lookOf = (entry: BlueprintEntry): ModelLook => {
    let look = looks.get(entry.model);
    if (!look) looks.set(entry.model, (look = { title: modelTitleOf(entry.model, catalog), kind: symbolKind(entry, catalog) }));
    return look;
  };
  const entries = bp.entries.map((entry) => entrySymbol(bp, entry, lookOf(entry), toRange));
  if (!isPlainObject(root['entries'])) return [...symbols, ...entries];
  for (const section of Object.keys(root['entries'])) {
    const pointer = `/entries${fieldPointer(section)}`;
    const location = bp.doc.locations.get(pointer);
    if (!location) continue;
    const children = entries.filter((_, i) => bp.entries[i]!.pointer.startsWith(`${pointer}/`));
    const span = { start: location.key?.start ?? location.value.start, end: location.value.end };
    symbols.push({ name: section || '""', detail: `section · ${children.length} entries`, kind: SymbolKind.Namespace, range: toRange(span), selectionRange: toRange(location.key ?? location.value), children });
  }
  return symbols;
}

function mappingSymbol(bp: BlueprintDocument, key: string, value: unknown, toRange: (span: Span) => Range): DocumentSymbol | undefined {
  const location = bp.doc.locations.get(`/${key}`);
  if (!location || !location.key) return undefined;
  const fields = isPlainObject(value) ? value : {};
  const children: DocumentSymbol[] = [];
  for (const field of Object.keys(fields)) {
    const inner = bp.doc.locations.get(`/${key}${fieldPointer(field)}`);
    if (inner?.key) children.push({ name: field || '""', kind: key === 'context' ? SymbolKind.Variable : SymbolKind.Property, range: toRange({ start: inner.key.start, end: inner.value.end }), selectionRange: toRange(inner.key) });
  }
  const detail = key === 'metadata' && typeof fields['name'] === 'string' ? fields['name'] : `${children.length} keys`;
  return { name: key, detail, kind: key === 'context' ? SymbolKind.Namespace : SymbolKind.Module, range: toRange({ start: location.key.start, end: location.value.end }), selectionRange: toRange(location.key), children };
}

interface ModelLook {
  readonly title: string;
  readonly kind: SymbolKind;
}

function entrySymbol(bp: BlueprintDocument, entry: BlueprintEntry, look: ModelLook, toRange: (span: Span) => Range): DocumentSymbol {
  const model = bp.doc.locations.get(`${entry.pointer}/model`);
  return {
    name: `${look.title} ${entryLabel(entry)}`,
    detail: entry.model ?? 'no model',
    kind: look.kind,
    range: toRange(entry.span),
    selectionRange: toRange(model?.value ?? entry.span),
  };
}

/** The identifiers as `key=value` (scalars and tags by name), else the id, else the entry's number. */
function entryLabel(entry: BlueprintEntry): string {
  const identifiers = entry.fields?.['identifiers'];
  const pairs = isPlainObject(identifiers)
    ? Object.entries(identifiers)
        .filter(([, value]) => value instanceof TaggedValue || typeof value !== 'object' || value === null)
        .map(([key, value]) => `${key}=${value instanceof TaggedValue ? `${value.tag} ${typeof value.value === 'string' ? value.value : '…'}` : pythonStr(value)}`)
    : [];
  if (pairs.length) return pairs.join(' ');
  return entry.id !== undefined ? `id=${entry.id}` : `#${entry.index + 1}`;
}

/** Flows as modules, stages as classes, prompts as fields, policies as functions, bindings as events, the rest as objects. */
function symbolKind(entry: BlueprintEntry, catalog: SchemaCatalog): SymbolKind {
  const model = entry.model?.toLowerCase() ?? '';
  const schema = entrySchema(entry, catalog);
  if (model === 'authentik_flows.flow') return SymbolKind.Module;
  if (schema?.kind === 'prompt') return SymbolKind.Field;
  if (schema?.kind === 'stage') return SymbolKind.Class;
  if (model.endsWith('binding')) return SymbolKind.Event;
  if (model.startsWith('authentik_policies')) return SymbolKind.Function;
  if (model.startsWith('authentik_blueprints.')) return SymbolKind.Package;
  return SymbolKind.Object;
}
