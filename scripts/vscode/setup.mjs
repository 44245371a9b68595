#!/usr/bin/env node
// Installs what running the extension in a real VS Code (code-server) needs, and nothing twice:
//   1. Debian packages `chromium` (the headless browser) and `libkrb5-dev` (code-server's `kerberos`
//      module compiles against it), with apt-get, only when one is missing;
//   2. Node 24 (code-server's postinstall refuses other majors) from the npm package
//      `node-linux-<arch>`, into .tools/node24;
//   3. code-server, built with Node 24 first on PATH and npm_config_nodedir pointing at Node 24's
//      headers, into .tools/code-server.
// Each step says what it does and how long it took; a step whose result is already there (checked by
// version) is skipped. Exit 1 with the reason when a step fails. See /work/shared/E2E-NOTES.md.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE24_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const APT_PACKAGES = ['chromium', 'libkrb5-dev'];

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const toolsDir = join(root, '.tools');
const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
export const node24Package = `node-linux-${arch}`;
export const node24Dir = join(toolsDir, 'node24', 'node_modules', node24Package);
export const node24Bin = join(node24Dir, 'bin', 'node');
export const codeServerPrefix = join(toolsDir, 'code-server');
export const codeServerDir = join(codeServerPrefix, 'node_modules', 'code-server');
export const serverMain = join(codeServerDir, 'lib', 'vscode', 'out', 'server-main.js');
// Written after a complete install (postinstall included): a half-finished install is redone.
const codeServerMarker = join(codeServerPrefix, '.installed');
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw new Error(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

function output(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function step(title, check, install) {
  const started = Date.now();
  const present = check();
  if (present) {
    console.log(`▶ [setup] ${title}: already there (${present}), skipped — ${seconds(Date.now() - started)}`);
    return;
  }
  console.log(`▶ [setup] ${title}: installing…`);
  install();
  const after = check();
  if (!after) throw new Error(`${title}: still missing after the install`);
  console.log(`✔ [setup] ${title}: ${after} — ${seconds(Date.now() - started)}`);
}

function aptStatus() {
  const missing = APT_PACKAGES.filter((name) => output('dpkg-query', ['-W', '-f=${db:Status-Status}', name]) !== 'installed');
  if (missing.length || !existsSync(chromiumPath)) return { missing: missing.length ? missing : ['chromium'] };
  const version = output(chromiumPath, ['--version']) ?? 'chromium';
  return { present: `${version.replace(/\s+/g, ' ')}, libkrb5-dev` };
}

function installApt(missing) {
  if (process.getuid?.() !== 0) {
    throw new Error(`apt packages missing (${missing.join(', ')}) and this is not root: run \`sudo apt-get update && sudo apt-get install -y ${APT_PACKAGES.join(' ')}\` once, then again \`npm run setup:vscode\``);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let t = Date.now();
  console.log('  apt-get update');
  run('apt-get', ['update', '-q'], { env });
  console.log(`  apt-get update done — ${seconds(Date.now() - t)}`);
  t = Date.now();
  console.log(`  apt-get install -y ${APT_PACKAGES.join(' ')}`);
  run('apt-get', ['install', '-y', '-q', ...APT_PACKAGES], { env });
  console.log(`  apt-get install done — ${seconds(Date.now() - t)}`);
}

function node24Status() {
  if (!existsSync(node24Bin)) return undefined;
  const version = output(node24Bin, ['--version']);
  return version === `v${NODE24_VERSION}` ? `node ${version} at ${node24Bin}` : undefined;
}

function codeServerStatus() {
  if (!existsSync(codeServerMarker) || !existsSync(serverMain)) return undefined;
  const marker = readFileSync(codeServerMarker, 'utf8').trim();
  let version;
  try {
    version = JSON.parse(readFileSync(join(codeServerDir, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
  return version === CODE_SERVER_VERSION && marker === `${CODE_SERVER_VERSION} node v${NODE24_VERSION}` ? `code-server ${version} (built with node v${NODE24_VERSION})` : undefined;
}

/** npm's own CLI, run by Node 24 (npm is pure JavaScript; Node 24 from the npm package has none). */
function npmCli() {
  const candidates = [process.env.npm_execpath, join(process.execPath, '..', '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js')];
  return candidates.find((p) => p && p.endsWith('.js') && existsSync(p));
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * One setup at a time per checkout (two at once would remove each other's half-installed
 * code-server): a lock file holding the pid, taken over when that process is gone, waited for
 * (bounded) while it lives.
 */
function withLock(body) {
  const lock = join(toolsDir, '.setup.lock');
  const deadline = Date.now() + 15 * 60_000;
  let announced = false;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    let holder = 0;
    let age = 0;
    try {
      holder = Number(readFileSync(lock, 'utf8').trim());
      age = Date.now() - statSync(lock).mtimeMs;
    } catch {
      continue; // released meanwhile
    }
    if ((holder && !alive(holder)) || (!holder && age > 5_000)) {
      console.log(`▶ [setup] removing a stale lock (${holder ? `pid ${holder} is gone` : 'empty'})`);
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another setup (pid ${holder}) still holds ${lock} after 15 minutes`);
    if (!announced) console.log(`▶ [setup] another setup (pid ${holder}) is installing; waiting for it…`);
    announced = true;
    sleepSync(500);
  }
  try {
    return body();
  } finally {
    rmSync(lock, { force: true });
  }
}

export function setup() {
  if (process.platform !== 'linux' || !arch) throw new Error(`setup:vscode supports Linux x64 and arm64, not ${process.platform} ${process.arch}`);
  mkdirSync(toolsDir, { recursive: true });
  withLock(setupSteps);
}

function setupSteps() {
  const started = Date.now();

  step(`Debian packages (${APT_PACKAGES.join(', ')})`, () => aptStatus().present, () => installApt(aptStatus().missing));

  step(`Node ${NODE24_VERSION} (npm package ${node24Package}) in .tools/node24`, node24Status, () => {
    rmSync(join(toolsDir, 'node24'), { recursive: true, force: true });
    mkdirSync(join(toolsDir, 'node24'), { recursive: true });
    run('npm', ['install', '--prefix', join(toolsDir, 'node24'), '--no-audit', '--no-fund', '--save-exact', `${node24Package}@${NODE24_VERSION}`], { cwd: join(toolsDir, 'node24') });
    if ((statSync(node24Bin).mode & 0o111) === 0) chmodSync(node24Bin, 0o755);
  });

  step(`code-server ${CODE_SERVER_VERSION} in .tools/code-server`, codeServerStatus, () => {
    rmSync(codeServerPrefix, { recursive: true, force: true });
    mkdirSync(codeServerPrefix, { recursive: true });
    // Its install scripts (code-server's postinstall builds lib/vscode; argon2's native module) are
    // allowed by name, as this repository's own package.json does for esbuild.
    writeFileSync(
      join(codeServerPrefix, 'package.json'),
      `${JSON.stringify({ name: 'vscode-test-tools', private: true, description: 'code-server for npm run test:vscode (scripts/vscode/setup.mjs)', allowScripts: { 'code-server': true, argon2: true } }, null, 2)}\n`,
    );
    // Node 24 first on PATH: code-server's postinstall checks the major; its native modules are
    // built against Node 24's headers (npm's user config may name other ones in `nodedir`).
    // Under `npm run`, the outer npm's settings arrive as npm_config_* variables, and its
    // user agent ("node/v20") would win over the inner npm's: code-server's postinstall reads the
    // Node major from it. The inner npm gets none of them.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_(config|package|lifecycle)_/i.test(key) && key !== 'npm_execpath' && key !== 'npm_node_execpath' && key !== 'NODE'));
    const env = {
      ...inherited,
      PATH: `${join(node24Dir, 'bin')}:${process.env.PATH ?? ''}`,
      npm_config_nodedir: node24Dir,
      npm_config_update_notifier: 'false',
      JOBS: process.env.JOBS ?? 'max', // node-gyp: compile each native module on every core
    };
    const cli = npmCli();
    const args = ['install', '--prefix', codeServerPrefix, '--no-audit', '--no-fund', '--save-exact', `code-server@${CODE_SERVER_VERSION}`];
    console.log('  (prebuild-install "ENOTFOUND github.com" lines are harmless: the native modules compile instead)');
    if (cli) run(node24Bin, [cli, ...args], { cwd: codeServerPrefix, env });
    else run('npm', args, { cwd: codeServerPrefix, env });
    if (!existsSync(serverMain)) throw new Error(`code-server installed but ${serverMain} is missing`);
    writeFileSync(codeServerMarker, `${CODE_SERVER_VERSION} node v${NODE24_VERSION}\n`);
  });

  console.log(`✔ [setup] VS Code test tools ready in ${seconds(Date.now() - started)}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    setup();
  } catch (error) {
    console.error(`✖ [setup] ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
