/** What the server said about a push, as diagnostics on the keys (source "authentik server"). */
import * as vscode from 'vscode';
import type { FileProblem } from '@authentik-stages/engine';

export class ServerDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('authentik server');

  set(uri: vscode.Uri, problems: readonly FileProblem[]): void {
    this.collection.set(
      uri,
      problems.map((p) => {
        const range = new vscode.Range(p.line - 1, p.column - 1, p.endLine - 1, Math.max(p.endColumn - 1, p.column - 1));
        const severity = p.severity === 'error' ? vscode.DiagnosticSeverity.Error : p.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
        const diagnostic = new vscode.Diagnostic(range, p.message, severity);
        diagnostic.source = 'authentik server';
        return diagnostic;
      }),
    );
  }

  clear(uri: vscode.Uri): void {
    this.collection.delete(uri);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
