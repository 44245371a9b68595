#!/usr/bin/env node
// npm run demo:vscode — the extension itself, in a browser: a sandbox authentik
// (`node dist/sandbox.js`) and a code-server (no smoke-test driver) with the packaged extension
// installed, on a copy of examples/, its user settings naming the sandbox as the active server.
// Prints the URL to open; the extension connects with AUTHENTIK_URL/AUTHENTIK_TOKEN from its
// environment (nothing is written to secret storage). Runs until Ctrl+C, then stops both and removes
// its temp folder. Needs the tools of `npm run setup:vscode` (run first when missing).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const node24 = join(root, '.tools', 'node24', 'node_modules', `node-linux-${process.arch}`, 'bin', 'node');
const serverMain = join(root, '.tools', 'code-server', 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js');
const vsix = join(root, 'dist', 'authentik-stages.vsix');
const token = 'sandbox-token';

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when the child prints a line matching `pattern`; rejects when it exits first or after 30 s. */
function waitForOutput(child, pattern, what) {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 30 s:\n${output}`)), 30_000);
    const onData = (chunk) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code ?? signal}):\n${output}`));
    });
  });
}

const children = [];
let dir;
function stopAll() {
  for (const child of children.reverse()) {
    try {
      process.kill(-child.pid, 'SIGTERM'); // its own process group: extension hosts and language servers too
    } catch {
      // gone
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}

async function main() {
  if (!existsSync(node24) || !existsSync(serverMain)) run(process.execPath, ['scripts/vscode/setup.mjs']);
  if (!existsSync(vsix)) run('npm', ['run', '--silent', 'package']);
  run(process.execPath, ['scripts/build.mjs', '--only=sandbox']);

  dir = mkdtempSync(join(tmpdir(), 'authentik-demo-vscode-'));
  const userData = join(dir, 'user-data');
  const extensions = join(dir, 'extensions');
  const serverData = join(dir, 'server-data');
  const workspace = join(dir, 'workspace');
  for (const d of [join(userData, 'User'), extensions, serverData]) mkdirSync(d, { recursive: true });
  cpSync(join(root, 'examples'), join(workspace, 'examples'), { recursive: true });

  const sandboxPort = await freePort();
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'chat.disableAIFeatures': true,
        'extensions.ignoreRecommendations': true,
        'telemetry.telemetryLevel': 'off',
        'security.workspace.trust.enabled': false,
        'authentik.servers': [{ name: 'sandbox', url: sandboxUrl }],
        'authentik.activeServer': 'sandbox',
      },
      null,
      2,
    ),
  );
  const common = ['--accept-server-license-terms', '--disable-workspace-trust', '--extensions-dir', extensions, '--user-data-dir', userData, '--server-data-dir', serverData];
  run(node24, [serverMain, ...common, '--install-extension', vsix]);

  const sandbox = spawn(process.execPath, [join(root, 'dist', 'sandbox.js'), '--port', String(sandboxPort), '--token', token], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(sandbox);
  await waitForOutput(sandbox, new RegExp(`127\\.0\\.0\\.1:${sandboxPort}`), 'the sandbox');

  const codeServer = spawn(node24, [serverMain, '--host', '127.0.0.1', '--port', '0', '--without-connection-token', ...common], {
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // The extension reads AUTHENTIK_URL/AUTHENTIK_TOKEN when no token is stored: it connects at once.
    env: { ...process.env, VSCODE_CLI: undefined, ELECTRON_RUN_AS_NODE: undefined, AUTHENTIK_URL: sandboxUrl, AUTHENTIK_TOKEN: token },
  });
  children.push(codeServer);
  const [, port] = await waitForOutput(codeServer, /Extension host agent listening on (\d+)/, 'code-server');

  for (const child of children) {
    child.stdout.resume();
    child.stderr.resume();
    child.once('exit', (code, signal) => {
      console.error(`✖ a child process exited (${code ?? signal}): stopping`);
      stopAll();
      process.exit(1);
    });
  }
  console.log(`
authentik Stages in VS Code (code-server), connected to a sandbox authentik:

  Open      http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}
  Sandbox   ${sandboxUrl}   (the active server "sandbox", connected with AUTHENTIK_TOKEN=${token})

Try: the authentik icon in the activity bar (the Stages tree), open a stage, edit, Push (code lens);
examples/broken.stage.yaml for diagnostics, hover and quick fixes.

Ctrl+C stops both and removes ${dir}.`);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    console.log('\nStopping…');
    stopAll();
    process.exit(0);
  });
}
process.once('exit', stopAll);

main().catch((error) => {
  console.error(`✖ ${error instanceof Error ? error.message : error}`);
  stopAll();
  process.exit(1);
});
