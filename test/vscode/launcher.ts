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
 * VSCODE_LAUNCHER_SCREENSHOT_DIR receives a screenshot when the run fails or times out;
 * VSCODE_LAUNCHER_VERBOSE=1 prints the whole page console, not only the extension host's.
 */
import { mkdirSync } from 'node:fs';
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

/** The extension host's console.log reaches the page console as "%c[Extension Host] %c…". */
function consoleLine(message: ConsoleMessage, verbose: boolean): string | undefined {
  const text = message.text();
  const fromExtensionHost = text.includes('[Extension Host]');
  if (!fromExtensionHost && !verbose) return undefined;
  const cleaned = text
    .replace(/%c/g, '')
    .replace(/\s*(color|font-weight|background)\s*:[^;]*;?/g, '')
    .replace(/^\s*\[Extension Host\]\s*/, '')
    .trimEnd();
  return fromExtensionHost ? `  ${cleaned}` : `  [page ${message.type()}] ${cleaned}`;
}

async function failureScreenshot(page: Page | undefined, name: string): Promise<void> {
  const dir = process.env.VSCODE_LAUNCHER_SCREENSHOT_DIR;
  if (!page || !dir) return;
  try {
    mkdirSync(dir, { recursive: true });
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
  page.on('console', (message) => {
    const line = consoleLine(message, verbose);
    if (line !== undefined) console.log(line);
  });
  const crashed = new Promise<never>((_, reject) => page.once('crash', () => reject(new Error('the workbench page crashed'))));
  crashed.catch(() => undefined);

  const payload: Array<[string, string]> = [
    ['extensionDevelopmentPath', remoteUri(server, args.extensionDevelopmentPath)],
    ['extensionTestsPath', remoteUri(server, args.extensionTestsPath)],
  ];
  if (Object.keys(env.extension).length) payload.push(['extensionEnvironment', JSON.stringify(env.extension)]);
  const navigated = Date.now();
  await page.goto(folder ? workbenchUrl(server, folder, payload) : `${server.url}/?ew=true&payload=${encodeURIComponent(JSON.stringify(payload))}`, { waitUntil: 'domcontentloaded', timeout: 30_000 });
  await waitForWorkbench(page);
  console.error(`[launcher] workbench up — ${seconds(Date.now() - navigated)} after navigation; running ${args.extensionTestsPath}`);

  let code: number;
  try {
    code = await within(`the extension tests (VSCODE_LAUNCHER_TIMEOUT_MS=${timeoutMs})`, Promise.race([exitCode, server.exited, crashed]), timeoutMs);
  } catch (error) {
    console.error(`[launcher] ${(error as Error).message}; server log: ${server.logFile}`);
    await failureScreenshot(page, 'launcher-failure');
    code = 1;
  }
  if (code !== 0) await failureScreenshot(page, 'launcher-tests-failed');
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
