/**
 * Connecting the command line to authentik: URL and token from the environment (the token never
 * from a flag, so it stays out of shell history and process lists), the schema of the server's
 * own version, the workspace's sync state.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SchemaCatalog } from '@authentik-stages/engine';
import { AuthentikClient } from '../api/authentikClient';
import { fetchServerSchemaText, ServerSchemaError } from '../api/serverSchema';
import { readServerCatalog } from '../sync/serverCatalog';
import { CatalogCache } from '../sync/catalogCache';
import { BaseStore, SYNC_DIR } from '../sync/baseStore';
import { CliExit, EXIT_USAGE, progress } from './output';

export interface ConnectOptions {
  url: string | undefined;
  /** Read the token from standard input instead of AUTHENTIK_TOKEN. */
  tokenFromStdin: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  bundledSchemas: string;
  /** Write nothing into the workspace (a dry run): a server's converted schema is not cached. */
  readOnly?: boolean;
}

export interface Connection {
  url: string;
  client: AuthentikClient;
  catalog: SchemaCatalog;
  bases: BaseStore;
  workspaceRoot: string;
}

/** The nearest folder up from `cwd` holding `.authentik/` or `.git`, else `cwd`. */
export function findWorkspaceRoot(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, SYNC_DIR)) || existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return resolve(cwd);
  }
}

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

export async function connect(options: ConnectOptions): Promise<Connection> {
  const url = (options.url ?? options.env['AUTHENTIK_URL'] ?? '').trim();
  if (!url) throw new CliExit('no server: set AUTHENTIK_URL (e.g. https://auth.example.com) or pass --url', EXIT_USAGE);
  try {
    new URL(url);
  } catch {
    throw new CliExit(`not a URL: ${url}`, EXIT_USAGE);
  }
  const token = (options.tokenFromStdin ? readStdin() : (options.env['AUTHENTIK_TOKEN'] ?? '')).trim();
  if (!token) throw new CliExit(`no API token: set AUTHENTIK_TOKEN${options.tokenFromStdin ? '' : ' or pipe it in with --token-stdin'}`, EXIT_USAGE);
  const client = new AuthentikClient({ baseUrl: url, token });
  const workspaceRoot = findWorkspaceRoot(options.cwd);
  let version: string;
  try {
    version = (await client.version()).version_current;
  } catch (error) {
    throw new CliExit(`cannot reach authentik at ${url}: ${(error as Error).message}`, EXIT_USAGE);
  }
  const catalog = await catalogFor(client, version, options.bundledSchemas, workspaceRoot, options.readOnly === true);
  return { url, client, catalog, bases: new BaseStore(workspaceRoot, url), workspaceRoot };
}

/**
 * The bundled schemas when the server runs their version; else the server's own, converted once
 * (here: the command line is the engine's process) and cached. A schema that cannot be fetched or
 * used (too large, not OpenAPI, an alias bomb) is reported and the bundled one used; it is not
 * cached, so the next run tries again and says so again.
 */
async function catalogFor(client: AuthentikClient, version: string, bundledSchemas: string, workspaceRoot: string, readOnly: boolean): Promise<SchemaCatalog> {
  const bundled = SchemaCatalog.fromDirectory(bundledSchemas);
  if (bundled.version === version) return bundled;
  if (typeof version !== 'string' || version === '') {
    progress(`authentik at ${client.baseUrl} did not say its version (version_current of /api/v3/admin/version/): using the bundled authentik ${bundled.version} schema`);
    return bundled;
  }
  const cache = new CatalogCache(join(workspaceRoot, SYNC_DIR, 'cache'));
  const cached = cache.get(version);
  if (cached) return SchemaCatalog.fromConverted(cached);
  progress(`authentik ${version} differs from the bundled ${bundled.version}: fetching its schema`);
  let catalog: SchemaCatalog;
  try {
    catalog = readServerCatalog(await fetchServerSchemaText(client), client.baseUrl);
  } catch (error) {
    if (!(error instanceof ServerSchemaError)) throw error;
    progress(`${error.message} Using the bundled authentik ${bundled.version} schema instead.`);
    return bundled;
  }
  if (readOnly) return catalog;
  try {
    cache.set(catalog.toConverted());
  } catch (error) {
    progress(`could not cache the schema of authentik ${version} (${(error as Error).message}); it will be fetched again next time`);
  }
  return catalog;
}
