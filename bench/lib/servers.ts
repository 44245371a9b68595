// The three language servers the benchmark compares, and how each is started and configured.
import { SERVER_NODE_FLAGS } from '@authentik-stages/protocol';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
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

/** What a benchmark gives the servers besides the file: the languageId our server opens it with, and yaml-language-server's schema and tags. */
export interface BenchInputs {
  ourLanguageId: string;
  /** `yaml.schemas`: schema URL → the glob(s) of the files it applies to. */
  yamlSchemas: Record<string, string | string[]>;
  /** `yaml.customTags`. */
  yamlCustomTags: string[];
}

/** Stage files: our generated email-stage schema on `*.stage.yaml`, and the one tag a stage file may use. */
export function stageFileInputs(root: string): BenchInputs {
  return {
    ourLanguageId: 'authentik-stage-yaml',
    yamlSchemas: { [pathToFileURL(join(root, SCHEMA_FILE)).href]: '*.stage.yaml' },
    yamlCustomTags: ['!Env scalar'],
  };
}

/** Where the blueprint benchmark's competitor inputs are kept (copies of ../shared/anchors/, see its README). */
export const BLUEPRINT_ANCHORS = 'bench/anchors';

/**
 * Blueprints: authentik's own settings for Red Hat's YAML extension (its blueprint schema and the
 * 16 custom tags), as its repository gives them; our server gets a plain `yaml` document, which
 * it recognises as a blueprint by its content.
 */
export function blueprintInputs(root: string): BenchInputs {
  const anchors = join(root, BLUEPRINT_ANCHORS);
  const settingsPath = join(anchors, 'yamlls-settings.json');
  const settings = JSON.parse(readFileSync(settingsPath, 'utf8')) as { 'yaml.customTags'?: unknown; 'yaml.schemas'?: unknown };
  const tags = settings['yaml.customTags'];
  const schemas = settings['yaml.schemas'];
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string') || typeof schemas !== 'object' || schemas === null) {
    throw new Error(`${settingsPath}: expected "yaml.customTags" (a list of strings) and "yaml.schemas" (an object): copy it again from ../shared/anchors/`);
  }
  const yamlSchemas: Record<string, string | string[]> = {};
  for (const [schema, globs] of Object.entries(schemas as Record<string, string | string[]>)) {
    // The settings name the schema relative to their own folder, as VS Code reads a workspace's settings.
    const path = isAbsolute(schema) ? schema : join(anchors, schema);
    if (!existsSync(path)) throw new Error(`${settingsPath}: the schema ${schema} is not there (${path}): copy it from ../shared/anchors/`);
    yamlSchemas[pathToFileURL(path).href] = globs;
  }
  return { ourLanguageId: 'yaml', yamlSchemas, yamlCustomTags: tags as string[] };
}

export function serverDefinitions(root: string, inputs: BenchInputs = stageFileInputs(root)): ServerDefinition[] {
  const ourServer = join(root, 'dist', 'server.js');
  const floorServer = join(root, 'dist', 'tools', 'floor-server.js');
  const yamlLs = join(root, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server');
  return [
    {
      id: 'ours',
      label: 'authentik-stages (ours)',
      languageId: inputs.ourLanguageId,
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
          schemas: inputs.yamlSchemas,
          validate: true,
          completion: true,
          hover: true,
          customTags: inputs.yamlCustomTags,
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
