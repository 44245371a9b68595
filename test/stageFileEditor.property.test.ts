/**
 * The stage-file editor against every value a server can send: random strings built from the
 * characters that mean something to YAML (newlines, quotes, `#`, `: `, `- `, tags, anchors,
 * document markers, control and invisible characters) and random values of every field type,
 * written round after round into pulled files of every stage type, YAML and JSON, then parsed:
 * the same keys, exactly the values written, every comment and the untouched document byte for byte.
 *
 * STAGE_EDITOR_SEED=<seed> replays a run; CI runs a fixed seed, developers' runs explore new ones.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileObject } from '../client/src/sync/pull';
import { comparableFields, sameValue } from '../client/src/sync/normalize';
import { deleteField, parseStageFile, renderNewDocument, serializeStageFile, setField, stageDocuments, type EditableStageFile } from '../client/src/sync/stageFileIO';
import type { StageObject } from '../client/src/api/types';
import { parseStageDocument, type SourceLanguage } from '../server/engine/document/stageDocument';
import { renderValueText } from '../server/engine/document/textEdits';
import { SchemaCatalog } from '../server/engine/schema/catalog';
import type { JsonSchema, ModelIndexEntry } from '../server/engine/schema/types';
import { schemaDir } from './support/paths';
import { Rng, runSeed } from './support/rng';

const SEED = runSeed('STAGE_EDITOR_SEED', 20261201);
const ROUNDS = Number(process.env['STAGE_EDITOR_ROUNDS'] ?? 12);

/** Pieces of adversarial strings: each means something to YAML somewhere, or to a terminal. */
const PIECES: readonly string[] = [
  '\n', '\n', '\r\n', '\r', '\n\n', ' ', '  ', '\t', '"', "'", "''", '\\', '\\n', '#', ' #', '# x', ': ', ':', 'a:', 'x:\npassword: !Env SOME_VAR',
  '- ', '-', '? ', '!', '!Env X', '!!str', '&a', '*a', '{', '}', '[', ']', ',', '%YAML 1.2', '%', '@', '`', '|', '|-', '>', '<<',
  '---', '...', '\n---\n', '\n...\n', '\n--- ', '\n...', 'true', 'False', 'null', '~', 'NULL', '0x1F', '0o17', '1e3', '-0', '.inf', '-.INF', '.nan',
  '2001-12-14', '12:30', 'yes', 'no', 'on', 'y', '1_000', '+1', '.5', '007', 'ü', 'Überprüfung', '日本語', '😀', '\u2028', '\u2029', '\u0085',
  '\ufeff', '\u00a0', '\u200b', '\u202e', '\u0000', '\u0007', '\u001b[31m', '\u007f', '\u009b', '\ufffe', '\ud800', '\udc00', 'word', 'a b',
  'authentik', 'line 1\nline 2',
];

/** Whole values that YAML would read as something other than the string. */
const WHOLE: readonly string[] = ['', ' ', 'true', 'null', '~', '-0', '1e3', '0x1F', '.inf', '.nan', '---', '...', '- a', '-', '? x', 'a: b', '#', "'", '"', '\n', 'x:\npassword: !Env SOME_VAR', 'line 1\nline 2', 'line 1\nline 2\n', '\nlead', ' lead', 'trail ', 'a\n b', 'a\n\n', 'a\n  b\n'];

function adversarialString(rng: Rng): string {
  if (rng.chance(0.2)) return rng.pick(WHOLE);
  let text = '';
  const pieces = rng.int(9);
  for (let i = 0; i < pieces; i++) text += rng.chance(0.15) ? String.fromCharCode(rng.int(0x250)) : rng.pick(PIECES);
  return text;
}

const NUMBERS: readonly number[] = [0, -0, 1, -1, 0.1, -3.25, 1.5e-7, 5e-324, 1e21, 123456.789, 2 ** 31, 2 ** 53 - 1, -(2 ** 53), Number.MAX_VALUE, Number.MAX_SAFE_INTEGER + 2];

function randomNumber(rng: Rng, integer: boolean): number {
  const value = rng.chance(0.5) ? rng.pick(NUMBERS) : (rng.next() - 0.5) * 10 ** rng.int(12);
  return integer ? Math.trunc(value) : value;
}

/** A key that can live in a parsed mapping: `__proto__` included, as a server's JSON can hold it. */
function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

function randomJson(rng: Rng, depth: number): unknown {
  const kind = rng.int(depth > 0 ? 7 : 5);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return randomNumber(rng, rng.chance(0.5));
    case 3:
    case 4:
      return adversarialString(rng);
    case 5:
      return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth - 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = rng.int(4); i > 0; i--) setOwn(object, rng.chance(0.1) ? '__proto__' : adversarialString(rng), randomJson(rng, depth - 1));
      return object;
    }
  }
}

/** A random value of the field's type, as a server could send it. */
function valueFor(rng: Rng, schema: JsonSchema | undefined): unknown {
  if (!schema) return randomJson(rng, 3);
  if (schema.enum && rng.chance(0.8)) return rng.pick(schema.enum);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const type = types.length ? rng.pick(types) : undefined;
  switch (type) {
    case 'string':
      return adversarialString(rng);
    case 'integer':
      return randomNumber(rng, true);
    case 'number':
      return randomNumber(rng, false);
    case 'boolean':
      return rng.chance(0.5);
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: rng.int(4) }, () => valueFor(rng, schema.items));
    default:
      return randomJson(rng, 3);
  }
}

function uuid(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => rng.int(16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
}

interface StageType {
  entry: ModelIndexEntry;
  schema: JsonSchema;
  fields: string[];
}

/** The file view of a random stage of the type, as pull writes it. */
function pulledObject(rng: Rng, type: StageType): Record<string, unknown> {
  const remote: StageObject = { pk: uuid(rng), name: adversarialString(rng) };
  for (const field of type.fields) if (field !== 'name') remote[field] = valueFor(rng, type.schema.properties?.[field]);
  return fileObject(remote, type.entry);
}

/** A pulled YAML document with whole-line comments between its keys, some keys empty (`key:`). */
function commentedYaml(rng: Rng, object: Record<string, unknown>, empty: ReadonlySet<string>, label: string): string {
  const lines = renderNewDocument(object, 'yaml').split('\n');
  const out = [`# ${label}: pulled from authentik, edited by hand`];
  for (const line of lines) {
    if (/^\S/.test(line) && rng.chance(0.4)) out.push(`# ${label} before ${line.slice(0, 12).replace(/[^\w -]/g, '')}`);
    const key = /^([\w-]+): null$/.exec(line)?.[1];
    out.push(key && empty.has(key) ? `${key}:` : line);
  }
  return `${out.join('\n').replace(/\n$/, '')}\n# ${label}: the end\n`;
}

interface Scenario {
  path: string;
  text: string;
  /** Which stage document of the file the rounds edit. */
  target: number;
}

function scenario(rng: Rng, type: StageType, other: StageType, language: SourceLanguage): Scenario {
  const object = pulledObject(rng, type);
  // Some fields start absent (set as new keys), some empty.
  const empty = new Set<string>();
  for (const field of type.fields) {
    if (rng.chance(0.2)) delete object[field];
    else if (rng.chance(0.15)) {
      object[field] = null;
      empty.add(field);
    }
  }
  if (language === 'json') return { path: 'stage.stage.json', text: renderNewDocument(object, 'json'), target: 0 };
  // Now and then the stage is one flow mapping, JSON written into a YAML file.
  const edited = rng.chance(0.15) ? `# edited: a flow mapping\n${renderNewDocument(object, 'json')}` : commentedYaml(rng, object, empty, 'edited');
  const documents = [edited, commentedYaml(rng, pulledObject(rng, other), new Set(), 'untouched')];
  const target = rng.int(2);
  if (target === 1) documents.reverse();
  let text = documents.join('---\n');
  if (rng.chance(0.25)) text = text.replace(/\n/g, '\r\n');
  if (rng.chance(0.25)) text = text.replace(/\r?\n$/, '');
  return { path: 'stage.stage.yaml', text, target };
}

const COMMENT_LINE = /^#.*$/gm;

function fieldSource(file: EditableStageFile, target: number, field: string): string | undefined {
  const doc = stageDocuments(file)[target]!;
  const location = doc.stage.locations.get(`/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  return location?.key ? doc.text.slice(location.key.start, location.value.end) : undefined;
}

/** One round: random sets (existing keys, new keys, empty keys) and now and then a delete. */
function round(rng: Rng, type: StageType, current: Scenario, describeRun: () => string): string {
  const file = parseStageFile(current.path, current.text);
  const doc = stageDocuments(file)[current.target]!;
  const before = doc.stage.value as Record<string, unknown>;
  const expected = new Map(Object.keys(before).map((key) => [key, before[key]]));
  const touched = new Set<string>();
  for (let i = 1 + rng.int(4); i > 0; i--) {
    const field = rng.pick(type.fields);
    touched.add(field);
    if (rng.chance(0.08) && field !== 'name') {
      deleteField(doc, field);
      expected.delete(field);
      continue;
    }
    const value = valueFor(rng, type.schema.properties?.[field]);
    setField(doc, field, value, rng.chance(0.2) ? 'model' : undefined);
    expected.set(field, value);
  }
  const sets = (): string => [...touched].map((field) => `${field} = ${expected.has(field) ? JSON.stringify(expected.get(field)) : '(deleted)'}`).join('\n');
  let text: string;
  try {
    text = serializeStageFile(file);
  } catch (error) {
    assert.fail(`${describeRun()}: ${(error as Error).message}\n--- file:\n${current.text}\n--- set:\n${sets()}`);
  }
  const context = (): string => `${describeRun()}\n--- set:\n${sets()}\n--- before:\n${current.text}\n--- after:\n${text}`;

  const reread = parseStageFile(current.path, text);
  const docs = stageDocuments(reread);
  assert.equal(docs.length, stageDocuments(file).length, `the file holds as many stages as before\n${context()}`);
  const after = docs[current.target]!.stage;
  assert.deepEqual(after.syntaxErrors, [], `the edited document parses\n${context()}`);
  const value = after.value as Record<string, unknown>;
  assert.deepEqual(Object.keys(value).sort(), [...expected.keys()].sort(), `the same keys\n${context()}`);
  for (const [key, written] of expected) assert.ok(sameValue(value[key], written), `${key} reads back as ${JSON.stringify(written)}, not ${JSON.stringify(value[key])}\n${context()}`);

  for (let i = 0; i < file.documents.length; i++) {
    if (file.documents[i] !== stageDocuments(file)[current.target]) assert.equal(reread.documents[i]?.text, file.documents[i]!.text, `document ${i + 1} is untouched\n${context()}`);
  }
  assert.deepEqual(text.match(COMMENT_LINE) ?? [], current.text.match(COMMENT_LINE) ?? [], `every comment line stays\n${context()}`);
  for (const key of expected.keys()) {
    if (!touched.has(key)) assert.equal(fieldSource(reread, current.target, key), fieldSource(file, current.target, key), `${key} keeps its text\n${context()}`);
  }
  return text;
}

describe(`stage-file editor property (seed ${SEED}; replay with STAGE_EDITOR_SEED=${SEED})`, () => {
  const catalog = SchemaCatalog.fromDirectory(schemaDir);
  const types: StageType[] = catalog.models.map((entry) => ({ entry, schema: catalog.schema(entry.model)!, fields: comparableFields(entry) }));

  it(`one-line values (quick fixes) read back exactly after a key and inside flow collections (seed ${SEED})`, () => {
    const rng = new Rng(SEED ^ 0x1234);
    for (let i = 0; i < 3000; i++) {
      const value = randomJson(rng, 2);
      for (const language of ['yaml', 'json'] as const) {
        const inline = renderValueText(value, language, rng.pick(['plain', 'single', 'double'] as const));
        assert.ok(!/[\n\r]/.test(inline), `one line: ${inline}`);
        const text = language === 'json' ? `{"k": [${inline}, 1], "v": ${inline}}` : `k: [${inline}, 1]\nv: ${inline}\n`;
        const parsed = parseStageDocument(text, language);
        assert.deepEqual(parsed.syntaxErrors, [], `seed ${SEED}: ${text}`);
        const read = parsed.value as { k: unknown[]; v: unknown };
        assert.ok(sameValue(read.v, value) && sameValue(read.k[0], value) && read.k.length === 2, `seed ${SEED}: ${JSON.stringify(value)} as ${text}`);
      }
    }
  });

  for (const language of ['yaml', 'json'] as const) {
    it(`random values of every field type round-trip through pulled ${language} files of every stage type (seed ${SEED})`, () => {
      const rng = new Rng(SEED ^ (language === 'json' ? 0x5a5a : 0));
      assert.ok(types.length > 20, 'the catalog holds the stage types');
      for (const type of types) {
        let current = scenario(rng, type, rng.pick(types), language);
        for (let r = 0; r < ROUNDS; r++) {
          const describeRun = (): string => `seed ${SEED} (STAGE_EDITOR_SEED=${SEED}), ${language}, ${type.entry.model}, round ${r + 1}`;
          current = { ...current, text: round(rng, type, current, describeRun) };
        }
      }
    });
  }
});
