/** Our diagnostics as LSP diagnostics: offsets become ranges, fix data rides along in `data`. */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Severity, StageDiagnostic } from '../validation/diagnostics';
import type { DiagnosticData } from './codeActions';
import type { StageFile } from './stageFile';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

export const DIAGNOSTIC_SOURCE = 'authentik';

export function toLspDiagnostics(file: StageFile, textDocument: TextDocument): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const placed of file.documents) {
    const list = placed.diagnostics;
    if (list.length === 0) continue;
    for (const d of list) out.push(toLsp(d, placed.offset, textDocument));
  }
  return out;
}

function toLsp(d: StageDiagnostic, offset: number, textDocument: TextDocument): Diagnostic {
  const data: DiagnosticData = {};
  if (d.fix) data.fix = d.fix;
  if (d.field !== undefined) data.field = d.field;
  return {
    range: { start: textDocument.positionAt(offset + d.start), end: textDocument.positionAt(offset + d.end) },
    severity: SEVERITY[d.severity],
    source: DIAGNOSTIC_SOURCE,
    code: d.code,
    message: d.message,
    data,
  };
}
