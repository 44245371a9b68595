/**
 * Push-on-save (`authentik.pushOnSave`): after a stage file is saved (never before or during the
 * save), debounced, one push at a time; saves arriving meanwhile are merged into the next round.
 */
import * as vscode from 'vscode';
import type { SyncService } from './syncService';
import type { StatusBar } from './statusBar';
import { pushReport } from '../ui/pushReport';
import { SaveQueue } from '../ui/saveQueue';
import { isStageDocument } from './workspace';

const DEBOUNCE_MS = 50;

export class PushOnSave implements vscode.Disposable {
  private readonly queue: SaveQueue<vscode.Uri>;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly sync: SyncService,
    private readonly status: StatusBar,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.queue = new SaveQueue<vscode.Uri>({
      debounceMs: DEBOUNCE_MS,
      id: (uri) => uri.toString(),
      push: (uri) => this.pushOne(uri),
      onError: (uri, error) => this.failed(vscode.workspace.asRelativePath(uri), (error as Error).message),
    });
    this.subscription = vscode.workspace.onDidSaveTextDocument((document) => this.saved(document));
  }

  private saved(document: vscode.TextDocument): void {
    if (!isStageDocument(document)) return;
    if (!vscode.workspace.getConfiguration('authentik', document.uri).get<boolean>('pushOnSave', false)) return;
    this.queue.saved(document.uri);
  }

  private async pushOne(uri: vscode.Uri): Promise<void> {
    const name = vscode.workspace.asRelativePath(uri);
    this.status.busy(`Pushing ${name}…`);
    const result = await this.sync.push(uri, { interactive: false });
    if (!result) {
      // Bound to another server: saving never pushes elsewhere; a click can, after a question.
      this.status.done(false, `${name}: not pushed (bound to another server)`);
      void vscode.window.showWarningMessage(`${name} was last synced with another authentik server, so saving did not push it to the active one.`, 'Push…').then((choice) => {
        if (choice === 'Push…') void vscode.commands.executeCommand('authentikStages.push', uri);
      });
      return;
    }
    const report = pushReport(result, name, 'Push on save');
    this.status.done(report.ok, report.ok ? `${name}: pushed` : `${name}: push failed`);
    if (report.ok) return;
    for (const p of result.problems) this.output.error(`${name}:${p.line}:${p.column}: ${p.message}`);
    void this.notifyFailure(report.message);
  }

  private failed(name: string, message: string): void {
    this.status.done(false, `${name}: push failed`);
    this.output.error(`Push on save of ${name} failed: ${message}`);
    void this.notifyFailure(`Push on save of ${name} failed: ${message}`);
  }

  private async notifyFailure(message: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, 'Show Details');
    if (choice === 'Show Details') this.output.show(true);
  }

  /** Resolves when nothing is queued or running (tests, deactivation). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  dispose(): void {
    this.queue.dispose();
    this.subscription.dispose();
  }
}
