// Shared by the README's two commands (test and demo): say what is happening, install what is
// missing, stop at the first failure with its exit code.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('../..', import.meta.url).pathname;

export function step(title, command, args, options = {}) {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env, ...options });
  if (result.status !== 0 && !options.allowFailure) {
    console.error(`✖ ${title} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
  return result.status;
}

/** `npm ci` when node_modules is missing or older than package-lock.json. */
export function ensureDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const stale = !existsSync(marker) || statSync(join(root, 'package-lock.json')).mtimeMs > statSync(marker).mtimeMs;
  if (stale) step('Installing dependencies (npm ci)', 'npm', ['ci', '--no-audit', '--no-fund']);
  else console.log('▶ Dependencies are installed and match package-lock.json');
}

export function build(extraArgs = []) {
  step('Building the client, server, command line and tests (esbuild)', process.execPath, ['scripts/build.mjs', ...extraArgs]);
}
