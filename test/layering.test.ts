/** The repository's import rule: the engine through its one entry, the language server through its protocol, tools on their own. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { repoRoot } from './support/paths';

// The rule lives in the build script (an ES module); the build itself applies it.
let rule: typeof import('../scripts/lib/layering.mjs', { with: { 'resolution-mode': 'import' } });
before(async () => {
  rule = await import('../scripts/lib/layering.mjs');
});

/** Bundles one line of source as if it were the file `at` (repo-relative); resolves with the build errors. */
async function buildAs(at: string, source: string): Promise<string[]> {
  try {
    await build({
      stdin: { contents: source, resolveDir: join(repoRoot, at, '..'), sourcefile: join(repoRoot, at), loader: 'ts' },
      bundle: true,
      write: false,
      platform: 'node',
      packages: 'external',
      absWorkingDir: repoRoot,
      plugins: [rule.layeringPlugin(repoRoot)],
      logLevel: 'silent',
    });
    return [];
  } catch (error) {
    return (error as { errors: Array<{ text: string }> }).errors.map((e) => e.text);
  }
}

describe('the import rule', () => {
  it('refuses a deep import of the engine from the client, the command line or the sync engine', async () => {
    for (const at of ['client/src/extension.ts', 'client/src/cli/probe.ts', 'client/src/sync/probe.ts']) {
      const errors = await buildAs(at, "import { SchemaCatalog } from '../../../server/engine/schema/catalog'; console.log(SchemaCatalog);".replace('../../../', at.split('/').length === 3 ? '../../' : '../../../'));
      assert.equal(errors.length, 1, `${at}: ${errors.join('; ')}`);
      assert.match(errors[0]!, /inside the engine: import '@authentik-stages\/engine' instead/);
    }
  });

  it('lets everyone import the entries', async () => {
    assert.deepEqual(await buildAs('client/src/sync/probe.ts', "import { SchemaCatalog } from '@authentik-stages/engine'; console.log(SchemaCatalog);"), []);
    assert.deepEqual(await buildAs('client/src/probe.ts', "import { SetSchemaRequest } from '@authentik-stages/protocol'; console.log(SetSchemaRequest);"), []);
  });

  it('refuses the language server’s insides, engine imports of the product, and tools that lean on the product', async () => {
    assert.match((await buildAs('client/src/probe.ts', "import { startServer } from '../../server/src/server'; console.log(startServer);"))[0] ?? '', /inside the language server: import '@authentik-stages\/protocol'/);
    assert.match((await buildAs('server/engine/probe.ts', "import { AuthentikClient } from '../../client/src/api/authentikClient'; console.log(AuthentikClient);"))[0] ?? '', /the engine depends on nothing/);
    assert.match((await buildAs('tools/sandbox/probe.ts', "import { SchemaCatalog } from '@authentik-stages/engine'; console.log(SchemaCatalog);"))[0] ?? '', /tools stay independent/);
  });

  it('judges paths alike whatever the spelling', () => {
    assert.equal(rule.layeringViolation('test/anything', 'server/engine/validation/drf'), undefined);
    assert.equal(rule.layeringViolation('server/engine/service/hover', 'server/engine/schema/catalog'), undefined);
    assert.equal(rule.layeringViolation('bench/lsp-bench', 'server/src/protocol'), undefined);
    assert.match(rule.layeringViolation('bench/lsp-bench', 'test/support/paths') ?? '', /nothing but tests imports test\//);
  });
});
