/**
 * The extension host validates nothing: its bundle carries no JSON Schema validator and none of
 * the engine's validation (pushes ask the language server). Measured on what esbuild actually
 * puts into the bundle, not on file names.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { build, type Metafile } from 'esbuild';
import { repoRoot } from './support/paths';

describe('the extension bundle', () => {
  let contributing: Map<string, number>;
  before(async () => {
    const { layeringPlugin } = await import('../scripts/lib/layering.mjs');
    const result = await build({
      entryPoints: ['client/src/extension.ts'],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'cjs',
      external: ['vscode'],
      absWorkingDir: repoRoot,
      plugins: [layeringPlugin(repoRoot)],
      logLevel: 'silent',
    });
    const output = Object.values((result.metafile as Metafile).outputs)[0]!;
    contributing = new Map(Object.entries(output.inputs).filter(([, input]) => input.bytesInOutput > 0).map(([path, input]) => [path, input.bytesInOutput]));
  });

  it('holds no ajv, no validator, no language server', () => {
    const offending = [...contributing.keys()].filter((path) => /node_modules\/ajv\/|server\/engine\/validation\/(validateStage|schemaValidator|serverRules)\.ts$|server\/engine\/service\/stageFile\.ts$|node_modules\/vscode-languageserver\//.test(path));
    assert.deepEqual(offending, []);
  });

  it('is the client: it does hold the language client and the sync engine', () => {
    assert.ok([...contributing.keys()].some((path) => path.includes('node_modules/vscode-languageclient/')));
    assert.ok(contributing.has('client/src/sync/push.ts'));
  });
});
