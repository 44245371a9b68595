/**
 * The extension's entry point: wiring only. It starts the language server and returns at once;
 * the connection to authentik (and its schema) follows in the background, so activation never
 * waits on the network.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type DocumentSelector, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { SchemaChangedNotification, SERVER_NODE_FLAGS } from '@authentik-stages/protocol';
import { StageCodeLensProvider } from './vscode/codeLens';
import { registerCommands } from './vscode/commands/index';
import { ConnectionManager } from './vscode/connection';
import { PushOnSave } from './vscode/pushOnSave';
import { ServerDiagnostics } from './vscode/serverDiagnostics';
import { ServerRegistry } from './vscode/servers';
import { StagesTreeProvider } from './vscode/stagesTree';
import { StatusBar } from './vscode/statusBar';
import { ReferenceIndexService } from './vscode/referenceIndex';
import { Promotion } from './vscode/promotion';
import { languageServerValidator } from './vscode/languageServerValidator';
import { RemoteContentProvider, SyncService } from './vscode/syncService';
import { isStageDocument, STAGE_LANGUAGES } from './vscode/workspace';

/** What the extension exports: for its own end-to-end tests. */
export interface AuthentikStagesApi {
  activationMs: number;
  languageClient: LanguageClient | undefined;
  servers: ServerRegistry;
  connection: ConnectionManager;
  tree: StagesTreeProvider;
  pushOnSave: PushOnSave;
  /** The version whose schema the language server uses, once it said so. */
  schemaVersion(): string | undefined;
}

let client: LanguageClient | undefined;

function documentSelector(): DocumentSelector {
  const extra = vscode.workspace.getConfiguration('authentik').get<string[]>('files.extraPatterns', []);
  return [...STAGE_LANGUAGES.map((language) => ({ language })), ...extra.flatMap((pattern) => [{ language: 'yaml', pattern }, { language: 'json', pattern }])];
}

function createLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS] } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6012'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(),
    synchronize: { configurationSection: 'authentik' },
    outputChannelName: 'authentik Stages Language Server',
  };
  return new LanguageClient('authentikStages', 'authentik Stages', serverOptions, clientOptions);
}

export function activate(context: vscode.ExtensionContext): AuthentikStagesApi {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('authentik', { log: true });
  client = createLanguageClient(context);
  let schemaVersion: string | undefined;
  // Started, not awaited: activation returns while the server boots.
  void client.start().then(
    () => {
      client?.onNotification(SchemaChangedNotification, (info) => {
        schemaVersion = info.version;
      });
      references.resend();
    },
    (error: unknown) => output.error(`The language server did not start: ${String(error)}`),
  );

  const servers = new ServerRegistry(context.secrets);
  const connection = new ConnectionManager(servers, () => client, context.globalStorageUri, context.asAbsolutePath('schemas'), output);
  const status = new StatusBar(connection);
  const diagnostics = new ServerDiagnostics();
  const remoteContent = new RemoteContentProvider();
  const validate = languageServerValidator(() => client);
  const sync = new SyncService(connection, diagnostics, context.workspaceState, output, remoteContent, validate);
  const tree = new StagesTreeProvider(connection);
  // The server's objects for references in open files, for the language server; read again when
  // the Stages view is refreshed and after a push changed the server.
  const references = new ReferenceIndexService(connection, () => client, output);
  const pushOnSave = new PushOnSave(sync, status, output);
  const treeView = vscode.window.createTreeView('authentikStages.stages', { treeDataProvider: tree, showCollapseAll: true });

  context.subscriptions.push(
    output,
    servers,
    connection,
    status,
    diagnostics,
    pushOnSave,
    references,
    tree.model.onDidRefresh(() => references.refresh()),
    sync.onDidPush(() => references.refresh()),
    // The Stages view marks which stages agree with their files: compared again after saves and pushes.
    sync.onDidPush(() => tree.model.refreshAgreement()),
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (isStageDocument(document)) tree.model.refreshAgreement();
    }),
    tree,
    treeView,
    vscode.workspace.registerTextDocumentContentProvider(RemoteContentProvider.scheme, remoteContent),
    vscode.languages.registerCodeLensProvider(STAGE_LANGUAGES.map((language) => ({ language, scheme: 'file' })), new StageCodeLensProvider()),
    servers.onDidChange(() => void connection.refresh()),
    connection.onDidChange((state) => void vscode.commands.executeCommand('setContext', 'authentik.hasServer', state.kind !== 'none')),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration('authentik.files.extraPatterns') || !client) return;
      // The selector is fixed when the client starts; a restart picks up the new patterns.
      client.clientOptions.documentSelector = documentSelector();
      await client.restart();
    }),
  );
  const promotion = new Promotion(servers, connection, remoteContent, validate);
  registerCommands(context, { servers, connection, tree, sync, promotion, output });
  void vscode.commands.executeCommand('setContext', 'authentik.hasServer', servers.list().length > 0);
  void connection.refresh();

  return { activationMs: performance.now() - started, languageClient: client, servers, connection, tree, pushOnSave, schemaVersion: () => schemaVersion };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
