/**
 * A blueprint is parsed entry by entry and an edit re-parses only the entry it touched; whatever
 * the edits, the diagnostics are exactly those of the blueprint parsed whole.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseBlueprint } from '../server/engine/blueprint/blueprintDocument';
import { splitBlueprintText } from '../server/engine/blueprint/blueprintChunks';
import { entryLinks } from '../server/engine/blueprint/entryIds';
import { BlueprintParser } from '../server/engine/blueprint/incrementalBlueprint';
import { validateBlueprint } from '../server/engine/blueprint/validateBlueprint';
import { SchemaCatalog } from '../server/engine/schema/catalog';
import { corpusDir, schemaDir } from './support/paths';
import { Rng } from './support/rng';

const catalog = SchemaCatalog.fromDirectory(schemaDir);
const corpus = readdirSync(corpusDir())
  .filter((n) => n.endsWith('.yaml'))
  .map((name) => ({ name, text: readFileSync(join(corpusDir(), name), 'utf8') }));

function wholeDiagnostics(text: string): unknown {
  const bp = parseBlueprint(text);
  return bp && validateBlueprint(bp, catalog);
}

function linksOf(text: string, parser = new BlueprintParser()): unknown {
  const bp = parser.parse(text);
  if (!bp) return undefined;
  const links = entryLinks(bp);
  return { ids: links.ids.map((i) => [i.id, i.entry.index, i.span]), refs: links.references.map((r) => [r.id, r.entry.index, r.pointer, r.tagSpan, r.span]) };
}

const EDITS = ['x', '\n', ' ', '!KeyOf ', '- ', '  ', '"', ': ', '#', '&a ', '*a', '\n  - model: authentik_flows.flow\n    identifiers:\n      slug: new\n', '---\n', 'entries:\n'];

describe('blueprints parsed entry by entry', () => {
  it('report broken YAML within the entry that holds it', () => {
    const text = 'version: 1\nentries:\n  - model: authentik_flows.flow\n    identifiers:\n      slug: "open\n  - model: authentik_flows.flow\n    identifiers:\n      slug: x"\n';
    const found = validateBlueprint(new BlueprintParser().parse(text)!, catalog).filter((d) => d.code === 'syntax');
    assert.ok(found.length > 0);
    assert.ok(found.every((d) => d.start <= text.indexOf('  - model', 30)), 'the error stays in the first entry');
  });

  it('split the corpus into entries where the text allows it', () => {
    const split = corpus.filter(({ text }) => splitBlueprintText(text) !== undefined);
    assert.ok(split.length >= 30, `${split.length} of ${corpus.length} split`);
    const login = corpus.find((c) => c.name === 'default__flow-default-authentication-flow.yaml')!;
    const parsed = new BlueprintParser().parse(login.text)!;
    assert.equal(parsed.parts?.length, parseBlueprint(login.text)!.entries.length);
  });

  it('give the corpus exactly the diagnostics and links of the whole parse', () => {
    for (const { name, text } of corpus) {
      const bp = new BlueprintParser().parse(text);
      assert.deepEqual(bp && validateBlueprint(bp, catalog), wholeDiagnostics(text), name);
      const whole = parseBlueprint(text)!;
      const wholeLinks = entryLinks(whole);
      assert.deepEqual(linksOf(text), { ids: wholeLinks.ids.map((i) => [i.id, i.entry.index, i.span]), refs: wholeLinks.references.map((r) => [r.id, r.entry.index, r.pointer, r.tagSpan, r.span]) }, name);
    }
  });

  it('keep every untouched entry across an edit, wherever it moved', () => {
    const { text } = corpus.find((c) => c.name === 'default__flow-default-user-settings-flow.yaml')!;
    const parser = new BlueprintParser();
    const before = parser.parse(text)!;
    const at = text.indexOf('  - ', text.indexOf('entries:')) + 2;
    const edited = `${text.slice(0, at)}${text.slice(at)}`.replace('  - attrs:', '  - state: present\n    attrs:');
    const after = parser.parse(edited)!;
    const reused = after.parts!.filter((part, i) => part.entry === before.parts![i]!.entry).length;
    assert.equal(reused, before.parts!.length - 1, 'one entry parsed again');
    assert.ok(after.parts![1]!.start > before.parts![1]!.start, 'the entries after it moved');
  });

  it('after random edits, one parser through them all agrees with a fresh whole parse', () => {
    const seed = Number(process.env['BLUEPRINT_EDIT_SEED'] ?? (process.env['CI'] ? 20261201 : Date.now() % 1e9));
    const rng = new Rng(seed);
    for (const { name, text: original } of corpus) {
      const parser = new BlueprintParser();
      let text = original;
      for (let step = 0; step < 12; step++) {
        const at = rng.int(text.length + 1);
        const cut = rng.chance(0.3) ? rng.int(12) : 0;
        text = `${text.slice(0, at)}${rng.chance(0.8) ? rng.pick(EDITS) : ''}${text.slice(at + cut)}`;
        const bp = parser.parse(text);
        const found = bp && validateBlueprint(bp, catalog);
        const whole = wholeDiagnostics(text);
        const where = `${name}, step ${step}, seed ${seed} (BLUEPRINT_EDIT_SEED replays it)`;
        // Broken YAML (an unclosed quote runs on into the next entries) is reported within its
        // entry here: then both must say the text is broken, not the same thing.
        if (Array.isArray(whole) && whole.some((d) => d.code === 'syntax')) assert.ok(found?.some((d) => d.code === 'syntax'), where);
        else assert.deepEqual(found, whole, where);
      }
    }
  });
});
