#!/usr/bin/env node
// npm run screenshots:copy (or `npm run screenshots -- --update-readme-images`): copies the
// screenshots the README shows from dist/screenshots/ (written by `npm run screenshots`) to
// images/screenshots/, which is committed (and kept out of the .vsix by .vscodeignore). Each must
// be a PNG under 300 KB; a missing or oversized one stops the copy with exit code 1.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const from = join(root, 'dist', 'screenshots');
const to = join(root, 'images', 'screenshots');
export const readmeScreenshots = ['diagnostics-hover.png', 'completion.png', 'stages-tree.png', 'conflict-diff.png', 'references.png', 'tree-agreement.png', 'blueprint.png'];
const MAX_BYTES = 300 * 1024;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function copyScreenshots() {
  const problems = [];
  for (const name of readmeScreenshots) {
    const file = join(from, name);
    if (!existsSync(file)) problems.push(`${file} is missing: run \`npm run screenshots\` first`);
    else if (!readFileSync(file).subarray(0, 8).equals(PNG)) problems.push(`${file} is not a PNG`);
    else if (statSync(file).size > MAX_BYTES) problems.push(`${file} is ${(statSync(file).size / 1024).toFixed(0)} KB, over ${MAX_BYTES / 1024} KB`);
  }
  if (problems.length) throw new Error(problems.join('\n'));
  mkdirSync(to, { recursive: true });
  for (const name of readmeScreenshots) {
    copyFileSync(join(from, name), join(to, name));
    console.log(`  ${join('images', 'screenshots', name)} (${(statSync(join(to, name)).size / 1024).toFixed(0)} KB)`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    copyScreenshots();
  } catch (error) {
    console.error(`✖ ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
