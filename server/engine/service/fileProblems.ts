/**
 * Diagnostics as a file's problems at 1-based lines and columns: what the command line prints, the
 * sync engine reports on a push, and the language server answers the extension's validate request
 * with. Positions count UTF-16 code units, as editors do.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { SchemaCatalog } from '../schema/catalog';
import { languageOfPath, type SourceLanguage } from '../document/stageDocument';
import type { Severity } from '../validation/diagnostics';
import type { ObjectIndex } from '../references/objectIndex';
import { StageFileAnalyzer, type StageFile } from './stageFile';

export type ProblemSeverity = 'error' | 'warning' | 'info';

/** One problem at a place in a file. */
export interface FileProblem {
  file: string;
  /** 1-based. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: ProblemSeverity;
  message: string;
  /** The top-level field it is about, when there is one. */
  field: string | null;
}

const SEVERITY: Record<Severity, ProblemSeverity> = { error: 'error', warning: 'warning', information: 'info' };

/** The problems of an analysed file; only those of `documents` (0-based positions) when given. */
export function fileProblems(analysis: StageFile, path: string, documents?: readonly number[]): FileProblem[] {
  const text = TextDocument.create('file:///problems', analysis.language, 0, analysis.text);
  const out: FileProblem[] = [];
  analysis.documents.forEach((placed, index) => {
    if (documents && !documents.includes(index)) return;
    for (const d of placed.diagnostics) {
      const start = text.positionAt(placed.offset + d.start);
      const end = text.positionAt(placed.offset + Math.max(d.end, d.start));
      out.push({ file: path, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1, severity: SEVERITY[d.severity], message: d.message, field: d.field ?? null });
    }
  });
  return out;
}

/** Validates a file's text once, without keeping anything: the command line and the validate request. */
export function validateText(
  catalog: SchemaCatalog,
  path: string,
  text: string,
  options: { language?: SourceLanguage; documents?: readonly number[]; /** The server's objects: the connected checks (`validate --online`). */ index?: ObjectIndex } = {},
): FileProblem[] {
  const analyzer = new StageFileAnalyzer(catalog);
  if (options.index) analyzer.setObjectIndex(options.index);
  return fileProblems(analyzer.analyze(path, text, options.language ?? languageOfPath(path)), path, options.documents);
}
