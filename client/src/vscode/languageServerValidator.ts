/** A push's validator in the extension: the language server's verdict, asked through the typed request, so nothing is validated twice. */
import type { LanguageClient } from 'vscode-languageclient/node';
import { ValidateFileRequest } from '@authentik-stages/protocol';
import type { FileValidator } from '../sync/push';

export function languageServerValidator(languageClient: () => LanguageClient | undefined): FileValidator {
  return async (path, text, documents) => {
    const client = languageClient();
    if (!client?.isRunning()) throw new Error('The authentik language server is not running, so the file cannot be checked before the push: nothing was sent. Reload the window, or see the "authentik Stages Language Server" output.');
    const result = await client.sendRequest(ValidateFileRequest, { path, text, ...(documents ? { documents: [...documents] } : {}) });
    return result.problems;
  };
}
