#!/usr/bin/env node
// `npm run bench`: builds, then runs every benchmark in turn, each to its end even when one before
// it missed a target (a `&&` chain stopped at the first, and the stage-file benchmark's one-stage
// memory target is out of any Node process's reach). Exits 1 when any benchmark failed a target
// or broke. `--no-fail` is passed on to each (report failed targets, exit 0); run one benchmark
// with its own options as `node dist/bench/<name>.js --sizes=… --servers=…` after the build.
import { build, step } from './lib/steps.mjs';

const BENCHES = ['lsp-bench', 'blueprint-bench', 'blueprint-corpus', 'list-bench', 'reference-bench', 'sync-bench'];
const passOn = process.argv.slice(2).filter((a) => a === '--no-fail');

build();
const failed = [];
for (const name of BENCHES) {
  const status = step(`Benchmark ${name}`, process.execPath, [`dist/bench/${name}.js`, ...passOn], { allowFailure: true });
  if (status !== 0) failed.push(`${name} (exit ${status})`);
}
const ok = passOn.length ? '\n✔ Every benchmark ran (--no-fail: each report above says which targets it missed)' : '\n✔ Every benchmark met its targets';
console.log(failed.length ? `\n✖ ${failed.join(', ')}` : ok);
process.exit(failed.length ? 1 : 0);
