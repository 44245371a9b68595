/**
 * Quick fixes, computed from the fix data our diagnostics carry: rename an unknown key, remove a
 * read-only key, write a converted value canonically, move a secret to !Env, add missing fields.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { pairSpan, renderValueText } from '../document/textEdits';
import type { SchemaCatalog } from '../schema/catalog';
import type { JsonValue } from '../schema/types';
import type { FixData } from '../validation/diagnostics';
import { isPlainObject } from '../document/tags';
import { fieldPointer } from '../document/stageDocument';
import { placeholderFor } from './completion';
import { DIAGNOSTIC_SOURCE } from './lspDiagnostics';
import { referenceRewrites } from './references';
import type { StageFile, FileDocument } from './stageFile';

export interface DiagnosticData {
  fix?: FixData;
  field?: string;
}

export function codeActions(file: StageFile, textDocument: TextDocument, diagnostics: Diagnostic[], catalog: SchemaCatalog, range?: Range): CodeAction[] {
  const actions: CodeAction[] = range ? referenceRewrites(file, textDocument, range) : [];
  for (const diagnostic of diagnostics) {
    const data = diagnostic.data as DiagnosticData | undefined;
    if (diagnostic.source !== DIAGNOSTIC_SOURCE || !data?.fix) continue;
    const start = textDocument.offsetAt(diagnostic.range.start);
    const placed = file.documentAt(start);
    if (!placed) continue;
    const action = actionFor(data.fix, data.field, diagnostic, placed, file, textDocument, catalog);
    if (action) actions.push({ ...action, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic] });
  }
  return actions;
}

function actionFor(
  fix: FixData,
  field: string | undefined,
  diagnostic: Diagnostic,
  placed: FileDocument,
  file: StageFile,
  textDocument: TextDocument,
  catalog: SchemaCatalog,
): Omit<CodeAction, 'kind'> | undefined {
  const edit = (edits: TextEdit[]): { edit: { changes: Record<string, TextEdit[]> } } => ({ edit: { changes: { [textDocument.uri]: edits } } });
  const toRange = (start: number, end: number): Range => ({ start: textDocument.positionAt(placed.offset + start), end: textDocument.positionAt(placed.offset + end) });
  switch (fix.kind) {
    case 'replace-value':
      return { title: fix.title, isPreferred: true, ...edit([{ range: diagnostic.range, newText: renderValue(fix.value, file.language) }]) };
    case 'rename-key': {
      const source = textDocument.getText(diagnostic.range);
      const quote = source.startsWith('"') ? '"' : source.startsWith("'") ? "'" : '';
      return { title: `Rename to ${fix.to}`, isPreferred: true, ...edit([{ range: diagnostic.range, newText: `${quote}${fix.to}${quote}` }]) };
    }
    case 'remove-key': {
      const location = field ? placed.doc.locations.get(fieldPointer(field)) : undefined;
      if (!location?.key) return undefined;
      const span = pairSpan(file.language, placed.doc.text, location.key.start, location.value.end);
      return { title: `Remove ${field} (read-only, never sent)`, isPreferred: true, ...edit([{ range: toRange(span.start, span.end), newText: '' }]) };
    }
    case 'use-env':
      if (file.language !== 'yaml') return undefined;
      return { title: `Take ${field ?? 'the secret'} from the environment variable ${fix.variable}`, isPreferred: true, ...edit([{ range: diagnostic.range, newText: `!Env ${fix.variable}` }]) };
    case 'add-required':
      return addRequired(fix.fields, placed, file, catalog, toRange, edit);
    case 'replace-span':
      return { title: fix.title, isPreferred: true, ...edit([{ range: toRange(fix.start, fix.end), newText: fix.text }]) };
    default:
      return undefined;
  }
}

function addRequired(
  fields: string[],
  placed: FileDocument,
  file: StageFile,
  catalog: SchemaCatalog,
  toRange: (start: number, end: number) => Range,
  edit: (edits: TextEdit[]) => { edit: { changes: Record<string, TextEdit[]> } },
): Omit<CodeAction, 'kind'> | undefined {
  const root = placed.doc.value;
  if (!isPlainObject(root) || typeof root['model'] !== 'string') return undefined;
  const schema = catalog.schema(root['model']);
  const missing = fields.filter((f) => !(f in root));
  if (!schema || missing.length === 0) return undefined;
  // Snippet syntax is not allowed in a workspace edit: strip it to the placeholder's default.
  const plain = (field: string): string => placeholderFor(schema.properties?.[field] ?? {}, file.language).replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '');
  const rootSpan = placed.doc.locations.get('')?.value;
  if (!rootSpan) return undefined;
  if (file.language === 'json') {
    const close = placed.doc.text.lastIndexOf('}', rootSpan.end);
    if (close < 0) return undefined;
    const hasFields = Object.keys(root).length > 0;
    const text = missing.map((f) => `  "${f}": ${plain(f) || '""'}`).join(',\n');
    const beforeClose = placed.doc.text.slice(0, close).replace(/\s*$/, '');
    const at = beforeClose.length;
    return { title: `Add missing required field${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, ...edit([{ range: toRange(at, at), newText: `${hasFields ? ',' : ''}\n${text}` }]) };
  }
  // At the end of the document's last line of content, before any trailing comments or `---`.
  const lineEnd = placed.doc.text.indexOf('\n', Math.max(rootSpan.end - 1, 0));
  const at = lineEnd === -1 ? placed.doc.text.length : lineEnd;
  const text = missing.map((f) => `${f}:${plain(f).startsWith('\n') ? '' : ' '}${plain(f) || '""'}`).join('\n');
  return { title: `Add missing required field${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, ...edit([{ range: toRange(at, at), newText: `\n${text}` }]) };
}

export function renderValue(value: JsonValue, language: 'yaml' | 'json'): string {
  return renderValueText(value, language);
}
