#!/usr/bin/env node
// The one command that runs every test: installs dependencies when they are missing or stale,
// builds, type-checks, then runs the unit and integration tests with Node's test runner.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const started = Date.now();

function step(title, command, args) {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

function stale() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  return !existsSync(marker) || statSync(join(root, 'package-lock.json')).mtimeMs > statSync(marker).mtimeMs;
}

function testFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...testFiles(path));
    else if (name.endsWith('.test.js')) out.push(relative(root, path));
  }
  return out.sort();
}

if (stale()) step('Installing dependencies (npm ci)', 'npm', ['ci', '--no-audit', '--no-fund']);
else console.log('▶ Dependencies are installed and match package-lock.json');
step('Building the client, server, command line and tests (esbuild)', process.execPath, ['scripts/build.mjs']);
step('Type-checking (tsc --noEmit, strict)', process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.', '--noEmit']);
const files = testFiles(join(root, 'dist', 'test'));
const only = process.argv.slice(2);
step(`Running ${only.length ? only.join(' ') : `${files.length} test files`} (node --test)`, process.execPath, ['--test', '--test-reporter=spec', ...(only.length ? only : files)]);
console.log(`\n✔ All tests passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
