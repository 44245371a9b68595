/**
 * Push-on-save (`authentik.pushOnSave`): after a stage file is saved (never before or during the
 * save), debounced, one push at a time; saves arriving meanwhile are merged into the next round.
 */
import * as vscode from 'vscode';
import type { SyncService } from './syncService';
import type { StatusBar } from './statusBar';
import { isStageDocument } from './workspace';

const DEBOUNCE_MS = 50;

export class PushOnSave implements vscode.Disposable {
  private readonly pending = new Map<string, vscode.Uri>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly sync: SyncService,
    private readonly status: StatusBar,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.subscription = vscode.workspace.onDidSaveTextDocument((document) => this.saved(document));
  }

  private saved(document: vscode.TextDocument): void {
    if (!isStageDocument(document)) return;
    if (!vscode.workspace.getConfiguration('authentik', document.uri).get<boolean>('pushOnSave', false)) return;
    this.pending.set(document.uri.toString(), document.uri);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain(), DEBOUNCE_MS);
  }

  /** One round at a time; a round started while another runs waits for it and takes what queued. */
  private async drain(): Promise<void> {
    this.timer = undefined;
    // A round is running: it drains the queue again when it ends.
    if (this.running) return;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending.clear();
    this.running = this.pushAll(batch);
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    if (this.pending.size) void this.drain();
  }

  private async pushAll(uris: vscode.Uri[]): Promise<void> {
    for (const uri of uris) {
      const name = vscode.workspace.asRelativePath(uri);
      this.status.busy(`Pushing ${name}…`);
      try {
        const result = await this.sync.push(uri, { interactive: false });
        if (!result) {
          // Bound to another server: saving never pushes elsewhere; a click can, after a question.
          this.status.done(false, `${name}: not pushed (bound to another server)`);
          void vscode.window.showWarningMessage(`${name} was last synced with another authentik server, so saving did not push it to the active one.`, 'Push…').then((choice) => {
            if (choice === 'Push…') void vscode.commands.executeCommand('authentikStages.push', uri);
          });
          continue;
        }
        const failed = result.blocked || result.outcomes.some((o) => !['created', 'updated', 'unchanged'].includes(o.status));
        this.status.done(!failed, failed ? `${name}: push failed` : `${name}: pushed`);
        if (failed) {
          const summary = result.blocked ? 'it has errors, nothing was sent' : result.outcomes.filter((o) => !['created', 'updated', 'unchanged'].includes(o.status)).map((o) => `${o.stage}: ${o.status}`).join('; ');
          for (const p of result.problems) this.output.error(`${name}:${p.line}:${p.column}: ${p.message}`);
          void this.notifyFailure(`Push on save of ${name} failed: ${summary}.`);
        }
      } catch (error) {
        this.status.done(false, `${name}: push failed`);
        this.output.error(`Push on save of ${name} failed: ${(error as Error).message}`);
        void this.notifyFailure(`Push on save of ${name} failed: ${(error as Error).message}`);
      }
    }
  }

  private async notifyFailure(message: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, 'Show Details');
    if (choice === 'Show Details') this.output.show(true);
  }

  /** Resolves when nothing is queued or running (tests, deactivation). */
  async idle(): Promise<void> {
    while (this.timer || this.running || this.pending.size) {
      if (this.running) await this.running;
      else await new Promise((resolve) => setTimeout(resolve, DEBOUNCE_MS));
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.subscription.dispose();
  }
}
