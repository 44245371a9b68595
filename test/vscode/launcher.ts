/**
 * "The VS Code executable" for @vscode/test-electron's runTests: takes the arguments it would give
 * Electron VS Code and runs the extension tests in code-server instead.
 *
 *   --extensionDevelopmentPath=<dir>  --extensionTestsPath=<file>  [folder]
 *
 * become a server-main.js with --enable-smoke-test-driver (its own user-data, extensions, server-data
 * and a copy of the folder, in one temp dir) and headless Chromium opening
 *   /?folder=<copy>&payload=[[extensionDevelopmentPath, vscode-remote://…], [extensionTestsPath, …],
 *                            [extensionEnvironment, {VSCODE_TEST_* variables}]]
 * When the tests' run() settles, the workbench calls window.codeAutomationExit(code): this process
 * exits with that code (0 resolved, 1 rejected) after stopping everything it started and removing
 * the temp dir. Electron-only flags (--no-sandbox, --user-data-dir, …) are ignored.
 *
 * Environment: VSCODE_TEST_* variables reach the extension host (through the payload, not the
 * server's environment); VSCODE_LAUNCHER_TIMEOUT_MS bounds the run (default 120000);
 * VSCODE_LAUNCHER_ARTIFACTS_DIR receives a screenshot (launcher-*.png) and the server's log when
 * the run fails or times out;
 * VSCODE_LAUNCHER_VERBOSE=1 prints the whole page console, not only the extension host's.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ConsoleMessage, Page } from 'playwright-core';
import {
  checkTools,
  cleanup,
  copyWorkspace,
  launchBrowser,
  makeRunDirs,
  remoteUri,
  seconds,
  startServer,
  waitForWorkbench,
  within,
  wireSignals,
  workbenchUrl,
} from './lib/codeServer';

interface LaunchArgs {
  extensionDevelopmentPath?: string;
  extensionTestsPath?: string;
  folder?: string;
  ignored: string[];
}

// Flags runTests adds for Electron VS Code, meaningless for code-server (or handled by us anyway).
const ELECTRON_FLAGS = new Set(['--no-sandbox', '--disable-gpu-sandbox', '--disable-updates', '--skip-welcome', '--skip-release-notes', '--disable-workspace-trust', '--disable-gpu', '--new-window']);

export function parseArgs(argv: string[]): LaunchArgs {
  const out: LaunchArgs = { ignored: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => inline ?? argv[++i] ?? '';
    if (flag === '--extensionDevelopmentPath') {
      if (out.extensionDevelopmentPath) throw new Error('only one --extensionDevelopmentPath is supported (the workbench payload takes one value per key)');
      out.extensionDevelopmentPath = resolve(value());
    } else if (flag === '--extensionTestsPath') out.extensionTestsPath = resolve(value());
    else if (flag === '--user-data-dir' || flag === '--extensions-dir') {
      if (inline === undefined) i++; // each run has its own: ignored
      out.ignored.push(flag);
    } else if (ELECTRON_FLAGS.has(flag) || flag.startsWith('--')) out.ignored.push(flag);
    else if (out.folder) throw new Error(`one folder only (got ${out.folder} and ${arg})`);
    else out.folder = resolve(arg);
  }
  return out;
}

function forwardedEnv(): { extension: Record<string, string>; server: NodeJS.ProcessEnv } {
  const extension: Record<string, string> = {};
  const server: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (name.startsWith('VSCODE_TEST_')) extension[name] = value;
    else if (!name.startsWith('VSCODE_LAUNCHER_')) server[name] = value;
  }
  return { extension, server };
}

const LOG_MARK = '[vscode-test]';

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** console.log's printf-style arguments as one line ("%c" styles dropped); VS Code logs nest one format in another. */
export function formatConsoleArgs(args: unknown[]): string {
  const out: string[] = [];
  let rest = [...args];
  while (rest.length) {
    const first = rest.shift();
    if (typeof first !== 'string' || !/%[csdifoO]/.test(first)) {
      out.push(show(first));
      continue;
    }
    out.push(
      first.replace(/%[csdifoO%]/g, (spec) => {
        if (spec === '%%') return '%';
        const value = rest.shift();
        return spec === '%c' ? '' : show(value);
      }),
    );
  }
  return out.join(' ').replace(/\s+$/, '');
}

/**
 * The page console, where the extension host's console.log ends up (as the workbench's INFO
 * logging): lines the test entry marked are shown, the rest only with VSCODE_LAUNCHER_VERBOSE=1.
 * Messages are formatted one after another, in order.
 */
function forwardConsole(page: Page, verbose: boolean): void {
  let queue = Promise.resolve();
  page.on('console', (message: ConsoleMessage) => {
    const args = Promise.all(message.args().map((a) => a.jsonValue().catch(() => '<unserializable>')));
    queue = queue.then(async () => {
      const text = formatConsoleArgs(await args.catch(() => [message.text()]));
      const at = text.indexOf(LOG_MARK);
      if (at >= 0) console.log(`  ${text.slice(at + LOG_MARK.length + 1)}`);
      else if (verbose) console.log(`  [page ${message.type()}] ${text}`);
    });
  });
}

/** Keeps what explains a failed run (the run dir is removed): a screenshot and the server's log. */
async function keepArtifacts(page: Page | undefined, serverLog: string | undefined, name: string): Promise<void> {
  const dir = process.env.VSCODE_LAUNCHER_ARTIFACTS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  if (serverLog && existsSync(serverLog)) {
    copyFileSync(serverLog, join(dir, `${name}-server.log`));
    console.error(`[launcher] server log of the failed run: ${join(dir, `${name}-server.log`)}`);
  }
  if (!page) return;
  try {
    const path = join(dir, `${name}.png`);
    await within('failure screenshot', page.screenshot({ path }), 10_000);
    console.error(`[launcher] screenshot of the failed run: ${path}`);
  } catch (error) {
    console.error(`[launcher] no screenshot: ${(error as Error).message}`);
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  wireSignals();
  const args = parseArgs(process.argv.slice(2));
  if (!args.extensionDevelopmentPath || !args.extensionTestsPath) throw new Error('--extensionDevelopmentPath and --extensionTestsPath are required');
  checkTools();
  const timeoutMs = Number(process.env.VSCODE_LAUNCHER_TIMEOUT_MS) || 120_000;
  const verbose = process.env.VSCODE_LAUNCHER_VERBOSE === '1';
  const env = forwardedEnv();

  const dirs = makeRunDirs('vscode-test');
  const folder = args.folder ? copyWorkspace(dirs, args.folder) : undefined;
  console.error(`[launcher] run dir ${dirs.root}${folder ? `, workspace copy of ${args.folder}` : ''}`);
  const server = await startServer(dirs, { smokeTestDriver: true, env: env.server });
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();

  let exit!: (code: number) => void;
  const exitCode = new Promise<number>((r) => (exit = r));
  await page.exposeFunction('codeAutomationExit', (code: unknown) => {
    exit(typeof code === 'number' ? code : 1);
  });
  forwardConsole(page, verbose);
  const crashed = new Promise<never>((_, reject) => page.once('crash', () => reject(new Error('the workbench page crashed'))));
  crashed.catch(() => undefined);

  const payload: Array<[string, string]> = [
    ['extensionDevelopmentPath', remoteUri(server, args.extensionDevelopmentPath)],
    ['extensionTestsPath', remoteUri(server, args.extensionTestsPath)],
  ];
  if (Object.keys(env.extension).length) payload.push(['extensionEnvironment', JSON.stringify(env.extension)]);
  let code: number;
  try {
    const navigated = Date.now();
    const url = folder ? workbenchUrl(server, folder, payload) : `${server.url}/?ew=true&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30_000 });
    await Promise.race([waitForWorkbench(page), server.exited, crashed]);
    console.error(`[launcher] workbench up — ${seconds(Date.now() - navigated)} after navigation; running ${args.extensionTestsPath}`);
    code = await within(`the extension tests (VSCODE_LAUNCHER_TIMEOUT_MS=${timeoutMs})`, Promise.race([exitCode, server.exited, crashed]), timeoutMs);
  } catch (error) {
    console.error(`[launcher] ${(error as Error).message}`);
    code = 1;
  }
  if (code !== 0) await keepArtifacts(page, server.logFile, 'launcher-failure');
  console.error(`[launcher] tests exited with ${code} — ${seconds(Date.now() - started)} in all`);
  return code;
}

main()
  .catch((error: unknown) => {
    console.error(`[launcher] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  })
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  });
