/**
 * The extension's entry point: wiring only. It activates on every YAML file (blueprints are told
 * by their content, not their name) and returns at once; the language server, the connection to
 * authentik (and its schema) and the status bar item start in the background once the window is
 * used for authentik (`StartWhenUsed`), so activation never waits on the network and a window that
 * only opens other YAML files costs no more than a quick look at each.
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
import { StartWhenUsed } from './ui/startWhenUsed';
import { documentFacts, isStageDocument, STAGE_LANGUAGES } from './vscode/workspace';

/** What the extension exports: for its own end-to-end tests. */
export interface AuthentikStagesApi {
  activationMs: number;
  /** Undefined until the window is used for authentik (a stage file or blueprint opened, …). */
  readonly languageClient: LanguageClient | undefined;
  /** Why the language server and the connection started, once they did. */
  startedBecause(): string | undefined;
  servers: ServerRegistry;
  connection: ConnectionManager;
  tree: StagesTreeProvider;
  pushOnSave: PushOnSave;
  /** The version whose schema the language server uses, once it said so. */
  schemaVersion(): string | undefined;
}

let client: LanguageClient | undefined;

const STAGE_FILES_GLOB = '**/*.stage.{yaml,yml,json}';

function documentSelector(): DocumentSelector {
  const extra = vscode.workspace.getConfiguration('authentik').get<string[]>('files.extraPatterns', []);
  return [
    ...STAGE_LANGUAGES.map((language) => ({ language })),
    // Every YAML document: the language server tells a blueprint by its text and answers nothing for the rest.
    { language: 'yaml', scheme: 'file' },
    { language: 'yaml', scheme: 'untitled' },
    ...extra.flatMap((pattern) => [{ language: 'yaml', pattern }, { language: 'json', pattern }]),
  ];
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

/** Starts the language client; `onStarted` runs once it answers (its notifications can be subscribed then). */
function startLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, onStarted: (languageClient: LanguageClient) => void): void {
  const languageClient = createLanguageClient(context);
  client = languageClient;
  // Started, not awaited: whoever waits for it (a push's validation) asks the client.
  void languageClient.start().then(
    () => onStarted(languageClient),
    (error: unknown) => output.error(`The language server did not start: ${String(error)}`),
  );
}

/** What tells that the window is used for authentik: documents opened or saved, the Stages view shown, a server added. */
function watchForUse(use: StartWhenUsed, treeView: vscode.TreeView<unknown>, servers: ServerRegistry, connection: ConnectionManager): vscode.Disposable[] {
  return [
    vscode.workspace.onDidOpenTextDocument((document) => use.document(documentFacts(document))),
    vscode.workspace.onDidSaveTextDocument((document) => use.document(documentFacts(document))),
    treeView.onDidChangeVisibility((event) => {
      if (event.visible) use.need('the Stages view is shown');
    }),
    servers.onDidChange(() => {
      if (use.reason === undefined) use.need('a server was added');
      else void connection.refresh();
    }),
  ];
}

/** What the window already holds when the extension activates; the search VS Code's own `workspaceContains` makes, once, in the background. */
function checkUseOnActivation(use: StartWhenUsed, treeView: vscode.TreeView<unknown>): void {
  for (const document of vscode.workspace.textDocuments) use.document(documentFacts(document));
  if (treeView.visible) use.need('the Stages view is shown');
  if (use.reason !== undefined) return;
  void vscode.workspace.findFiles(STAGE_FILES_GLOB, '**/node_modules/**', 1).then(
    (found) => {
      if (found.length) use.need('the workspace holds stage files');
    },
    () => undefined,
  );
}

export function activate(context: vscode.ExtensionContext): AuthentikStagesApi {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('authentik', { log: true });
  let schemaVersion: string | undefined;

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
  const use = new StartWhenUsed((reason) => {
    output.info(`Starting the language server and the connection: ${reason}.`);
    startLanguageClient(context, output, (languageClient) => {
      languageClient.onNotification(SchemaChangedNotification, (info) => {
        schemaVersion = info.version;
      });
      references.resend();
    });
    status.reveal();
    void connection.refresh();
  });

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
    ...watchForUse(use, treeView, servers, connection),
    tree,
    treeView,
    vscode.workspace.registerTextDocumentContentProvider(RemoteContentProvider.scheme, remoteContent),
    // Plain YAML and JSON too: a file matched by authentik.files.extraPatterns is a stage file in those modes (the provider asks isStageDocument).
    vscode.languages.registerCodeLensProvider([...STAGE_LANGUAGES, 'yaml', 'json'].map((language) => ({ language, scheme: 'file' })), new StageCodeLensProvider()),
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
  checkUseOnActivation(use, treeView);

  return {
    activationMs: performance.now() - started,
    get languageClient() {
      return client;
    },
    startedBecause: () => use.reason,
    servers,
    connection,
    tree,
    pushOnSave,
    schemaVersion: () => schemaVersion,
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
