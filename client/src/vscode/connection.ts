/**
 * The connection to the active server: its version and state, shown in the status bar; its own
 * OpenAPI schema handed to the language server, so files are validated against the version they
 * will be pushed to (cached per version in global storage; the bundled schemas without a server).
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { AuthentikClient } from '../api/authentikClient';
import { fetchServerSchemaText, ServerSchemaError, serverSchemaSource, unusableSchema } from '../api/serverSchema';
import { CatalogCache } from '../sync/catalogCache';
import { CatalogRequest, ResetSchemaRequest, SetSchemaRequest } from '@authentik-stages/protocol';
import { SchemaCatalog } from '@authentik-stages/engine';
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

  /**
   * The schemas a push to another server is checked with: its version's, when this window knows
   * them (the active server's, the bundled ones, or a conversion cached before); else the bundled
   * ones, said so in the log.
   */
  async catalogFor(client: AuthentikClient): Promise<SchemaCatalog> {
    const version = (await client.version()).version_current;
    const active = this.catalog();
    if (active.version === version) return active;
    this.bundledCatalog ??= SchemaCatalog.fromDirectory(this.bundledSchemas);
    if (this.bundledCatalog.version === version) return this.bundledCatalog;
    const cached = new CatalogCache(join(this.storage.fsPath, 'schemas')).get(version);
    if (cached) return SchemaCatalog.fromConverted(cached);
    this.log.warn(`${client.baseUrl} runs authentik ${version}, whose schema this window has not read: files are checked against the bundled ${this.bundledCatalog.version} schema for it (connect to it once to read its own).`);
    return this.bundledCatalog;
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** The connected client, or undefined (with a message shown) when there is none. */
  connected(): Extract<ConnectionState, { kind: 'connected' }> | undefined {
    return this.current.kind === 'connected' ? this.current : undefined;
  }

  /**
   * (Re)connects to the active server; never throws (it runs in the background of activation):
   * whatever fails — the CA file, the secret storage, the server — is the error state, shown in
   * the status bar and the Stages view, and logged.
   */
  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const server = this.servers.active();
    if (!server) return this.set({ kind: 'none' }, generation, true);
    try {
      const client = await this.servers.client(server);
      if (!client) return this.set({ kind: 'signed-out', server }, generation, true);
      this.set({ kind: 'connecting', server }, generation, false);
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
    if (resetSchema) void this.languageClient()?.sendRequest(ResetSchemaRequest).catch(() => undefined);
  }

  /**
   * The server's own schema when it runs another version than the bundled one. Converted once, by
   * the language server (the extension converts nothing): from the cache of converted catalogs,
   * else fetched (`fetchServerSchemaText`, the command line's fetch too), handed over as text and
   * the conversion asked back to be cached. Only what converted is cached, so a schema that cannot
   * be used is reported on every connection instead of hidden behind a cache.
   */
  private async useServerSchema(client: AuthentikClient, server: ServerEntry, version: string, generation: number): Promise<void> {
    this.bundledCatalog ??= SchemaCatalog.fromDirectory(this.bundledSchemas);
    const languageClient = this.languageClient();
    if (this.bundledCatalog.version === version) {
      this.serverCatalog = this.bundledCatalog;
      if (languageClient) await languageClient.sendRequest(ResetSchemaRequest).catch(() => undefined);
      return;
    }
    if (!languageClient) return;
    const source = serverSchemaSource(server.url);
    const fallback = `Using the bundled authentik ${this.bundledCatalog.version} schema instead.`;
    const cache = new CatalogCache(join(this.storage.fsPath, 'schemas'));
    let converted = cache.get(version);
    try {
      if (converted) await languageClient.sendRequest(SetSchemaRequest, { catalog: converted, source });
      else {
        const openapi = await fetchServerSchemaText(client);
        if (generation !== this.generation) return;
        try {
          await languageClient.sendRequest(SetSchemaRequest, { openapi, source });
        } catch (error) {
          throw unusableSchema(client.baseUrl, error);
        }
        converted = await languageClient.sendRequest(CatalogRequest);
        try {
          cache.set(converted);
        } catch (error) {
          this.log.warn(`The schema of ${server.url} could not be cached: ${(error as Error).message}`);
        }
      }
    } catch (error) {
      if (!(error instanceof ServerSchemaError)) throw error;
      this.log.warn(`${error.message} ${fallback}`);
      return;
    }
    if (generation === this.generation) this.serverCatalog = SchemaCatalog.fromConverted(converted);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
