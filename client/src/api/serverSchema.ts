/**
 * A connected server's own OpenAPI document (`/schema/`), so files are checked against the version
 * they will be pushed to, fetched bounded in size and time by the transport. The one fetch behind
 * the command line and VS Code; converting it is the engine's (in the command line's process, in
 * the language server for VS Code), once per version. Whatever goes wrong — no answer, too large,
 * not OpenAPI, an alias bomb, a document the converter chokes on — is one `ServerSchemaError`
 * naming the server, after which the callers use the bundled schema.
 */
import type { AuthentikClient } from './authentikClient';
import { AuthentikAbortError, AuthentikError } from './errors';
import type { RequestOptions } from './http';

export class ServerSchemaError extends AuthentikError {
  override readonly name: string = 'ServerSchemaError';
}

export function serverSchemaSource(server: string): string {
  return `${server.replace(/\/+$/, '')}/api/v3/schema/`;
}

function reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/[.\s]+$/, '');
}

/** Why a schema (fetched or cached) cannot be used, as the one error the callers handle. */
export function unusableSchema(server: string, error: unknown): ServerSchemaError {
  // Not only the converter's own errors: a hostile document may exhaust the stack or memory.
  return new ServerSchemaError(`The schema of authentik at ${server} (GET /api/v3/schema/) cannot be used: ${reason(error)}.`, { server });
}

/** The server's schema as JSON text; a `ServerSchemaError` when it cannot be fetched. */
export async function fetchServerSchemaText(client: AuthentikClient, options: RequestOptions = {}): Promise<string> {
  let text: string;
  try {
    text = await client.schema({ ...options, format: 'json' });
  } catch (error) {
    if (error instanceof AuthentikAbortError) throw error;
    throw new ServerSchemaError(`The schema of authentik at ${client.baseUrl} could not be fetched: ${reason(error)}.`, { server: client.baseUrl });
  }
  return text;
}
