/**
 * The connection to the active server: its version and state, shown in the status bar; its own
 * OpenAPI schema handed to the language server, so files are validated against the version they
 * will be pushed to (cached per version in global storage; the bundled schemas without a server).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { AuthentikClient } from '../api/authentikClient';
import { ServerSchemaError, fetchServerSchema, readServerSchema, type ServerSchema } from '../api/serverSchema';
import { ResetSchemaRequest, SetSchemaRequest, type SchemaInfo } from '../../../server/src/protocol';
import { SchemaCatalog } from '../../../server/src/schema/catalog';
import type { ServerEntry, ServerRegistry } from './servers';

export type ConnectionState =
  | { kind: 'none' }
  | { kind: 'signed-out'; server: ServerEntry }
  | { kind: 'connecting'; server: ServerEntry }
  | { kind: 'connected'; server: ServerEntry; client: AuthentikClient; version: string }
  | { kind: 'error'; server: ServerEntry; message: string };

export class ConnectionManager implements vscode.Disposable {
  private current: ConnectionState = { kind: 'none' };
  private readonly changed = new vscode.EventEmitter<ConnectionState>();
  readonly onDidChange = this.changed.event;
  private generation = 0;
  private serverCatalog: SchemaCatalog | undefined;
  private bundledCatalog: SchemaCatalog | undefined;

  constructor(
    private readonly servers: ServerRegistry,
    private readonly languageClient: () => LanguageClient | undefined,
    private readonly storage: vscode.Uri,
    private readonly bundledSchemas: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The schemas of the connected server's version (the bundled ones until they are known). */
  catalog(): SchemaCatalog {
    if (this.current.kind === 'connected' && this.serverCatalog?.version === this.current.version) return this.serverCatalog;
    this.bundledCatalog ??= SchemaCatalog.fromDirectory(this.bundledSchemas);
    return this.bundledCatalog;
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** The connected client, or undefined (with a message shown) when there is none. */
  connected(): Extract<ConnectionState, { kind: 'connected' }> | undefined {
    return this.current.kind === 'connected' ? this.current : undefined;
  }

  /** (Re)connects to the active server; never throws. Runs in the background of activation. */
  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const server = this.servers.active();
    if (!server) return this.set({ kind: 'none' }, generation, true);
    const client = await this.servers.client(server);
    if (!client) return this.set({ kind: 'signed-out', server }, generation, true);
    this.set({ kind: 'connecting', server }, generation, false);
    try {
      const version = (await client.version()).version_current;
      this.set({ kind: 'connected', server, client, version }, generation, false);
      await this.useServerSchema(client, server, version, generation);
    } catch (error) {
      this.log.warn(`Connecting to ${server.name} (${server.url}) failed: ${(error as Error).message}`);
      this.set({ kind: 'error', server, message: (error as Error).message }, generation, true);
    }
  }

  private set(state: ConnectionState, generation: number, resetSchema: boolean): void {
    if (generation !== this.generation) return;
    this.current = state;
    this.changed.fire(state);
    if (resetSchema) void this.languageClient()?.sendRequest<SchemaInfo>(ResetSchemaRequest).catch(() => undefined);
  }

  /**
   * The server's own schema when it runs another version than the bundled one: from the cache,
   * else fetched (`fetchServerSchema`, the command line's too); cached only once it converts, so a
   * schema that cannot be used is reported on every connection instead of hidden behind a cache.
   */
  private async useServerSchema(client: AuthentikClient, server: ServerEntry, version: string, generation: number): Promise<void> {
    this.bundledCatalog ??= SchemaCatalog.fromDirectory(this.bundledSchemas);
    const languageClient = this.languageClient();
    if (this.bundledCatalog.version === version) {
      this.serverCatalog = this.bundledCatalog;
      if (languageClient) await languageClient.sendRequest<SchemaInfo>(ResetSchemaRequest).catch(() => undefined);
      return;
    }
    const dir = join(this.storage.fsPath, 'schemas');
    const cache = join(dir, `${version.replace(/[^\w.-]/g, '_')}.json`);
    let schema: ServerSchema | undefined;
    if (existsSync(cache)) {
      try {
        schema = readServerSchema(readFileSync(cache, 'utf8'), client.baseUrl);
      } catch (error) {
        this.log.warn(`The cached schema ${cache} cannot be used (${(error as Error).message}); fetching it again.`);
      }
    }
    if (!schema) {
      try {
        schema = await fetchServerSchema(client);
      } catch (error) {
        if (!(error instanceof ServerSchemaError)) throw error;
        this.log.warn(`${error.message} Using the bundled authentik ${this.bundledCatalog.version} schema instead.`);
        return;
      }
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(cache, schema.text);
      } catch (error) {
        this.log.warn(`The schema of ${server.url} could not be cached in ${cache}: ${(error as Error).message}`);
      }
    }
    if (generation !== this.generation) return;
    this.serverCatalog = SchemaCatalog.fromConverted(schema.converted);
    if (!languageClient) return;
    try {
      await languageClient.sendRequest<SchemaInfo>(SetSchemaRequest, { openapi: schema.text, source: schema.source });
    } catch (error) {
      this.log.warn(`The schema of ${server.url} (authentik ${version}) cannot be used; keeping the bundled one: ${(error as Error).message}`);
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
