/** The engine as a push's validator, in this process: the command line's (the extension asks its language server instead). */
import { type SchemaCatalog, validateText } from '@authentik-stages/engine';
import type { FileValidator } from './push';

export function engineValidator(catalog: SchemaCatalog): FileValidator {
  return async (path, text, documents) => validateText(catalog, path, text, documents ? { documents } : {});
}
