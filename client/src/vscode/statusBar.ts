/** The status bar item: the active server, its version and state; push progress; click to switch. */
import * as vscode from 'vscode';
import type { ConnectionManager, ConnectionState } from './connection';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('authentikStages.server', vscode.StatusBarAlignment.Left, 50);
  private reset: NodeJS.Timeout | undefined;

  constructor(private readonly connection: ConnectionManager) {
    this.item.name = 'authentik server';
    this.item.command = 'authentikStages.switchServer';
    connection.onDidChange((state) => this.show(state));
    this.show(connection.state);
  }

  /** Shown once the window is used for authentik (`StartWhenUsed`), not for any YAML file. */
  reveal(): void {
    this.item.show();
  }

  private show(state: ConnectionState): void {
    switch (state.kind) {
      case 'none':
        this.item.text = '$(plug) authentik: add server';
        this.item.tooltip = 'No authentik server configured: click to add one. Stage files are checked against the bundled schema.';
        break;
      case 'signed-out':
        this.item.text = `$(debug-disconnect) ${state.server.name}: signed out`;
        this.item.tooltip = `${state.server.url}: no API token stored. Click to sign in or switch.`;
        break;
      case 'connecting':
        this.item.text = `$(sync~spin) ${state.server.name}`;
        this.item.tooltip = `Connecting to ${state.server.url}…`;
        break;
      case 'connected':
        this.item.text = `$(server-environment) ${state.server.name} · ${state.version}`;
        this.item.tooltip = `Connected to ${state.server.url} (authentik ${state.version}). Stage files are checked against this version's schema. Click to switch servers.`;
        break;
      default:
        this.item.text = `$(warning) ${state.server.name}`;
        this.item.tooltip = `${state.server.url}: ${state.message}. Click to switch or sign in again.`;
    }
  }

  busy(text: string): void {
    if (this.reset) clearTimeout(this.reset);
    this.item.text = `$(sync~spin) ${text}`;
  }

  done(ok: boolean, text: string): void {
    this.item.text = `${ok ? '$(check)' : '$(error)'} ${text}`;
    if (this.reset) clearTimeout(this.reset);
    this.reset = setTimeout(() => this.show(this.connection.state), ok ? 3000 : 8000);
  }

  dispose(): void {
    if (this.reset) clearTimeout(this.reset);
    this.item.dispose();
  }
}
