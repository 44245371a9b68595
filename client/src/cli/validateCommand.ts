/** `authentik-stages validate`: the language server's checks, for scripts and CI. */
import { lstatSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { SchemaCatalog } from '../../../server/src/schema/catalog';
import { StageFileAnalyzer } from '../../../server/src/service/stageFile';
import type { Severity } from '../../../server/src/validation/diagnostics';
import { expandGlob, hasGlob, notRegular } from './glob';
import { argumentError, progress, type Finding } from './output';

export type CliDiagnostic = Finding;

const SEVERITY_NAME: Record<Severity, CliDiagnostic['severity']> = { error: 'error', warning: 'warning', information: 'info' };

/**
 * The regular files the arguments name, each once (by real path, under its first spelling): a
 * path as given, else a glob's matches. A named path that is not a regular file is an argument
 * error; glob matches that are not regular files are skipped with a note on stderr.
 */
export function resolveFiles(args: string[], cwd: string): string[] {
  const files = new Map<string, string>();
  const add = (file: string): void => {
    let real: string;
    try {
      real = realpathSync(resolve(cwd, file));
    } catch {
      real = resolve(cwd, file);
    }
    if (!files.has(real)) files.set(real, file);
  };
  for (const arg of args) {
    const stats = statOrUndefined(resolve(cwd, arg));
    if (stats || !hasGlob(arg)) {
      add(requireRegularFile(arg, cwd, 'stage file', stats));
      continue;
    }
    const { files: matches, skipped } = expandGlob(arg, cwd);
    for (const { path, reason } of skipped) progress(`authentik-stages: skipped ${path}: ${reason}; only regular files are read`);
    if (matches.length === 0) throw argumentError(`no ${skipped.length ? 'regular ' : ''}files match ${arg}`);
    matches.forEach(add);
  }
  return [...files.values()];
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** `file` when it names a regular file (following links); else an argument error saying what it is instead. */
export function requireRegularFile(file: string, cwd: string, what: string, stats = statOrUndefined(resolve(cwd, file))): string {
  if (!stats) {
    const link = lstatSync(resolve(cwd, file), { throwIfNoEntry: false })?.isSymbolicLink();
    throw argumentError(link ? `${file} is a symbolic link that leads nowhere (its target is missing, or links loop): fix the link or name the ${what} itself` : `no such file: ${file}`);
  }
  const kind = notRegular(stats);
  if (kind) throw argumentError(`${file} is ${kind}, not a ${what}: name a regular file${kind === 'a directory' ? `, or a glob such as ${file.replace(/\/$/, '')}/**/*.stage.yaml` : ''}`);
  return file;
}

export function validateFiles(files: string[], cwd: string, catalog: SchemaCatalog): CliDiagnostic[] {
  const analyzer = new StageFileAnalyzer(catalog);
  const out: CliDiagnostic[] = [];
  for (const file of files) {
    const text = readFileSync(resolve(cwd, file), 'utf8');
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

