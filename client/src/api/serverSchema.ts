/**
 * A connected server's own OpenAPI document (`/schema/`), so files are checked against the version
 * they will be pushed to: fetched (bounded in size and time by the transport), parsed (bounded in
 * length and YAML alias expansion by the converter) and converted. The one implementation behind
 * the command line and VS Code. Whatever goes wrong — no answer, too large, not OpenAPI, an alias
 * bomb, a document the converter chokes on — is one `ServerSchemaError` naming the server, after
 * which the callers use the bundled schema. Nothing here caches: callers cache only successes, so a
 * failure is met (and reported) again on the next run instead of hidden.
 */
import { convertOpenApi, parseOpenApiText } from '../../../server/src/schema/convert';
import type { ConvertedCatalog } from '../../../server/src/schema/types';
import type { AuthentikClient } from './authentikClient';
import { AuthentikAbortError, AuthentikError } from './errors';
import type { RequestOptions } from './http';

export class ServerSchemaError extends AuthentikError {
  override readonly name: string = 'ServerSchemaError';
}

export interface ServerSchema {
  /** The document as the server sent it (what the language server is given). */
  text: string;
  converted: ConvertedCatalog;
  /** `<server>/api/v3/schema/`, recorded as the catalog's source. */
  source: string;
}

export function serverSchemaSource(server: string): string {
  return `${server.replace(/\/+$/, '')}/api/v3/schema/`;
}

function reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/[.\s]+$/, '');
}

/** Parses and converts `text` (fetched now or cached earlier) as the schema of `server`. */
export function readServerSchema(text: string, server: string): ServerSchema {
  const source = serverSchemaSource(server);
  try {
    return { text, converted: convertOpenApi(parseOpenApiText(text), { source }), source };
  } catch (error) {
    // Not only the converter's own errors: a hostile document may exhaust the stack or memory.
    throw new ServerSchemaError(`The schema of authentik at ${server} (GET /api/v3/schema/) cannot be used: ${reason(error)}.`, { server });
  }
}

/** Fetches the server's schema (as JSON) and reads it; a `ServerSchemaError` when it cannot be used. */
export async function fetchServerSchema(client: AuthentikClient, options: RequestOptions = {}): Promise<ServerSchema> {
  let text: string;
  try {
    text = await client.schema({ ...options, format: 'json' });
  } catch (error) {
    if (error instanceof AuthentikAbortError) throw error;
    throw new ServerSchemaError(`The schema of authentik at ${client.baseUrl} could not be fetched: ${reason(error)}.`, { server: client.baseUrl });
  }
  return readServerSchema(text, client.baseUrl);
}
