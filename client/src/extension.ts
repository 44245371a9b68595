/**
 * The extension's entry point: starts the stage language server and keeps the status bar in step
 * with the schema version in force. Everything else lives in modules without `vscode` imports.
 */
import * as vscode from 'vscode';
import { SERVER_NODE_FLAGS } from '../../server/src/runtime';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions, type DocumentSelector } from 'vscode-languageclient/node';

const SCHEMA_CHANGED = 'authentikStages/schemaChanged';
const SCHEMA_INFO = 'authentikStages/schemaInfo';

interface SchemaInfo {
  version: string;
  source: string;
  models: number;
}

let client: LanguageClient | undefined;

function documentSelector(): DocumentSelector {
  const extra = vscode.workspace.getConfiguration('authentikStages').get<string[]>('files.extraPatterns', []);
  return [
    { language: 'authentik-stage-yaml' },
    { language: 'authentik-stage-json' },
    ...extra.flatMap((pattern) => [
      { language: 'yaml', pattern },
      { language: 'json', pattern },
    ]),
  ];
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS] } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6012'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(),
    synchronize: { configurationSection: 'authentikStages' },
    outputChannelName: 'authentik Stages',
  };
  client = new LanguageClient('authentikStages', 'authentik Stages', serverOptions, clientOptions);

  const status = vscode.window.createStatusBarItem('authentikStages.schema', vscode.StatusBarAlignment.Right, 100);
  status.name = 'authentik schema';
  status.command = 'authentikStages.showOutput';
  const showSchema = (info: SchemaInfo): void => {
    status.text = `$(shield) authentik ${info.version}`;
    status.tooltip = `Stage files are checked against the authentik ${info.version} schema (${info.models} types) from ${info.source}.`;
    status.show();
  };
  context.subscriptions.push(
    status,
    vscode.commands.registerCommand('authentikStages.showOutput', () => client?.outputChannel.show()),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration('authentikStages.files.extraPatterns') || !client) return;
      // The selector is fixed when the client starts; a restart picks up the new patterns.
      client.clientOptions.documentSelector = documentSelector();
      await client.restart();
    }),
  );

  await client.start();
  client.onNotification(SCHEMA_CHANGED, showSchema);
  showSchema(await client.sendRequest<SchemaInfo>(SCHEMA_INFO));
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
