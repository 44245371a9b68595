/** `authentik-stages validate`: the language server's checks, for scripts and CI; `--online` with the server's objects. */
import { resolve } from 'node:path';
import { parseStageDocument, splitDocuments, languageOfPath, type FileProblem, type ObjectIndex, type SchemaCatalog, validateText } from '@authentik-stages/engine';
import { AuthentikAuthenticationError, AuthentikConnectionError } from '../api/errors';
import { blueprintTextNeeds } from '../sync/blueprintIndexNeeds';
import { buildObjectIndex, referencedModels, usesEmailTemplates } from '../sync/objectIndex';
import { readStageText } from '../sync/stageFileText';
import type { Connection } from './connection';
import { CliExit, EXIT_USAGE, progress } from './output';

export function validateFiles(files: string[], cwd: string, catalog: SchemaCatalog): FileProblem[] {
  return files.flatMap((file) => validateText(catalog, file, readStageText(resolve(cwd, file)).text));
}

/**
 * The checks with the index of the objects the files reference, read from the connected server:
 * a stage file's reference targets; a blueprint's entry models (by the identifiers it writes) and
 * `!Find` models too.
 */
export async function validateFilesOnline(files: string[], cwd: string, connection: Connection): Promise<FileProblem[]> {
  const texts = files.map((file) => ({ file, text: readStageText(resolve(cwd, file)).text }));
  const blueprints = blueprintTextNeeds(texts.map((t) => t.text), connection.catalog);
  const roots = texts.flatMap(({ file, text }) => splitDocuments(text, languageOfPath(file)).map((chunk) => parseStageDocument(chunk.text, languageOfPath(file)).value));
  let index: ObjectIndex;
  try {
    index = await buildObjectIndex(connection.client, [...referencedModels(roots), ...blueprints.models], { emailTemplates: usesEmailTemplates(roots), listings: blueprints.listings });
  } catch (error) {
    // Lost or refused on the way: as good as no connection, so no half-judged run.
    if (error instanceof AuthentikConnectionError || error instanceof AuthentikAuthenticationError) {
      throw new CliExit(`cannot read the objects of authentik at ${connection.url}: ${error.message}`, EXIT_USAGE);
    }
    throw error;
  }
  for (const [model, listed] of Object.entries(index.models)) {
    if (!listed.complete) progress(`validate: ${model}: only the first ${listed.objects.length} objects of ${connection.url} were read, so a reference to another one is not judged`);
  }
  return texts.flatMap(({ file, text }) => validateText(connection.catalog, file, text, { index }));
}
