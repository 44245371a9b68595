/** `authentik-stages validate`: the language server's checks, for scripts and CI. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type SchemaCatalog, validateText } from '@authentik-stages/engine';
import { expandGlob, hasGlob } from './glob';
import { usageError, type Finding } from './output';

export type CliDiagnostic = Finding;

export function resolveFiles(args: string[], cwd: string): string[] {
  const files: string[] = [];
  for (const arg of args) {
    if (existsSync(resolve(cwd, arg)) && statSync(resolve(cwd, arg)).isFile()) files.push(arg);
    else if (hasGlob(arg)) {
      const matches = expandGlob(arg, cwd);
      if (matches.length === 0) throw usageError(`no files match ${arg}`);
      files.push(...matches);
    } else throw usageError(`no such file: ${arg}`);
  }
  return [...new Set(files)];
}

export function validateFiles(files: string[], cwd: string, catalog: SchemaCatalog): CliDiagnostic[] {
  return files.flatMap((file) => validateText(catalog, file, readFileSync(resolve(cwd, file), 'utf8')));
}
