/** The extension manifest and the TextMate grammars, as VS Code would load them. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar } from 'vscode-textmate';
import { repoRoot } from './support/paths';

interface Manifest {
  main: string;
  icon: string;
  repository: { type: string; url: string };
  bugs: { url: string };
  homepage: string;
  bin: Record<string, string>;
  activationEvents: string[];
  engines: { vscode: string };
  contributes: {
    languages: Array<{ id: string; filenamePatterns: string[]; configuration: string }>;
    grammars: Array<{ language: string; scopeName: string; path: string }>;
    configuration: { properties: Record<string, { description?: string; markdownDescription?: string }> };
  };
}

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;

describe('extension manifest', () => {
  it('declares stage languages for *.stage.yaml, *.stage.yml and *.stage.json, and activates on them', () => {
    const patterns = manifest.contributes.languages.flatMap((l) => l.filenamePatterns).sort();
    assert.deepEqual(patterns, ['*.stage.json', '*.stage.yaml', '*.stage.yml']);
    for (const language of manifest.contributes.languages) {
      assert.ok(manifest.activationEvents.includes(`onLanguage:${language.id}`), language.id);
      assert.ok(existsSync(join(repoRoot, language.configuration)), language.configuration);
      JSON.parse(readFileSync(join(repoRoot, language.configuration), 'utf8'));
    }
  });

  it('activates on any YAML file, so that a blueprint under its own name gets the language server', () => {
    assert.ok(manifest.activationEvents.includes('onLanguage:yaml'), manifest.activationEvents.join(', '));
  });

  it('points at grammars that exist, one per language', () => {
    for (const grammar of manifest.contributes.grammars) {
      assert.ok(manifest.contributes.languages.some((l) => l.id === grammar.language));
      const raw = JSON.parse(readFileSync(join(repoRoot, grammar.path), 'utf8')) as { scopeName: string };
      assert.equal(raw.scopeName, grammar.scopeName);
    }
  });

  it('describes every setting', () => {
    for (const [name, setting] of Object.entries(manifest.contributes.configuration.properties)) {
      assert.ok(setting.description ?? setting.markdownDescription, `${name} has no description`);
    }
  });

  it('is ready for the Marketplace: a 128×128 PNG icon that ships, repository, bugs and homepage', () => {
    const png = readFileSync(join(repoRoot, manifest.icon));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    // IHDR: width and height, big-endian, right after the chunk type at offset 12.
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
    const shipped = readFileSync(join(repoRoot, '.vscodeignore'), 'utf8').split('\n');
    assert.ok(shipped.includes(`!${manifest.icon}`), '.vscodeignore keeps the icon in the .vsix');
    for (const url of [manifest.repository.url, manifest.bugs.url, manifest.homepage]) assert.doesNotThrow(() => new URL(url), url);
  });

  it('the welcome view asks nothing of the user that the .vsix does not ship (no repository scripts)', () => {
    const welcome = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { contributes: { viewsWelcome: Array<{ contents: string }> } }).contributes.viewsWelcome;
    assert.ok(welcome.length > 0);
    for (const view of welcome) assert.doesNotMatch(view.contents, /npm run|sandbox/);
  });

  it('ships the bundles it names', () => {
    assert.ok(existsSync(join(repoRoot, manifest.main)), manifest.main);
    assert.ok(existsSync(join(repoRoot, manifest.bin['authentik-stages']!)));
    assert.ok(readFileSync(join(repoRoot, 'dist', 'server.js'), 'utf8').length > 0);
    assert.doesNotMatch(readFileSync(join(repoRoot, 'dist', 'server.js'), 'utf8'), /require\("vscode"\)/, 'the server bundle must not need vscode');
  });
});

describe('TextMate grammars', () => {
  let yaml: IGrammar;
  let json: IGrammar;
  before(async () => {
    const wasm = readFileSync(join(repoRoot, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new Registry({
      onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
      loadGrammar: async (scopeName: string) => {
        const entry = manifest.contributes.grammars.find((g) => g.scopeName === scopeName);
        // Self-contained grammars: anything else asked for is a bug.
        assert.ok(entry, `grammar asked for an outside scope ${scopeName}`);
        const path = join(repoRoot, entry.path);
        return parseRawGrammar(readFileSync(path, 'utf8'), path);
      },
    });
    yaml = (await registry.loadGrammar('source.authentik-stage.yaml'))!;
    json = (await registry.loadGrammar('source.authentik-stage.json'))!;
  });

  function scopesOf(grammar: IGrammar, text: string): Map<string, string> {
    const scopes = new Map<string, string>();
    let state = INITIAL;
    for (const line of text.split('\n')) {
      const result = grammar.tokenizeLine(line, state);
      for (const token of result.tokens) {
        const piece = line.slice(token.startIndex, token.endIndex).trim();
        if (piece && !scopes.has(piece)) scopes.set(piece, token.scopes.join(' '));
      }
      state = result.ruleStack;
    }
    return scopes;
  }

  it('YAML: keys, the model, authentik tags, durations, comments, block scalars', () => {
    const scopes = scopesOf(yaml, '# a comment\nmodel: authentik_stages_email.emailstage\nname: recovery\npassword: !Env SMTP_PASSWORD\ntoken_expiry: hours=1;minutes=30\nsub_text: |\n  looks_like: a key\n---\nport: 25\n');
    assert.match(scopes.get('a comment')!, /comment/);
    assert.match(scopes.get('model')!, /entity\.name\.tag/);
    assert.match(scopes.get('authentik_stages_email.emailstage')!, /entity\.name\.type\.model\.authentik/);
    assert.match(scopes.get('Env')!, /tag\.authentik/);
    assert.match(scopes.get('hours=1;minutes=30')!, /constant\.other\.duration\.authentik/);
    assert.doesNotMatch(scopes.get('looks_like: a key')!, /entity\.name\.tag/);
    assert.match(scopes.get('25')!, /numeric/);
  });

  it('JSON: keys and the model value', () => {
    const scopes = scopesOf(json, '{\n  "model": "authentik_stages_deny.denystage",\n  "name": "x",\n  "order": 3\n}');
    assert.match(scopes.get('authentik_stages_deny.denystage')!, /entity\.name\.type\.model\.authentik/);
    assert.match(scopes.get('3')!, /numeric/);
  });
});
