/**
 * The LSP server: documents in, diagnostics out, features delegated to the language service.
 * It gets its connection and catalog from the caller, so tests and other transports can reuse it.
 */
import {
  CodeActionKind,
  ResponseError,
  ErrorCodes,
  TextDocumentSyncKind,
  TextDocuments,
  type CancellationToken,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { SchemaCatalog, StageLanguageService } from '@authentik-stages/engine';
import {
  DEFAULT_SETTINGS,
  ResetSchemaRequest,
  SchemaChangedNotification,
  SchemaInfoRequest,
  SetSchemaRequest,
  type SchemaInfo,
  type ServerSettings,
} from './protocol';

export interface ServerOptions {
  /** The catalog used until a client sends another OpenAPI document. */
  loadDefaultCatalog: () => SchemaCatalog;
}

export function startServer(connection: Connection, options: ServerOptions): void {
  const documents = new TextDocuments(TextDocument);
  let service: StageLanguageService | undefined;
  let settings: ServerSettings = DEFAULT_SETTINGS;
  let canPullConfiguration = false;
  const languageService = (): StageLanguageService => (service ??= new StageLanguageService(options.loadDefaultCatalog()));

  /** Runs a request handler so that a failure is logged and answered with `fallback`, never fatal. */
  function guarded<T>(what: string, fallback: T, token: CancellationToken | undefined, work: () => T): T {
    if (token?.isCancellationRequested) return fallback;
    try {
      return work();
    } catch (error) {
      connection.console.error(`${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback;
    }
  }

  // Latest wins: a burst of edits is validated once, for the version in force when the turn comes.
  const pending = new Map<string, NodeJS.Immediate>();
  function scheduleValidation(document: TextDocument): void {
    const previous = pending.get(document.uri);
    if (previous) clearImmediate(previous);
    pending.set(
      document.uri,
      setImmediate(() => {
        pending.delete(document.uri);
        const current = documents.get(document.uri);
        if (current) validate(current);
      }),
    );
  }

  function validate(document: TextDocument): void {
    const diagnostics = settings.validation.enable ? guarded(`Validating ${document.uri}`, [], undefined, () => languageService().diagnostics(document)) : [];
    void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
  }

  function revalidateAll(): void {
    for (const document of documents.all()) scheduleValidation(document);
  }

  function schemaInfo(): SchemaInfo {
    const catalog = languageService().catalog;
    return { version: catalog.version, source: catalog.index.source, models: catalog.models.length };
  }

  function switchCatalog(catalog: SchemaCatalog): SchemaInfo {
    languageService().setCatalog(catalog);
    const info = schemaInfo();
    void connection.sendNotification(SchemaChangedNotification, info);
    revalidateAll();
    return info;
  }

  async function pullSettings(): Promise<void> {
    if (!canPullConfiguration) return;
    try {
      const [section] = (await connection.workspace.getConfiguration([{ section: 'authentik' }])) as [Partial<ServerSettings> | null];
      settings = { validation: { enable: section?.validation?.enable ?? DEFAULT_SETTINGS.validation.enable } };
    } catch (error) {
      connection.console.warn(`Could not read settings, keeping the current ones: ${String(error)}`);
    }
  }

  connection.onInitialize((params): InitializeResult => {
    canPullConfiguration = params.capabilities.workspace?.configuration === true;
    const initial = (params.initializationOptions as { settings?: Partial<ServerSettings> } | undefined)?.settings;
    if (initial?.validation) settings = { validation: { enable: initial.validation.enable !== false } };
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        completionProvider: { triggerCharacters: [':', ' ', '"', '-'] },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        documentSymbolProvider: { label: 'authentik stages' },
      },
      serverInfo: { name: 'authentik-stages-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    void pullSettings().then(revalidateAll);
  });

  connection.onDidChangeConfiguration((change) => {
    const pushed = (change.settings as { authentik?: Partial<ServerSettings> } | null)?.authentik;
    if (pushed?.validation) settings = { validation: { enable: pushed.validation.enable !== false } };
    void pullSettings().then(revalidateAll);
  });

  documents.onDidChangeContent((event) => scheduleValidation(event.document));
  documents.onDidClose((event) => {
    const timer = pending.get(event.document.uri);
    if (timer) clearImmediate(timer);
    pending.delete(event.document.uri);
    service?.forget(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  connection.onCompletion((params, token) =>
    guarded('Completion', { isIncomplete: false, items: [] }, token, () => {
      const document = documents.get(params.textDocument.uri);
      return document ? languageService().complete(document, params.position) : { isIncomplete: false, items: [] };
    }),
  );
  connection.onHover((params, token) =>
    guarded('Hover', null, token, () => {
      const document = documents.get(params.textDocument.uri);
      return document ? languageService().hover(document, params.position) : null;
    }),
  );
  connection.onCodeAction((params, token) =>
    guarded('Code actions', [], token, () => {
      const document = documents.get(params.textDocument.uri);
      return document ? languageService().codeActions(document, params.context.diagnostics) : [];
    }),
  );
  connection.onDocumentSymbol((params, token) =>
    guarded('Document symbols', [], token, () => {
      const document = documents.get(params.textDocument.uri);
      return document ? languageService().symbols(document) : [];
    }),
  );

  connection.onRequest(SetSchemaRequest, (params) => {
    try {
      return switchCatalog('catalog' in params ? SchemaCatalog.fromConverted(params.catalog) : SchemaCatalog.fromOpenApiText(params.openapi, params.source));
    } catch (error) {
      throw new ResponseError(ErrorCodes.InvalidParams, `The schema from ${params.source} cannot be used: ${(error as Error).message}`);
    }
  });
  connection.onRequest(ResetSchemaRequest, () => switchCatalog(options.loadDefaultCatalog()));
  connection.onRequest(SchemaInfoRequest, () => schemaInfo());

  documents.listen(connection);
  connection.listen();
}
