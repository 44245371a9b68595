/** One symbol per stage document (its name and model), with its fields as children. */
import { SymbolKind, type DocumentSymbol, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { SchemaCatalog } from '../schema/catalog';
import { isPlainObject } from '../document/tags';
import { pointerSegments } from '../document/stageDocument';
import type { StageFile } from './stageFile';

export function documentSymbols(file: StageFile, textDocument: TextDocument, catalog: SchemaCatalog): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = [];
  for (const placed of file.documents) {
    const { doc } = placed;
    if (doc.isEmpty || !isPlainObject(doc.value)) continue;
    const toRange = (start: number, end: number): Range => ({ start: textDocument.positionAt(placed.offset + start), end: textDocument.positionAt(placed.offset + end) });
    const root = doc.value;
    const rootSpan = doc.locations.get('')?.value ?? { start: 0, end: doc.text.length };
    const range = toRange(rootSpan.start, Math.max(rootSpan.end, rootSpan.start));
    const model = typeof root['model'] === 'string' ? root['model'] : undefined;
    const entry = model ? catalog.entry(model) : undefined;
    const nameSpan = doc.locations.get('/name')?.value ?? doc.locations.get('/model')?.value ?? rootSpan;
    const name = [root['name'], root['field_key']].find((v): v is string => typeof v === 'string' && v.trim() !== '') ?? '(unnamed)';
    const children: DocumentSymbol[] = [];
    for (const [pointer, location] of doc.locations) {
      if (pointer === '' || pointer.indexOf('/', 1) !== -1 || !location.key) continue;
      children.push({
        // VS Code rejects symbols with an empty name.
        name: pointerSegments(pointer)[0] || '""',
        kind: SymbolKind.Property,
        range: toRange(location.key.start, Math.max(location.value.end, location.key.end)),
        selectionRange: toRange(location.key.start, location.key.end),
      });
    }
    symbols.push({
      name,
      detail: entry ? entry.title : model ?? 'no model',
      kind: entry?.kind === 'prompt' ? SymbolKind.Field : SymbolKind.Class,
      range,
      selectionRange: toRange(nameSpan.start, Math.max(nameSpan.end, nameSpan.start)),
      children,
    });
  }
  return symbols;
}
