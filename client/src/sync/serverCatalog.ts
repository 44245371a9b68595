/** A server's schema text as a catalog, in this process (the command line's way; VS Code's language server does the same conversion). */
import { catalogFromOpenApi, type SchemaCatalog } from '@authentik-stages/engine';
import { serverSchemaSource, unusableSchema } from '../api/serverSchema';

/** The converted catalog, or a `ServerSchemaError` naming the server when the text cannot be used. */
export function readServerCatalog(text: string, server: string): SchemaCatalog {
  try {
    return catalogFromOpenApi(text, serverSchemaSource(server));
  } catch (error) {
    throw unusableSchema(server, error);
  }
}
