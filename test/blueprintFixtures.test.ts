// The blueprint benchmark's generated files (bench/lib/blueprintFixtures.ts) are blueprints as
// authentik's loader reads them: YAML with its tags, N entries with unique ids, `!KeyOf` naming
// only earlier entries, models and fields authentik's blueprint schema knows, and the email stage
// the benchmark edits where the benchmark looks for it. The benchmark itself is not a test (npm run bench).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isPlainObject, parseStageDocument, TaggedValue } from '@authentik-stages/engine';
import { valueRange } from '../bench/lib/benchFile';
import { blueprintFile } from '../bench/lib/blueprintFixtures';
import { blueprintInputs } from '../bench/lib/servers';
import { repoRoot } from './support/paths';

interface Entry {
  model: string;
  id: string;
  identifiers: Record<string, unknown>;
  attrs: Record<string, unknown>;
  state?: string;
  conditions?: unknown[];
}

const cache = new Map<number, ReturnType<typeof parse>>();
function parsed(entries: number): ReturnType<typeof parse> {
  if (!cache.has(entries)) cache.set(entries, parse(entries));
  return cache.get(entries)!;
}

function parse(entries: number) {
  const file = blueprintFile(entries);
  const doc = parseStageDocument(file.text, 'yaml');
  assert.deepEqual(doc.syntaxErrors, []);
  assert.ok(isPlainObject(doc.value));
  return { file, doc, value: doc.value, entries: doc.value.entries as Entry[] };
}

/** Every tagged value under `value`, depth first. */
function tagsIn(value: unknown): TaggedValue[] {
  if (value instanceof TaggedValue) return [value, ...tagsIn(value.value)];
  if (Array.isArray(value)) return value.flatMap(tagsIn);
  if (isPlainObject(value)) return Object.values(value).flatMap(tagsIn);
  return [];
}

describe('blueprint benchmark fixtures', () => {
  for (const size of [20, 2000]) {
    it(`a ${size}-entry blueprint parses with its tags into version, metadata, context and ${size} entries with unique ids`, () => {
      const { value, entries } = parsed(size);
      assert.equal(value.version, 1);
      assert.ok(isPlainObject(value.metadata) && typeof value.metadata.name === 'string');
      assert.deepEqual({ ...(value.context as object) }, { bench_enabled: true });
      assert.equal(entries.length, size);
      const ids = entries.map((e) => e.id);
      assert.ok(ids.every((id) => typeof id === 'string' && id.length > 0));
      assert.equal(new Set(ids).size, size, 'ids are unique');
      const names = entries.map((e) => JSON.stringify(e.identifiers));
      assert.equal(new Set(names).size, size, 'identifiers are unique');
    });
  }

  it('uses the shapes of real blueprints, and every !KeyOf names an earlier entry', () => {
    const { entries } = parsed(2000);
    const models = new Set(entries.map((e) => e.model));
    for (const model of ['authentik_flows.flow', 'authentik_flows.flowstagebinding', 'authentik_stages_prompt.prompt', 'authentik_policies_expression.expressionpolicy', 'authentik_stages_email.emailstage']) {
      assert.ok(models.has(model), model);
    }
    assert.ok(entries.some((e) => e.state === 'created') && entries.some((e) => Array.isArray(e.conditions)));
    const seen = new Set<string>();
    const tagNames = new Set<string>();
    for (const [index, entry] of entries.entries()) {
      for (const tag of tagsIn([entry.identifiers, entry.attrs, entry.conditions])) {
        tagNames.add(tag.tag);
        if (tag.tag === '!KeyOf') assert.ok(seen.has(tag.value as string), `entry ${index}: !KeyOf ${String(tag.value)} names no earlier entry`);
      }
      seen.add(entry.id);
    }
    assert.deepEqual([...tagNames].sort(), ['!Context', '!Find', '!KeyOf']);
  });

  it("names only models and fields of authentik's blueprint schema (what yaml-language-server is given)", () => {
    const inputs = blueprintInputs(repoRoot);
    const [schemaUrl] = Object.keys(inputs.yamlSchemas);
    assert.equal(inputs.yamlCustomTags.length, 16);
    const schema = JSON.parse(readFileSync(fileURLToPath(schemaUrl!), 'utf8')) as { $defs: Record<string, { properties?: Record<string, unknown> }> };
    for (const entry of parsed(20).entries) {
      const fields = schema.$defs[`model_${entry.model}`]?.properties;
      assert.ok(fields, `${entry.model} is not in the schema`);
      for (const key of [...Object.keys(entry.identifiers), ...Object.keys(entry.attrs)]) assert.ok(key in fields, `${entry.model}: ${key}`);
    }
  });

  it('points the benchmark at the port of an email stage entry in the middle of the file', () => {
    const { file, doc, entries } = parsed(2000);
    const index = entries.findIndex((e) => e.id === file.probeId);
    assert.ok(index > 500 && index < 1500, `probe entry at ${index}`);
    assert.equal(entries[index]!.model, 'authentik_stages_email.emailstage');
    const port = valueRange(file.text, file.probeStart, 'port', file.probeIndent);
    const location = doc.locations.get(`/entries/${index}/attrs/port`);
    assert.ok(location);
    assert.equal(file.text.slice(location.value.start, location.value.end), port.value);
    assert.equal(file.text.slice(0, location.value.start).split('\n').length - 1, port.line);
  });

  it('refuses a size too small to hold the email stage', () => {
    assert.throws(() => blueprintFile(6), /at least 7/);
    assert.doesNotThrow(() => blueprintFile(7));
  });
});
