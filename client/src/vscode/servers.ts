/**
 * The authentik servers the user connected: names and URLs in settings, API tokens in VS Code's
 * SecretStorage only (never in settings, files or logs). One is active at a time.
 */
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { AuthentikClient } from '../api/authentikClient';

export interface ServerEntry {
  name: string;
  url: string;
}

const SECRET_PREFIX = 'authentik.token:';

export class ServerRegistry implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly clients = new Map<string, AuthentikClient>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('authentik.servers') || event.affectsConfiguration('authentik.activeServer') || event.affectsConfiguration('authentik.caFile')) {
          this.dropClients();
          this.changed.fire();
        }
      }),
      secrets.onDidChange((event) => {
        if (event.key.startsWith(SECRET_PREFIX)) {
          this.dropClients();
          this.changed.fire();
        }
      }),
    );
  }

  list(): ServerEntry[] {
    return vscode.workspace.getConfiguration('authentik').get<ServerEntry[]>('servers', []).filter((s) => s && typeof s.name === 'string' && typeof s.url === 'string');
  }

  active(): ServerEntry | undefined {
    const servers = this.list();
    const name = vscode.workspace.getConfiguration('authentik').get<string>('activeServer');
    return servers.find((s) => s.name === name) ?? servers[0];
  }

  byUrl(url: string): ServerEntry | undefined {
    const normal = (u: string): string => u.replace(/\/+$/, '').toLowerCase();
    return this.list().find((s) => normal(s.url) === normal(url));
  }

  /**
   * The stored token; else AUTHENTIK_TOKEN when AUTHENTIK_URL names this server, as for the command
   * line (a CI box or a demo can connect without anyone typing a token; nothing is stored).
   */
  async token(server: ServerEntry): Promise<string | undefined> {
    const stored = await this.secrets.get(SECRET_PREFIX + server.name);
    if (stored) return stored;
    const envUrl = process.env['AUTHENTIK_URL']?.replace(/\/+$/, '').toLowerCase();
    const envToken = process.env['AUTHENTIK_TOKEN']?.trim();
    return envUrl && envToken && envUrl === server.url.replace(/\/+$/, '').toLowerCase() ? envToken : undefined;
  }

  /** Saves the server (URL in settings, token in SecretStorage) and makes it active. */
  async save(server: ServerEntry, token: string): Promise<void> {
    await this.secrets.store(SECRET_PREFIX + server.name, token);
    const servers = this.list().filter((s) => s.name !== server.name);
    const config = vscode.workspace.getConfiguration('authentik');
    await config.update('servers', [...servers, server], vscode.ConfigurationTarget.Global);
    await config.update('activeServer', server.name, vscode.ConfigurationTarget.Global);
  }

  async activate(name: string): Promise<void> {
    await vscode.workspace.getConfiguration('authentik').update('activeServer', name, vscode.ConfigurationTarget.Global);
  }

  /** Forgets the token; the server stays listed, signed out. */
  async signOut(server: ServerEntry): Promise<void> {
    await this.secrets.delete(SECRET_PREFIX + server.name);
  }

  /** An API client for the server, or undefined when signed out. */
  async client(server: ServerEntry): Promise<AuthentikClient | undefined> {
    const cached = this.clients.get(server.name);
    if (cached) return cached;
    const token = await this.token(server);
    if (!token) return undefined;
    const client = createClient(server.url, token);
    this.clients.set(server.name, client);
    return client;
  }

  private dropClients(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  dispose(): void {
    this.dropClients();
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

/** A client honouring `authentik.caFile` (a PEM file to trust, for self-signed servers). */
export function createClient(url: string, token: string): AuthentikClient {
  const caFile = vscode.workspace.getConfiguration('authentik').get<string>('caFile', '').trim();
  let caCertificates: string | undefined;
  if (caFile) {
    try {
      caCertificates = readFileSync(caFile, 'utf8');
    } catch (error) {
      throw new Error(`The CA file of the authentik.caFile setting, ${caFile}, cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): fix the path or clear the setting.`);
    }
  }
  return new AuthentikClient({ baseUrl: url, token, tokenHint: 'run "authentik: Add Server…" again with a valid token', ...(caCertificates === undefined ? {} : { caCertificates }) });
}
