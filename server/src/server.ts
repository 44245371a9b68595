/**
 * The LSP server: documents in, diagnostics out, features delegated to the engine's language
 * service. It gets its connection and default catalog from the caller, so tests and other
 * transports can reuse it. Each handler looks the document up and delegates.
 */
import { CodeActionKind, ErrorCodes, ResponseError, TextDocumentSyncKind, TextDocuments, type CancellationToken, type Connection, type InitializeResult, type ServerCapabilities } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { catalogFromOpenApi, PRODUCT_VERSION, SchemaCatalog, StageLanguageService, validateText, type RenameRefusal } from '@authentik-stages/engine';
import { CatalogRequest, DEFAULT_SETTINGS, ResetSchemaRequest, SchemaChangedNotification, SchemaInfoRequest, SetObjectIndexNotification, SetSchemaRequest, ValidateFileRequest, type SchemaInfo, type ServerSettings } from './protocol';
import { requestRunner, type RequestRunner } from './requestGuard';
import { stageFileTest } from './filePatterns';
import { readSettings } from './settings';
import { ValidationScheduler } from './validationScheduler';

export interface ServerOptions {
  /** The catalog used until a client sends another OpenAPI document. */
  loadDefaultCatalog: () => SchemaCatalog;
}

/** Definition, references and rename serve blueprints' entry ids; the rest stage files and blueprints alike. */
const CAPABILITIES: ServerCapabilities = {
  textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
  completionProvider: { triggerCharacters: [':', ' ', '"', '-'] },
  hoverProvider: true,
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
  documentSymbolProvider: { label: 'authentik stages' },
  inlayHintProvider: true,
  definitionProvider: true,
  referencesProvider: true,
  renameProvider: { prepareProvider: true },
};

export function startServer(connection: Connection, options: ServerOptions): void {
  const documents = new TextDocuments(TextDocument);
  const runRequest = requestRunner(connection);
  let service: StageLanguageService | undefined;
  let settings: ServerSettings = DEFAULT_SETTINGS;
  let canPullConfiguration = false;
  let canRefreshInlayHints = false;
  let isStageFile = stageFileTest(settings.files.extraPatterns);
  const languageService = (): StageLanguageService => (service ??= new StageLanguageService(options.loadDefaultCatalog(), { isStageFile: (uri, languageId) => isStageFile(uri, languageId) }));

  const scheduler = new ValidationScheduler((uri) => {
    const document = documents.get(uri);
    if (!document) return;
    const diagnostics = settings.validation.enable ? runRequest(`Validating ${uri}`, [], undefined, () => languageService().diagnostics(document)) : [];
    void connection.sendDiagnostics({ uri, version: document.version, diagnostics });
  });
  const revalidateAll = (): void => documents.all().forEach((document) => scheduler.schedule(document.uri));

  /** New settings; other stage-file patterns change what each open document is, so each is analysed afresh. */
  const useSettings = (next: ServerSettings): void => {
    const patternsChanged = next.files.extraPatterns.join('\n') !== settings.files.extraPatterns.join('\n');
    settings = next;
    if (!patternsChanged) return;
    isStageFile = stageFileTest(settings.files.extraPatterns);
    for (const document of documents.all()) service?.forget(document.uri);
  };

  async function pullSettings(): Promise<void> {
    if (!canPullConfiguration) return;
    try {
      const [section] = (await connection.workspace.getConfiguration([{ section: 'authentik' }])) as [unknown];
      useSettings(readSettings(section, DEFAULT_SETTINGS));
    } catch (error) {
      connection.console.warn(`Could not read settings, keeping the current ones: ${String(error)}`);
    }
  }

  connection.onInitialize((params): InitializeResult => {
    canPullConfiguration = params.capabilities.workspace?.configuration === true;
    canRefreshInlayHints = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
    useSettings(readSettings((params.initializationOptions as { settings?: unknown } | undefined)?.settings, settings));
    return { capabilities: CAPABILITIES, serverInfo: { name: 'authentik-stages-language-server', version: PRODUCT_VERSION } };
  });
  connection.onInitialized(() => void pullSettings().then(revalidateAll));
  connection.onDidChangeConfiguration((change) => {
    useSettings(readSettings((change.settings as { authentik?: unknown } | null)?.authentik, settings));
    void pullSettings().then(revalidateAll);
  });

  documents.onDidChangeContent((event) => scheduler.schedule(event.document.uri));
  documents.onDidClose((event) => {
    scheduler.cancel(event.document.uri);
    service?.forget(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  registerDocumentFeatures(connection, documents, languageService, runRequest, () => settings);

  // The index only replaces what the checks read: nothing is fetched or waited for here, and each
  // open document is validated again on the scheduler's next turn (never inside a keystroke).
  connection.onNotification(SetObjectIndexNotification, (index) => {
    runRequest('Using the server objects', undefined, undefined, () => languageService().setObjectIndex(index));
    revalidateAll();
    if (canRefreshInlayHints) void connection.languages.inlayHint.refresh().catch(() => undefined);
  });
  registerSchemaRequests(connection, languageService, options, revalidateAll);
  connection.onRequest(ValidateFileRequest, (params) => {
    const { catalog } = languageService();
    return { version: catalog.version, problems: validateText(catalog, params.path, params.text, params.documents ? { documents: params.documents } : {}) };
  });

  documents.listen(connection);
  connection.listen();
}

/** Completion, hover, code actions, inlay hints and symbols: each looks the document up and delegates. */
function registerDocumentFeatures(connection: Connection, documents: TextDocuments<TextDocument>, languageService: () => StageLanguageService, runRequest: RequestRunner, settings: () => ServerSettings): void {
  /** A feature on an open document: nothing for a document the server does not have. */
  const onDocument = <T>(what: string, fallback: T, uri: string, token: CancellationToken, work: (document: TextDocument) => T): T =>
    runRequest(what, fallback, token, () => {
      const document = documents.get(uri);
      return document ? work(document) : fallback;
    });
  connection.onCompletion((params, token) =>
    onDocument('Completion', { isIncomplete: false, items: [] }, params.textDocument.uri, token, (d) => languageService().complete(d, params.position, settings().references.insert)),
  );
  connection.onHover((params, token) => onDocument('Hover', null, params.textDocument.uri, token, (d) => languageService().hover(d, params.position)));
  connection.onCodeAction((params, token) => onDocument('Code actions', [], params.textDocument.uri, token, (d) => languageService().codeActions(d, params.context.diagnostics, params.range)));
  connection.languages.inlayHint.on((params, token) => onDocument('Inlay hints', [], params.textDocument.uri, token, (d) => languageService().inlayHints(d, params.range)));
  connection.onDocumentSymbol((params, token) => onDocument('Document symbols', [], params.textDocument.uri, token, (d) => languageService().symbols(d)));
  registerNavigation(connection, onDocument, languageService);
}

type OnDocument = <T>(what: string, fallback: T, uri: string, token: CancellationToken, work: (document: TextDocument) => T) => T;

/** Definition, references and rename of blueprint entry ids; nothing for stage files, which have none. */
function registerNavigation(connection: Connection, onDocument: OnDocument, languageService: () => StageLanguageService): void {
  connection.onDefinition((params, token) => onDocument('Go to definition', [], params.textDocument.uri, token, (d) => languageService().definition(d, params.position)));
  connection.onReferences((params, token) => onDocument('Find references', [], params.textDocument.uri, token, (d) => languageService().references(d, params.position, params.context.includeDeclaration)));
  connection.onPrepareRename((params, token) => refusedAsError(onDocument('Rename', null, params.textDocument.uri, token, (d) => languageService().prepareRename(d, params.position))));
  connection.onRenameRequest((params, token) => refusedAsError(onDocument('Rename', null, params.textDocument.uri, token, (d) => languageService().rename(d, params.position, params.newName))));
}

/** A refused rename reaches the user as the request's error message. */
function refusedAsError<T extends object>(result: T | RenameRefusal | null): T | null {
  if (result && 'refused' in result) throw new ResponseError(ErrorCodes.InvalidRequest, result.refused);
  return result;
}

/** The schema in force: set from a server's OpenAPI document or a cached catalog, reset, described. */
function registerSchemaRequests(connection: Connection, languageService: () => StageLanguageService, options: ServerOptions, revalidateAll: () => void): void {
  const schemaInfo = (): SchemaInfo => {
    const catalog = languageService().catalog;
    return { version: catalog.version, source: catalog.index.source, models: catalog.models.length };
  };
  const use = (catalog: SchemaCatalog): SchemaInfo => {
    languageService().setCatalog(catalog);
    const info = schemaInfo();
    void connection.sendNotification(SchemaChangedNotification, info);
    revalidateAll();
    return info;
  };
  connection.onRequest(SetSchemaRequest, (params) => {
    try {
      return use('catalog' in params ? SchemaCatalog.fromConverted(params.catalog) : catalogFromOpenApi(params.openapi, params.source));
    } catch (error) {
      throw new ResponseError(ErrorCodes.InvalidParams, `The schema from ${params.source} cannot be used: ${(error as Error).message}`);
    }
  });
  connection.onRequest(ResetSchemaRequest, () => use(options.loadDefaultCatalog()));
  connection.onRequest(SchemaInfoRequest, () => schemaInfo());
  connection.onRequest(CatalogRequest, () => languageService().catalog.toConverted());
}
