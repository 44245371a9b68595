// The three language servers the benchmark compares, and how each is started and configured.
import { SERVER_NODE_FLAGS } from '@authentik-stages/protocol';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LspClient, LspServerCommand, LspSettings } from '../../tools/lsp-client/lspClient';

export type ServerId = 'ours' | 'yaml-ls' | 'floor';

export interface ServerDefinition {
  id: ServerId;
  /** Name in the table and the progress lines. */
  label: string;
  languageId: string;
  command: LspServerCommand;
  /** Why the server cannot run here (e.g. not built), if it cannot. */
  missing?: string;
  /** Settings answered to workspace/configuration. */
  settings: LspSettings;
  /** Run after initialize and before opening the document (e.g. push the configuration). */
  configure?: (client: LspClient) => Promise<void>;
}

export const SCHEMA_FILE = 'schemas/authentik_stages_email.emailstage.schema.json';

export function serverDefinitions(root: string): ServerDefinition[] {
  const ourServer = join(root, 'dist', 'server.js');
  const floorServer = join(root, 'dist', 'tools', 'floor-server.js');
  const yamlLs = join(root, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server');
  const schemaUrl = pathToFileURL(join(root, SCHEMA_FILE)).href;
  return [
    {
      id: 'ours',
      label: 'authentik-stages (ours)',
      languageId: 'authentik-stage-yaml',
      command: { command: process.execPath, args: [...SERVER_NODE_FLAGS, ourServer, '--stdio'], cwd: root, name: 'authentik-stages server' },
      missing: existsSync(ourServer) ? undefined : `${ourServer} does not exist (run node scripts/build.mjs)`,
      settings: {
        authentik: { validation: { enable: true }, files: { extraPatterns: [] }, trace: { server: 'off' } },
      },
    },
    {
      id: 'yaml-ls',
      label: 'yaml-language-server',
      languageId: 'yaml',
      command: { command: process.execPath, args: [yamlLs, '--stdio'], cwd: root, name: 'yaml-language-server' },
      missing: existsSync(yamlLs) ? undefined : `${yamlLs} does not exist (npm install)`,
      settings: {
        yaml: {
          schemas: { [schemaUrl]: '*.stage.yaml' },
          validate: true,
          completion: true,
          hover: true,
          customTags: ['!Env scalar'],
          // No network here: keep yaml-language-server from fetching the SchemaStore catalog
          // and the Kubernetes CRD store (it would only add failed requests to every run).
          schemaStore: { enable: false },
          kubernetesCRDStore: { enable: false },
        },
        http: { proxy: '', proxyStrictSSL: false },
        '[yaml]': {},
        editor: { tabSize: 2, insertSpaces: true },
      },
      configure: async (client) => {
        // yaml-language-server pulls its settings (workspace/configuration) when told they changed.
        const before = client.requestCount('workspace/configuration');
        await client.notify('workspace/didChangeConfiguration', { settings: client.settings });
        await client.waitForServerRequest('workspace/configuration', before + 1, 10_000);
      },
    },
    {
      id: 'floor',
      label: 'floor (no-op server)',
      languageId: 'yaml',
      command: { command: process.execPath, args: [floorServer, '--stdio'], cwd: root, name: 'floor server' },
      missing: existsSync(floorServer) ? undefined : `${floorServer} does not exist (run node scripts/build.mjs --only=tools)`,
      settings: {},
    },
  ];
}
