/** `authentik-stages validate`: the language server's checks, for scripts and CI. */
import { resolve } from 'node:path';
import { type FileProblem, type SchemaCatalog, validateText } from '@authentik-stages/engine';
import { readStageText } from '../sync/stageFileText';

export function validateFiles(files: string[], cwd: string, catalog: SchemaCatalog): FileProblem[] {
  return files.flatMap((file) => validateText(catalog, file, readStageText(resolve(cwd, file)).text));
}
