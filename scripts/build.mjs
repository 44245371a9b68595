#!/usr/bin/env node
// Bundles every entry point with esbuild: the extension client, the language server, the
// command-line tool, the schema generator, the tests and the benchmarks. One bundle per entry
// keeps start-up to a single file read; tests are bundled too so they run on plain `node --test`.
import { build } from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { layeringPlugin } from './lib/layering.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const only = [...args].find((a) => a.startsWith('--only='))?.slice('--only='.length);

function filesUnder(dir, suffix, recursive = true) {
  const out = [];
  let entries;
  try {
    entries = readdirSync(join(root, dir));
  } catch {
    return out;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) {
      if (recursive) out.push(...filesUnder(path, suffix));
    } else if (name.endsWith(suffix)) out.push(path);
  }
  return out;
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  // The engine is imported through its entry only; the build fails on a deeper import.
  plugins: [layeringPlugin(root)],
};

const groups = {
  // The extension ships these three; their dependencies are bundled in.
  extension: [
    { entryPoints: { client: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
    { entryPoints: { server: 'server/src/main.ts' }, outdir: 'dist' },
    { entryPoints: { cli: 'client/src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  ],
  tools: [
    { entryPoints: { 'tools/generate-schemas': 'scripts/generate-schemas.ts', 'tools/demo-lsp': 'scripts/demo-lsp.ts', 'tools/demo-sync': 'scripts/demo-sync.ts' }, outdir: 'dist', packages: 'external' },
    // The no-op language server the benchmark and the LSP client's tests measure against.
    { entryPoints: { 'tools/floor-server': 'tools/lsp-client/floor-server.ts' }, outdir: 'dist', packages: 'external' },
  ],
  // The local authentik-compatible API for tests, demos and benchmarks (npm run sandbox).
  sandbox: [{ entryPoints: { sandbox: 'tools/sandbox/main.ts' }, outdir: 'dist', packages: 'external' }],
  // Tests and benchmarks keep node_modules external: they are never shipped.
  tests: [
    {
      entryPoints: Object.fromEntries(filesUnder('test', '.test.ts').filter((f) => !/^test[\\/]vscode[\\/]/.test(f)).map((f) => [f.replace(/\.ts$/, ''), f])),
      outdir: 'dist',
      packages: 'external',
    },
  ],
  bench: [{ entryPoints: Object.fromEntries(filesUnder('bench', '.ts', false).map((f) => [f.replace(/\.ts$/, ''), f])), outdir: 'dist', packages: 'external' }],
  // Tests inside a real VS Code (npm run test:vscode): test/vscode/ runs in the extension host, not on node --test.
  'vscode-tests': [
    {
      entryPoints: {
        runTests: 'test/vscode/runTests.ts',
        screenshots: 'test/vscode/screenshots.ts',
        'suite/index': 'test/vscode/suite/index.ts',
        ...Object.fromEntries(filesUnder('test/vscode/suite', '.test.ts', false).map((f) => [`suite/${f.slice('test/vscode/suite/'.length, -'.ts'.length)}`, f])),
      },
      outdir: 'dist/vscode-tests',
      packages: 'external',
      external: ['vscode', 'mocha'],
    },
    // @vscode/test-electron's runTests spawns this as "the VS Code executable": it drives code-server.
    { entryPoints: { launcher: 'test/vscode/launcher.ts' }, outdir: 'dist/vscode-tests', packages: 'external', banner: { js: '#!/usr/bin/env node' } },
  ],
};

const selected = only ? { [only]: groups[only] } : groups;
const started = Date.now();
for (const [name, configs] of Object.entries(selected)) {
  if (!configs) throw new Error(`unknown build group ${name}`);
  for (const config of configs) {
    // An entry whose source does not exist yet (a feature in progress) is skipped, not fatal.
    const entryPoints = Object.fromEntries(Object.entries(config.entryPoints).filter(([, file]) => existsSync(join(root, file))));
    if (Object.keys(entryPoints).length === 0) continue;
    await build({ ...common, ...config, entryPoints });
  }
}
console.error(`build: ${Object.keys(selected).join(', ')} bundled in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
