/**
 * A real VS Code for tests: code-server's `server-main.js` (run by Node 24 from .tools/, installed
 * by `npm run setup:vscode`) and headless Chromium (Debian's) driven by Playwright. Shared by the
 * launcher that @vscode/test-electron spawns and by the screenshot run. No fixed sleeps: every wait
 * is on an event or a polled condition, and bounded.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';

/** The repository: the nearest folder above this file whose package.json is the extension's. */
export const repoRoot: string = (() => {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'authentik-stages') return dir;
    if (dirname(dir) === dir) throw new Error(`no authentik-stages package.json above ${__dirname}`);
  }
})();

export const toolsDir = join(repoRoot, '.tools');
const nodePackage = `node-linux-${process.arch}`;
export const node24 = join(toolsDir, 'node24', 'node_modules', nodePackage, 'bin', 'node');
export const serverMain = join(toolsDir, 'code-server', 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js');
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** The workbench settings every window gets: no Welcome tab, no Chat panel, no AI features. */
export const workbenchSettings = {
  'workbench.startupEditor': 'none',
  // Hovers below the line they are about: the references screenshot keeps the lines above in view.
  'editor.hover.above': false,
  // Completion lists show the language server's items only, not every word of the file: tests and
  // screenshots of id and model completion would pass on words alone.
  'editor.wordBasedSuggestions': 'off',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'workbench.tips.enabled': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
};

export function checkTools(): void {
  const missing = [node24, serverMain, chromiumPath].filter((p) => !existsSync(p));
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run \`npm run setup:vscode\` first`);
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Resolves with check()'s first truthy value; rejects after timeoutMs, naming what it waited for. */
export async function poll<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds(timeoutMs)} waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Rejects after ms unless the promise settles first. */
export function within<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${seconds(ms)}: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Work that must happen however a run ends (processes, temp dirs): run in reverse order by
 * cleanup(), which is also wired to SIGINT/SIGTERM/SIGHUP and to the process's exit.
 */
const cleanups: Array<{ what: string; run: () => void | Promise<void>; atExit?: () => void }> = [];
let cleaning: Promise<void> | undefined;

/** `atExit` is the synchronous version, run at process exit when cleanup() did not get to it. */
export function onCleanup(what: string, run: () => void | Promise<void>, atExit?: () => void): void {
  cleanups.push({ what, run, ...(atExit ? { atExit } : {}) });
}

export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length) {
      const { what, run } = cleanups.pop()!;
      try {
        await within(what, Promise.resolve(run()), 10_000);
      } catch (error) {
        console.error(`[vscode] cleanup: ${what} failed: ${(error as Error).message}`);
      }
    }
  })();
  return cleaning.finally(() => {
    cleaning = undefined;
  });
}

let signalsWired = false;
export function wireSignals(): void {
  if (signalsWired) return;
  signalsWired = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`[vscode] ${signal}: stopping`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  // Last resort for a synchronous exit: kill what is still registered as a process group, remove temp dirs.
  process.once('exit', () => {
    for (const group of liveGroups) killGroup(group, 'SIGKILL');
    for (const { atExit } of cleanups.reverse()) {
      try {
        atExit?.();
      } catch {
        // best effort
      }
    }
  });
}

const liveGroups = new Set<number>();
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export interface RunDirs {
  root: string;
  userData: string;
  extensions: string;
  serverData: string;
  tmp: string;
  logs: string;
}

/** A fresh temp folder per run: user data (with the workbench settings), extensions, server data, TMPDIR. */
export function makeRunDirs(prefix: string, settings: Record<string, unknown> = {}): RunDirs {
  const root = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const remove = (): void => rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  onCleanup(`removing ${root}`, remove, remove);
  const dirs: RunDirs = {
    root,
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
    serverData: join(root, 'server-data'),
    tmp: join(root, 'tmp'),
    logs: join(root, 'logs'),
  };
  for (const dir of [dirs.userData, dirs.extensions, dirs.serverData, dirs.tmp, dirs.logs]) mkdirSync(dir, { recursive: true });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...workbenchSettings, ...settings }, null, 2));
  return dirs;
}

/** A copy of a folder inside the run's dirs: unsaved edits are backed up per folder path, so no window shares one. */
export function copyWorkspace(dirs: RunDirs, from: string, name = 'workspace'): string {
  const to = join(dirs.root, name);
  cpSync(resolve(from), to, { recursive: true });
  return to;
}

/** A workspace folder in the run's dirs holding a copy of the repository's examples/ (as examples/). */
export function examplesWorkspace(dirs: RunDirs, name = 'workspace'): string {
  const folder = join(dirs.root, name);
  cpSync(join(repoRoot, 'examples'), join(folder, 'examples'), { recursive: true });
  return folder;
}

function serverArgs(dirs: RunDirs): string[] {
  return [
    '--accept-server-license-terms',
    '--disable-workspace-trust',
    '--extensions-dir', dirs.extensions,
    '--user-data-dir', dirs.userData,
    '--server-data-dir', dirs.serverData,
  ];
}

/** Installs a .vsix into the run's extensions folder, offline, with the server's own CLI. */
export function installVsix(dirs: RunDirs, vsix: string): void {
  const result = spawnSync(node24, [serverMain, ...serverArgs(dirs), '--install-extension', vsix], {
    encoding: 'utf8',
    env: { ...process.env, TMPDIR: dirs.tmp },
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`installing ${vsix} failed (${result.status ?? result.error?.message}):\n${result.stdout}${result.stderr}`);
}

export interface CodeServer {
  port: number;
  url: string;
  process: ChildProcess;
  /** Everything the server and its extension hosts printed. */
  logFile: string;
  /** Rejects when the server exits before stop(). */
  exited: Promise<never>;
  stop(): Promise<void>;
}

/**
 * Starts server-main.js on a free port (`--port 0`: the server picks one and prints it), in a
 * process group of its own so that stop() ends it with its extension hosts and language servers.
 */
export async function startServer(dirs: RunDirs, options: { smokeTestDriver: boolean; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CodeServer> {
  const started = Date.now();
  const args = [serverMain, '--host', '127.0.0.1', '--port', '0', '--without-connection-token', ...serverArgs(dirs)];
  if (options.smokeTestDriver) args.push('--enable-smoke-test-driver');
  const logFile = join(dirs.logs, 'server.log');
  const log = createWriteStream(logFile);
  const child = spawn(node24, args, {
    cwd: dirs.root,
    detached: true, // its own process group: killed as a whole
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...(options.env ?? process.env), TMPDIR: dirs.tmp, VSCODE_CLI: undefined, ELECTRON_RUN_AS_NODE: undefined },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${node24}`);
  liveGroups.add(pid);
  let stopping = false;
  const gone = new Promise<void>((resolveGone) => child.once('exit', () => resolveGone()));
  const stop = async (): Promise<void> => {
    if (!liveGroups.has(pid)) return;
    stopping = true;
    killGroup(pid, 'SIGTERM');
    const exitedInTime = await within('server exit', gone, 5_000).then(
      () => true,
      () => false,
    );
    // The group may outlive its leader (an extension host, a language server): end them all.
    killGroup(pid, exitedInTime ? 'SIGTERM' : 'SIGKILL');
    if (!exitedInTime) await within('server exit after SIGKILL', gone, 5_000).catch(() => undefined);
    liveGroups.delete(pid);
    await new Promise<void>((r) => log.end(r));
  };
  onCleanup(`stopping code-server (pid ${pid})`, stop);

  let output = '';
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start within ${seconds(options.timeoutMs ?? 30_000)}:\n${output}`)), options.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer): void => {
      log.write(chunk);
      output += chunk.toString();
      const match = /Extension host agent listening on (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => {
      if (!stopping) reject(new Error(`code-server exited unexpectedly (${code ?? signal}); log: ${logFile}`));
    });
  });
  exited.catch(() => undefined); // observed by whoever races it
  console.error(`[vscode] code-server ${options.smokeTestDriver ? '(smoke-test driver) ' : ''}listening on 127.0.0.1:${port}, pid ${pid} — ${seconds(Date.now() - started)}`);
  return { port, url: `http://127.0.0.1:${port}`, process: child, logFile, exited, stop };
}

/** Headless Chromium (Debian's), closed on cleanup. */
export async function launchBrowser(): Promise<Browser> {
  const started = Date.now();
  const { chromium } = await import('playwright-core');
  const browser = await within(
    'launching chromium',
    // Signals are ours to handle (cleanup() closes the browser after the server): Playwright's own
    // handlers would exit the process before the temp dirs are removed.
    chromium.launch({ executablePath: chromiumPath, headless: true, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false, args: ['--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check'] }),
    30_000,
  );
  onCleanup('closing chromium', () => browser.close());
  console.error(`[vscode] chromium ${browser.version()} started — ${seconds(Date.now() - started)}`);
  return browser;
}

/** The address of a file on the server as the workbench names it. */
export function remoteUri(server: CodeServer, path: string): string {
  return `vscode-remote://127.0.0.1:${server.port}${encodeURI(resolve(path))}`;
}

/** The workbench on a folder; `payload` is VS Code's list of [key, value] pairs (honoured with the smoke-test driver). */
export function workbenchUrl(server: CodeServer, folder: string, payload?: Array<[string, string]>): string {
  let url = `${server.url}/?folder=${encodeURIComponent(resolve(folder))}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/** Waits until the workbench is on screen (the editor area laid out). */
export async function waitForWorkbench(page: Page, timeoutMs = 30_000): Promise<void> {
  await page.locator('.monaco-workbench .part.editor').first().waitFor({ state: 'visible', timeout: timeoutMs });
}
