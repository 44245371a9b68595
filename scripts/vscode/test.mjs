#!/usr/bin/env node
// npm run test:vscode  — the extension's tests inside a real VS Code (code-server, headless
//                        Chromium), then the screenshots of the packaged extension;
// npm run screenshots  — the screenshots only (--screenshots).
// Each step says what it does and how long it took: dependencies (npm ci when stale), the tools
// (setup.mjs: apt packages, Node 24, code-server; skipped when there), the .vsix (npm run package,
// only when a source is newer than it), the build, then dist/vscode-tests/runTests.js (or
// screenshots.js), whose exit code is this script's. Other arguments go to runTests.js
// (--no-screenshots). --update-readme-images: after a passing screenshot run, copy the README's
// screenshots to images/screenshots/ (scripts/vscode/copy-screenshots.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDependencies, root } from '../lib/steps.mjs';
import { copyScreenshots } from './copy-screenshots.mjs';
import { setup } from './setup.mjs';

const args = process.argv.slice(2);
const screenshotsOnly = args.includes('--screenshots');
const updateReadmeImages = args.includes('--update-readme-images');
const withScreenshots = screenshotsOnly || !args.includes('--no-screenshots');
const vsix = join(root, 'dist', 'authentik-stages.vsix');
const started = Date.now();
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function timed(title, body) {
  const t = Date.now();
  console.log(`\n▶ ${title}`);
  const result = body();
  console.log(`  ${title}: ${seconds(Date.now() - t)}`);
  return result;
}

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`✖ ${command} ${commandArgs.join(' ')} failed (${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

/** The newest modification time among what goes into the .vsix. */
function newestSource() {
  let newest = 0;
  const visit = (path) => {
    if (!existsSync(path) || path === join(root, 'images', 'screenshots')) return; // not in the .vsix
    const stat = statSync(path);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const path of ['package.json', 'package-lock.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'client/src', 'server/src', 'schemas', 'syntaxes', 'images']) visit(join(root, path));
  return newest;
}

timed('Dependencies', () => ensureDependencies());
timed('VS Code test tools (npm run setup:vscode)', () => {
  try {
    setup();
  } catch (error) {
    console.error(`✖ [setup] ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
});
if (withScreenshots) {
  timed('The .vsix for the screenshots (dist/authentik-stages.vsix)', () => {
    if (existsSync(vsix) && statSync(vsix).mtimeMs >= newestSource()) console.log('  up to date with its sources, not rebuilt');
    else run('npm', ['run', '--silent', 'package']);
    console.log(`  ${vsix}: ${(statSync(vsix).size / 1024).toFixed(0)} KB`);
  });
}
// After packaging: `npm run package` leaves production (minified) bundles; the tests run on the
// development build, with source maps.
timed('Build (esbuild)', () => run(process.execPath, ['scripts/build.mjs']));

const entry = join(root, 'dist', 'vscode-tests', screenshotsOnly ? 'screenshots.js' : 'runTests.js');
// The runner prints the total time (from E2E_STARTED_AT) before its closing "N passed, N failed" line.
const result = spawnSync(process.execPath, [entry, ...args.filter((a) => a !== '--screenshots' && a !== '--update-readme-images')], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, E2E_STARTED_AT: String(started) },
});
if (result.status === 0 && updateReadmeImages && withScreenshots) {
  timed('README screenshots (images/screenshots/)', () => {
    try {
      copyScreenshots();
    } catch (error) {
      console.error(`✖ ${error instanceof Error ? error.message : error}`);
      process.exit(1);
    }
  });
}
process.exit(result.status ?? 1);
