/** A sandbox server, an API client on it and a fresh workspace: the setting of every sync test. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthentikClient } from '../../client/src/api/authentikClient';
import { BaseStore } from '../../client/src/sync/baseStore';
import { pushFile, type PushFileResult } from '../../client/src/sync/push';
import { engineValidator } from '../../client/src/sync/validator';
import type { Environment } from '../../client/src/sync/payload';
import { SchemaCatalog } from '../../server/engine/schema/catalog';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../tools/sandbox/server';
import { schemaDir } from './paths';

export interface SyncFixture {
  sandbox: Sandbox;
  client: AuthentikClient;
  catalog: SchemaCatalog;
  workspace: string;
  bases: BaseStore;
  write(name: string, text: string): string;
  read(path: string): string;
  push(path: string, options?: { env?: Environment; force?: boolean; client?: AuthentikClient }): Promise<PushFileResult>;
  close(): Promise<void>;
}

export async function syncFixture(options: SandboxOptions = {}, clientOptions: { timeoutMs?: number; maxRetries?: number } = {}): Promise<SyncFixture> {
  const sandbox = await startSandbox({ port: 0, ...options });
  const client = new AuthentikClient({ baseUrl: sandbox.url, token: sandbox.token, timeoutMs: clientOptions.timeoutMs ?? 5000, maxRetries: clientOptions.maxRetries ?? 2, retry: { initialDelayMs: 5, maxDelayMs: 20 } });
  const catalog = SchemaCatalog.fromDirectory(schemaDir);
  const workspace = mkdtempSync(join(tmpdir(), 'authentik-sync-'));
  const bases = new BaseStore(workspace, sandbox.url);
  return {
    sandbox,
    client,
    catalog,
    workspace,
    bases,
    write(name, text) {
      const path = join(workspace, name);
      writeFileSync(path, text);
      return path;
    },
    read(path) {
      return readFileSync(path, 'utf8');
    },
    push(path, pushOptions = {}) {
      return pushFile(path, { api: pushOptions.client ?? client, catalog, validate: engineValidator(catalog), bases, env: pushOptions.env ?? {}, force: pushOptions.force ?? false });
    },
    async close() {
      client.close();
      await sandbox.close();
    },
  };
}
