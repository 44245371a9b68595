/** Waiting inside the extension host: on events, with a bounded poll as a backstop, never a fixed sleep. */
import * as vscode from 'vscode';

export const EXTENSION_ID = 'authentik-stages.authentik-stages';

/**
 * Resolves with check()'s first truthy value, re-checking whenever one of `events` fires and every
 * 50 ms; rejects after timeoutMs with `what` and, when given, describe()'s account of the last state.
 */
export function waitFor<T>(
  what: string,
  check: () => T | undefined | false | null,
  options: { timeoutMs?: number; events?: Array<vscode.Event<unknown>>; describe?: () => string } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  return new Promise<T>((resolve, reject) => {
    const subscriptions: vscode.Disposable[] = [];
    let interval: NodeJS.Timeout | undefined;
    let timer: NodeJS.Timeout | undefined;
    const finish = (action: () => void): void => {
      clearInterval(interval);
      clearTimeout(timer);
      for (const s of subscriptions) s.dispose();
      action();
    };
    const attempt = (): void => {
      try {
        const value = check();
        if (value) finish(() => resolve(value));
      } catch (error) {
        finish(() => reject(error));
      }
    };
    for (const event of options.events ?? []) subscriptions.push(event(attempt));
    interval = setInterval(attempt, 50);
    timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}${options.describe ? `; last: ${options.describe()}` : ''}`))), timeoutMs);
    attempt();
  });
}

/** The diagnostics of a document, one line each, for failure messages. */
export function describeDiagnostics(uri: vscode.Uri): string {
  const all = vscode.languages.getDiagnostics(uri);
  if (!all.length) return 'no diagnostics';
  return all.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${vscode.DiagnosticSeverity[d.severity]} ${d.message}`).join(' | ');
}

/** A file of the workspace folder (a per-run copy holding examples/). */
/** Polls an asynchronous check until it gives a value (bounded), for what no event announces. */
export async function waitForValue<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function workspaceFile(...path: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, ...path);
}

interface PerformanceMark {
  name: string;
  startTime: number;
}

/**
 * The extension host's own performance marks (VS Code's `vs/base/common/performance` keeps them on
 * globalThis.MonacoPerformanceMarks): `code/extHost/willActivateExtension/<id>` is set just before
 * activate() is called, `didActivateExtension/<id>` when the promise it returned resolved.
 */
export function extensionHostMarks(): PerformanceMark[] {
  const marks = (globalThis as { MonacoPerformanceMarks?: { getMarks(): PerformanceMark[] } }).MonacoPerformanceMarks;
  return marks?.getMarks() ?? [];
}

export function markSpan(from: string, to: string): number | undefined {
  const marks = extensionHostMarks();
  const start = marks.find((m) => m.name === from)?.startTime;
  const end = marks.find((m) => m.name === to)?.startTime;
  return start !== undefined && end !== undefined ? end - start : undefined;
}

/** Like waitFor for an asynchronous check (a provider command): one request at a time, 50 ms apart, bounded. */
export async function pollFor<T>(what: string, check: () => Promise<T | undefined | false | null>, options: { timeoutMs?: number; describe?: () => string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs ?? 15_000} ms waiting for ${what}${options.describe ? `; last: ${options.describe()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
