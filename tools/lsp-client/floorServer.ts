// The floor of the benchmark: a language server that does no work at all. It answers every
// didOpen/didChange at once with empty diagnostics for that version, and every completion and
// hover with nothing, so what it measures is the cost of LSP itself (JSON-RPC over stdio, process
// scheduling, the client's own parsing) under the same harness as the real servers.
import {
  ProposedFeatures,
  TextDocumentSyncKind,
  createConnection,
  type CompletionItem,
  type Hover,
  type InitializeResult,
} from 'vscode-languageserver/node';

export function runFloorServer(): void {
  const connection = createConnection(ProposedFeatures.all);

  connection.onInitialize(
    (): InitializeResult => ({
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        completionProvider: { triggerCharacters: [':', ' '] },
        hoverProvider: true,
      },
      serverInfo: { name: 'lsp-floor-server', version: '0.1.0' },
    }),
  );

  connection.onDidOpenTextDocument(({ textDocument }) => {
    void connection.sendDiagnostics({ uri: textDocument.uri, version: textDocument.version, diagnostics: [] });
  });
  connection.onDidChangeTextDocument(({ textDocument }) => {
    void connection.sendDiagnostics({ uri: textDocument.uri, version: textDocument.version, diagnostics: [] });
  });
  connection.onDidCloseTextDocument(({ textDocument }) => {
    void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
  });
  connection.onCompletion((): CompletionItem[] => []);
  connection.onHover((): Hover | null => null);

  connection.listen();
}
