/**
 * Values pulled into stage files never change the file's structure (issue 8, class 1): the
 * issue's two examples through `writePulledStages`, into existing files of every shape and new
 * ones, and the check that refuses an edit that would change the structure anyway.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BaseStore } from '../client/src/sync/baseStore';
import { writePulledStages } from '../client/src/sync/pull';
import { parseStageFile, serializeStageFile, setField, stageDocuments, UnsafeEditError } from '../client/src/sync/stageFileIO';
import { TaggedValue } from '../server/engine/document/tags';
import { SchemaCatalog } from '../server/engine/schema/catalog';
import { schemaDir } from './support/paths';

const catalog = SchemaCatalog.fromDirectory(schemaDir);
const DENY = catalog.entry('authentik_stages_deny.denystage')!;
const PK = '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';
const OTHER_PK = '0b5d7c9e-1f2a-4b3c-8d4e-5f6a7b8c9d0e';

/** The examples: a value that looks like a key holding a secret, and plain lines. */
const FORGED_KEY = 'x:\npassword: !Env SOME_VAR';
const TWO_LINES = 'line 1\nline 2';

const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'stage-editor-'));
  roots.push(root);
  return root;
}

/** Pulls a deny stage whose message is `message` into a folder holding `files`; returns the folder. */
function pull(files: Record<string, string>, message: string, format: 'yaml' | 'json' = 'yaml'): string {
  const root = workspace();
  const outDir = join(root, 'stages');
  mkdirSync(outDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(outDir, name), text);
  writePulledStages([{ remote: { pk: PK, name: 'deny', deny_message: message }, entry: DENY }], {
    catalog,
    bases: new BaseStore(root, 'http://127.0.0.1:9000'),
    outDir,
    format,
  });
  return outDir;
}

/** The stage of pk `PK` in the file, as the language server reads it. */
function pulledStage(path: string): Record<string, unknown> {
  const file = parseStageFile(path, readFileSync(path, 'utf8'));
  for (const doc of stageDocuments(file)) assert.deepEqual(doc.stage.syntaxErrors, [], `${path} parses:\n${file.originalText}`);
  const stage = stageDocuments(file).find((doc) => (doc.stage.value as Record<string, unknown>)['pk'] === PK);
  assert.ok(stage, `${path} holds the stage:\n${file.originalText}`);
  return stage.stage.value as Record<string, unknown>;
}

function assertPulled(path: string, message: string): void {
  const stage = pulledStage(path);
  const text = readFileSync(path, 'utf8');
  assert.deepEqual(Object.keys(stage).sort(), ['deny_message', 'model', 'name', 'pk'], `${path}: no key added or lost:\n${text}`);
  assert.equal(stage['deny_message'], message, `${path}: the message is exactly the server's:\n${text}`);
}

const stageLines = (message: string, eol = '\n'): string => [`model: authentik_stages_deny.denystage`, `pk: ${PK}`, `name: deny`, `deny_message: ${message}`].join(eol);

/** Existing files of every shape the pull edits, each with its deny_message written some way. */
const EXISTING: Record<string, string> = {
  'plain.stage.yaml': `${stageLines('Access denied.')}\n`,
  'single.stage.yaml': `${stageLines("'Access denied.'")}\n`,
  'double.stage.yaml': `${stageLines('"Access denied."')}\n`,
  'empty.stage.yaml': `${stageLines('')}\n`,
  'comment.stage.yaml': `# kept in git\n${stageLines('Access denied. # shown to users')}\n# the end\n`,
  'empty-with-comment.stage.yaml': `${stageLines('# to be written')}\n`,
  'not-last.stage.yaml': `model: authentik_stages_deny.denystage\npk: ${PK}\ndeny_message: Access denied.\nname: deny\n`,
  'no-newline.stage.yaml': stageLines('Access denied.'),
  'crlf.stage.yaml': `${stageLines('Access denied.', '\r\n')}\r\n`,
  'block.stage.yaml': `${stageLines('|\n  Access\n  denied.')}\n`,
  'tagged.stage.yaml': `${stageLines('!Env DENY_MESSAGE')}\n`,
  'second.stage.yaml': `model: authentik_stages_deny.denystage\npk: ${OTHER_PK}\nname: other\n---\n${stageLines('Access denied.')}\n---\nmodel: authentik_stages_deny.denystage\nname: third\n`,
  'json.stage.json': `{\n  "model": "authentik_stages_deny.denystage",\n  "pk": "${PK}",\n  "name": "deny",\n  "deny_message": "Access denied."\n}\n`,
};

describe('pulled values never change a stage file\'s structure', () => {
  for (const message of [FORGED_KEY, TWO_LINES]) {
    it(`${JSON.stringify(message)} pulled into an existing file stays one value, the file gains no key`, () => {
      const dir = pull({ 'deny.stage.yaml': `# kept in git\n${stageLines('Access denied.')}\n` }, message);
      assertPulled(join(dir, 'deny.stage.yaml'), message);
      assert.match(readFileSync(join(dir, 'deny.stage.yaml'), 'utf8'), /^# kept in git\n/);
    });

    it(`${JSON.stringify(message)} pulled into existing files of every shape and into new files, YAML and JSON`, () => {
      for (const [name, text] of Object.entries(EXISTING)) {
        const dir = pull({ [name]: text }, message);
        const path = join(dir, name);
        assertPulled(path, message);
        const after = parseStageFile(path, readFileSync(path, 'utf8'));
        // The other documents of the file are byte for byte what they were.
        for (const doc of stageDocuments(parseStageFile(path, text))) {
          if ((doc.stage.value as Record<string, unknown>)['pk'] !== PK) assert.ok(after.documents.some((d) => d.text === doc.text), `${name}: document ${doc.index + 1} untouched`);
        }
      }
      for (const format of ['yaml', 'json'] as const) assertPulled(join(pull({}, message, format), `deny.stage.${format}`), message);
    });
  }

  it('a pulled value replaces a `!Env` value as a plain string, never as the name of a variable', () => {
    const dir = pull({ 'tagged.stage.yaml': EXISTING['tagged.stage.yaml']! }, 'SOME_VAR');
    const stage = pulledStage(join(dir, 'tagged.stage.yaml'));
    assert.ok(!(stage['deny_message'] instanceof TaggedValue), readFileSync(join(dir, 'tagged.stage.yaml'), 'utf8'));
    assert.equal(stage['deny_message'], 'SOME_VAR');
  });
});

describe('an edit that would change the structure is refused', () => {
  it('changing a value that an alias elsewhere repeats throws UnsafeEditError naming file, document and field', () => {
    const text = `model: authentik_stages_deny.denystage\nname: first\n---\nmodel: authentik_stages_deny.denystage\nname: &shared deny\ndeny_message: *shared\n`;
    const file = parseStageFile('aliases.stage.yaml', text);
    setField(stageDocuments(file)[1]!, 'name', 'renamed');
    assert.throws(
      () => serializeStageFile(file),
      (error: unknown) => {
        assert.ok(error instanceof UnsafeEditError);
        assert.equal(error.file, 'aliases.stage.yaml');
        assert.equal(error.document, 2);
        assert.equal(error.field, 'name');
        assert.match(error.message, /^aliases\.stage\.yaml: document 2: writing name would change the document's structure \(the key "deny_message" would change its value\)\. Nothing was written\./);
        return true;
      },
    );
  });

  it('a value the file cannot hold (not JSON) is refused, not written as something else', () => {
    const file = parseStageFile('x.stage.json', '{\n  "model": "authentik_stages_deny.denystage",\n  "name": "d"\n}\n');
    setField(stageDocuments(file)[0]!, 'deny_message', undefined);
    assert.throws(() => serializeStageFile(file), (error: unknown) => error instanceof UnsafeEditError && error.field === 'deny_message' && error.document === 1);
  });
});
