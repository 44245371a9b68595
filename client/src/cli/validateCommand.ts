/** `authentik-stages validate`: the language server's checks, for scripts and CI. */
import { resolve } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { SchemaCatalog } from '../../../server/src/schema/catalog';
import { readStageText } from '../sync/stageFileText';
import { StageFileAnalyzer } from '../../../server/src/service/stageFile';
import type { Severity } from '../../../server/src/validation/diagnostics';
import type { Finding } from './output';

export type CliDiagnostic = Finding;

const SEVERITY_NAME: Record<Severity, CliDiagnostic['severity']> = { error: 'error', warning: 'warning', information: 'info' };

export function validateFiles(files: string[], cwd: string, catalog: SchemaCatalog): CliDiagnostic[] {
  const analyzer = new StageFileAnalyzer(catalog);
  const out: CliDiagnostic[] = [];
  for (const file of files) {
    const text = readStageText(resolve(cwd, file)).text;
    const language = /\.json$/i.test(file) ? 'json' : 'yaml';
    const document = TextDocument.create(`file://${file}`, language, 0, text);
    const analyzed = analyzer.analyze(file, text, language);
    for (const d of analyzed.diagnostics()) {
      const start = document.positionAt(d.start);
      const end = document.positionAt(d.end);
      out.push({
        file,
        line: start.line + 1,
        column: start.character + 1,
        endLine: end.line + 1,
        endColumn: end.character + 1,
        severity: SEVERITY_NAME[d.severity],
        message: d.message,
        field: d.field ?? null,
      });
    }
    analyzer.drop(file);
  }
  return out;
}

