#!/usr/bin/env node
// The one command that runs every test: installs dependencies when they are missing or stale,
// builds, type-checks, then runs the unit and integration tests with Node's test runner.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, ensureDependencies, root, step } from './lib/steps.mjs';

const started = Date.now();

function testFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...testFiles(path));
    else if (name.endsWith('.test.js')) out.push(relative(root, path));
  }
  return out.sort();
}

ensureDependencies();
build();
step('Type-checking (tsc --noEmit, strict)', process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.', '--noEmit']);
const only = process.argv.slice(2);
const files = only.length ? only : testFiles(join(root, 'dist', 'test'));
step(`Running ${only.length ? only.join(' ') : `${files.length} test files`} (node --test)`, process.execPath, ['--test', '--test-reporter=spec', ...files]);
console.log(`\n✔ All tests passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
