// The import rule of the repository, enforced by every build (esbuild plugin):
// - server/engine/ (the engine) is imported from outside only through its entry, server/engine/index.ts
//   (`@authentik-stages/engine`), and itself imports nothing of the language server, the client or the tools;
// - server/src/ (the language server) is imported from outside only through server/src/protocol.ts
//   (`@authentik-stages/protocol`: the typed requests, shared with the extension);
// - tools/ (the sandbox, the LSP test client) imports nothing of the product, so it stays its own implementation.
// Tests (test/) may import any module they test.
import { isAbsolute, relative, resolve, sep } from 'node:path';

const ENTRIES = new Set(['server/engine/index', 'server/src/protocol']);
/** The aliases of the entries (tsconfig.json `paths`). */
const ALIASES = { '@authentik-stages/engine': 'server/engine/index', '@authentik-stages/protocol': 'server/src/protocol' };

/** The repo-relative module path without extension, or undefined outside the repo or in node_modules. */
function modulePath(root, file) {
  const path = relative(root, file).split(sep).join('/');
  if (path.startsWith('..') || isAbsolute(path) || path.includes('node_modules/')) return undefined;
  return path.replace(/\.(ts|mjs|js|json)$/, '');
}

function area(path) {
  if (path.startsWith('server/engine/')) return 'engine';
  if (path.startsWith('server/src/')) return 'language server';
  if (path.startsWith('tools/')) return 'tools';
  if (path.startsWith('test/')) return 'tests';
  return 'product';
}

/** Why importing `target` from `importer` breaks the rule, or undefined when it does not. */
export function layeringViolation(importer, target) {
  const from = area(importer);
  const to = area(target);
  // package.json's version is everyone's (esbuild inlines the one field imported).
  if (from === 'tests' || from === to || target === 'package') return undefined;
  if (from === 'tools') return `${importer} (a tool) imports ${target}: tools stay independent of the product`;
  if (from === 'engine') return `${importer} (the engine) imports ${target}: the engine depends on nothing of the language server, the client or the tools`;
  if ((to === 'engine' || to === 'language server') && !ENTRIES.has(target)) {
    const entry = to === 'engine' ? "'@authentik-stages/engine'" : "'@authentik-stages/protocol'";
    return `${importer} imports ${target}, inside the ${to}: import ${entry} instead (what it does not export is private)`;
  }
  if (to === 'tests' && from !== 'tests') return `${importer} imports ${target}: nothing but tests imports test/`;
  return undefined;
}

export function layeringPlugin(root) {
  return {
    name: 'layering',
    setup(build) {
      // Only relative imports and the aliases reach into the tree; the target is judged by its path,
      // so no second resolution is needed.
      build.onResolve({ filter: /^(\.\.?(\/|$)|@authentik-stages\/)/ }, (args) => {
        if (!args.importer || args.importer.includes(`${sep}node_modules${sep}`)) return undefined;
        const importer = modulePath(root, args.importer);
        let target = ALIASES[args.path] ?? modulePath(root, resolve(args.resolveDir, args.path));
        if (target === 'server/engine') target = 'server/engine/index';
        const why = importer && target ? layeringViolation(importer, target) : undefined;
        return why ? { errors: [{ text: why }] } : undefined;
      });
    },
  };
}
