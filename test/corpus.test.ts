// The real-world corpus: every stage entry of authentik's own blueprints (copied to
// shared/corpus/authentik-blueprints, see SOURCES.md there) written as a stage file and opened in the
// built language server. A blueprint entry is what authentik itself creates through the same
// serializers the API uses, so our server must not call any of them an error — except the few
// listed in EXPECTED_ERRORS below, each of which the real 2026.8 server rejects too (with the
// reason, checked against authentik's source). The list is exact: an exception that no longer
// occurs fails the test as well, so it stays honest.
//
// Entries are taken when their model is one of the catalog's (schemas/index.json) and no value in
// their identifiers or attrs uses a blueprint tag (!KeyOf, !Find, !Context, !Format, !If, !Env, …):
// a tag is resolved by the blueprint importer, so the literal entry says nothing about the body the
// API would get. Entries with `state: absent` are deletions (their attrs are only what identifies
// the object to delete), not stage bodies, and are skipped too.
//
// Each entry is checked in three forms: all entries of a blueprint as one `---` separated YAML
// file, each entry as its own YAML file, and each entry as a `.stage.json` file.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isMap, isSeq, parseAllDocuments, stringify, visit, type Document, type Node } from 'yaml';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient, fileUri } from '../tools/lsp-client/lspClient';
import { corpusDir, repoRoot as root, serverModule as serverBundle } from './support/paths';
import { SERVER_NODE_FLAGS } from '../server/src/protocol';

const catalogIndex = JSON.parse(readFileSync(join(root, 'schemas', 'index.json'), 'utf8')) as {
  authentikVersion: string;
  models: Record<string, unknown>;
};


// ---------------------------------------------------------------------------------------------
// Errors the real server gives too. `entry` is the entry's `name` identifier (or `pk`).

interface ExpectedError {
  file: string;
  entry: string;
  code: string;
  field: string;
  /** Why authentik 2026.8 rejects this body as well. */
  reason: string;
}

const PROMPT_TYPE_RENAMED =
  'Copied at commit 2ec49f1, where Prompt.type had been renamed to prompt_type (migration ' +
  'authentik/stages/prompt/migrations/0012_rename_type_prompt_prompt_type.py, a rename that did not stay). ' +
  "2026.8's PromptSerializer (authentik/stages/prompt/api/prompts.py) has `type`, PromptRequest requires it, " +
  'and DRF ignores the unknown prompt_type: 400 {"type": ["This field is required."]}.';

const TOKEN_EXPIRY_MINUTES =
  'Written when EmailStage.token_expiry was an integer number of minutes. Since migration ' +
  'authentik/stages/email/migrations/0005_alter_emailstage_token_expiry.py it is a TextField with ' +
  'timedelta_string_validator (authentik/stages/email/models.py): DRF turns 30 into "30", and ' +
  'timedelta_from_string("30") fails on `key, value = "30".split("=")` (authentik/lib/utils/time.py): ' +
  `400 {"token_expiry": ["30 is not in the correct format of 'hours=3;minutes=1'."]}.`;

const EXPECTED_ERRORS: readonly ExpectedError[] = [
  {
    file: 'authentik__blueprints__tests__fixtures__static_prompt_export.yaml',
    entry: 'cb954fd4-65a5-4ad9-b1ee-180ee9559cf4',
    code: 'required',
    field: 'name',
    reason:
      'A test fixture exported before prompts had names. Prompt.name is TextField(unique=True) without a default ' +
      'since authentik/stages/prompt/migrations/0009_prompt_name.py, and PromptRequest requires it: ' +
      '400 {"name": ["This field is required."]} for a full (PUT/POST) body.',
  },
  {
    file: 'default__flow-default-source-enrollment.yaml',
    entry: 'default-source-enrollment-field-username',
    code: 'required',
    field: 'type',
    reason: PROMPT_TYPE_RENAMED,
  },
  ...['username', 'password', 'password-repeat', 'name', 'email'].map(
    (field): ExpectedError => ({
      file: 'example__flows-enrollment-2-stage.yaml',
      entry: `default-enrollment-field-${field}`,
      code: 'required',
      field: 'type',
      reason: PROMPT_TYPE_RENAMED,
    }),
  ),
  {
    file: 'example__flows-brute-force-lockout.yaml',
    entry: 'default-authentication-password',
    code: 'required',
    field: 'backends',
    reason:
      'The entry only sets failed_attempts_before_cancel on the existing default-authentication-password stage: ' +
      'the blueprint importer updates an existing object with partial=True. A stage file is a full body, and ' +
      'PasswordStage.backends is an ArrayField without a default (authentik/stages/password/models.py), ' +
      'required in PasswordStageRequest: 400 {"backends": ["This field is required."]}.',
  },
  { file: 'example__flows-enrollment-email-verification.yaml', entry: 'default-enrollment-email-verification', code: 'duration', field: 'token_expiry', reason: TOKEN_EXPIRY_MINUTES },
  { file: 'example__flows-recovery-email-verification.yaml', entry: 'default-recovery-email', code: 'duration', field: 'token_expiry', reason: TOKEN_EXPIRY_MINUTES },
  { file: 'scribe__scribe-recovery-flow.yaml', entry: 'default-recovery-email', code: 'duration', field: 'token_expiry', reason: TOKEN_EXPIRY_MINUTES },
];

// ---------------------------------------------------------------------------------------------
// Reading the blueprints

interface IndexRow {
  file: string;
  model: string;
  identifiers: Record<string, unknown>;
  attr_keys: string[];
  uses_tags: boolean;
}

interface BlueprintEntry {
  file: string;
  model: string;
  identifiers: Record<string, unknown>;
  attrs: Record<string, unknown>;
  /** Some value (in identifiers or attrs, or either as a whole) carries a blueprint tag. */
  tagged: boolean;
  state: string | undefined;
  /** The `name` identifier, else `pk`, else the entry's position. */
  label: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when the node or anything under it has a custom (`!Name`) tag. */
function hasCustomTag(node: unknown): boolean {
  if (node === null || node === undefined) return false;
  let found = false;
  const check = (n: Node): void => {
    const tag = n.tag;
    if (tag && tag.startsWith('!') && !tag.startsWith('!!')) found = true;
  };
  visit(node as Node, {
    Scalar: (_key, n) => check(n),
    Map: (_key, n) => check(n),
    Seq: (_key, n) => check(n),
  });
  return found;
}

/** `entries:` is a list, or (newer blueprints) a mapping of named lists. */
function entryNodes(doc: Document.Parsed): Node[] {
  const entries = doc.get('entries', true);
  if (isSeq(entries)) return entries.items as Node[];
  const out: Node[] = [];
  if (isMap(entries)) {
    for (const pair of entries.items) if (isSeq(pair.value)) out.push(...(pair.value.items as Node[]));
  }
  return out;
}

function readBlueprintEntries(dir: string): { entries: BlueprintEntry[]; files: string[] } {
  const files = readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
  const entries: BlueprintEntry[] = [];
  for (const file of files) {
    // authentik reads blueprints with PyYAML, i.e. YAML 1.1 (`yes` is true, and so on).
    const docs = parseAllDocuments(readFileSync(join(dir, file), 'utf8'), { version: '1.1' });
    // (scribe__scribe-recovery-flow.yaml has an expression policy whose double-quoted string continues
    // at the key's own indentation: PyYAML takes it, the `yaml` package reports an error. The stage
    // entries after it are read correctly, which the comparison with stages.index.json confirms.)
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      for (const node of entryNodes(doc)) {
        if (!isMap(node)) continue;
        const model = node.get('model');
        if (typeof model !== 'string' || !model.startsWith('authentik_stages_')) continue;
        const identifiersNode = node.get('identifiers', true);
        const attrsNode = node.get('attrs', true);
        const plain = node.toJS(doc) as Record<string, unknown>;
        const identifiers = isRecord(plain['identifiers']) ? plain['identifiers'] : {};
        const attrs = isRecord(plain['attrs']) ? plain['attrs'] : {};
        const name = identifiers['name'] ?? identifiers['pk'];
        entries.push({
          file,
          model,
          identifiers,
          attrs,
          tagged: hasCustomTag(identifiersNode) || hasCustomTag(attrsNode),
          state: typeof plain['state'] === 'string' ? plain['state'] : undefined,
          label: typeof name === 'string' ? name : `#${entries.filter((e) => e.file === file).length}`,
        });
      }
    }
  }
  return { entries, files };
}

/** The stage document of an entry: `model`, the identifiers (which win, as in the importer), the attrs. */
function stageBody(entry: BlueprintEntry): Record<string, unknown> {
  const body: Record<string, unknown> = { model: entry.model, ...entry.identifiers };
  for (const [key, value] of Object.entries(entry.attrs)) if (!Object.hasOwn(entry.identifiers, key)) body[key] = value;
  return body;
}

// ---------------------------------------------------------------------------------------------

type Form = 'multi-document YAML' | 'single YAML' | 'JSON';

interface Checked {
  entry: BlueprintEntry;
  /** Error diagnostics per form. */
  errors: Map<Form, Diagnostic[]>;
}

function errorKey(d: Diagnostic): string {
  const field = (d.data as { field?: unknown } | undefined)?.field;
  return `${String(d.code)}:${typeof field === 'string' ? field : '?'}`;
}

describe('the blueprint corpus, as stage files, in the built language server', () => {
  let client: LspClient;
  let corpus: string;
  let all: BlueprintEntry[] = [];
  let checked: BlueprintEntry[] = [];
  const results: Checked[] = [];
  const skipped = { unknownModel: 0, tagged: 0, absent: 0 };

  before(async () => {
    corpus = corpusDir();
    assert.ok(existsSync(serverBundle), `${serverBundle} is missing: run \`node scripts/build.mjs\` first`);
    all = readBlueprintEntries(corpus).entries;
    for (const entry of all) {
      if (!Object.hasOwn(catalogIndex.models, entry.model)) skipped.unknownModel++;
      else if (entry.tagged) skipped.tagged++;
      else if (entry.state === 'absent') skipped.absent++;
      else checked.push(entry);
    }

    client = await LspClient.start({ command: process.execPath, args: [...SERVER_NODE_FLAGS, serverBundle, '--stdio'], cwd: root, name: 'authentik-stages server' });
    await client.initialize();

    const base = join(root, '.corpus-test');
    const pending: Array<Promise<void>> = [];
    const since = client.diagnosticsMarker();
    const open = (uri: string, languageId: string, text: string, onDiagnostics: (d: Diagnostic[]) => void): void => {
      client.open(uri, languageId, text, 1);
      pending.push(
        client.waitForDiagnostics(uri, { since, afterVersion: 1, timeoutMs: 20_000 }).then((record) => {
          assert.equal(record.version, 1, `${uri}: diagnostics for version ${record.version}`);
          onDiagnostics(record.diagnostics);
        }),
      );
    };

    for (const entry of checked) results.push({ entry, errors: new Map() });
    const byFile = new Map<string, Checked[]>();
    for (const result of results) byFile.set(result.entry.file, [...(byFile.get(result.entry.file) ?? []), result]);

    for (const [file, list] of byFile) {
      // One file per blueprint, one document per entry; remember the line each document starts on.
      const starts: number[] = [];
      let text = '';
      list.forEach((result, i) => {
        starts.push(text.split('\n').length - 1); // the line of its `---` (or 0)
        if (i > 0) text += '---\n';
        text += stringify(stageBody(result.entry));
      });
      open(fileUri(join(base, file.replace(/\.ya?ml$/, '.stage.yaml'))), 'authentik-stage-yaml', text, (diagnostics) => {
        for (const result of list) result.errors.set('multi-document YAML', []);
        for (const d of diagnostics) {
          if (d.severity !== 1) continue;
          let index = 0;
          while (index + 1 < starts.length && starts[index + 1]! <= d.range.start.line) index++;
          list[index]!.errors.get('multi-document YAML')!.push(d);
        }
      });
      list.forEach((result, i) => {
        const stem = `${file.replace(/\.ya?ml$/, '')}-${i}`;
        open(fileUri(join(base, `${stem}.stage.yaml`)), 'authentik-stage-yaml', stringify(stageBody(result.entry)), (diagnostics) =>
          result.errors.set('single YAML', diagnostics.filter((d) => d.severity === 1)),
        );
        open(fileUri(join(base, `${stem}.stage.json`)), 'authentik-stage-json', `${JSON.stringify(stageBody(result.entry), null, 2)}\n`, (diagnostics) =>
          result.errors.set('JSON', diagnostics.filter((d) => d.severity === 1)),
        );
      });
    }
    await Promise.all(pending);
  });

  after(async () => {
    if (client?.alive) await client.shutdown();
  });

  it('reads the same stage entries as stages.index.json', () => {
    const index = JSON.parse(readFileSync(join(corpus, 'stages.index.json'), 'utf8')) as IndexRow[];
    assert.equal(all.length, index.length, 'number of authentik_stages_* entries');
    all.forEach((entry, i) => {
      const row = index[i]!;
      const where = `${entry.file} entry ${entry.label}`;
      assert.equal(entry.file, row.file, where);
      assert.equal(entry.model, row.model, where);
      assert.deepEqual(Object.keys(entry.attrs), row.attr_keys, where);
      // The index renders tags as text and counts only tags in attrs.
      if (!entry.tagged) assert.deepEqual(entry.identifiers, row.identifiers, where);
      if (row.uses_tags) assert.ok(entry.tagged, `${where}: the index sees a tag`);
    });
  });

  it('checks a useful number of entries', (t) => {
    t.diagnostic(
      `authentik ${catalogIndex.authentikVersion}: ${checked.length} entries checked (×3 forms) of ${all.length} stage entries; ` +
        `skipped ${skipped.unknownModel} with a model not in the catalog, ${skipped.tagged} using blueprint tags, ` +
        `${skipped.absent} with state: absent; ${EXPECTED_ERRORS.length} expected errors`,
    );
    assert.ok(checked.length > 0, 'no corpus entry was checked');
    assert.ok(checked.length >= 50, `only ${checked.length} entries checked: did the corpus shrink?`);
  });

  for (const form of ['multi-document YAML', 'single YAML', 'JSON'] as const) {
    it(`reports no error the server would not give (${form})`, () => {
      const unexpected: string[] = [];
      const missing: ExpectedError[] = [...EXPECTED_ERRORS];
      for (const { entry, errors } of results) {
        const list = errors.get(form);
        assert.ok(list, `${entry.file} ${entry.label}: no diagnostics recorded for ${form}`);
        for (const d of list) {
          const [code, field] = errorKey(d).split(':');
          const at = missing.findIndex((e) => e.file === entry.file && e.entry === entry.label && e.code === code && e.field === field);
          if (at >= 0) missing.splice(at, 1);
          else if (!EXPECTED_ERRORS.some((e) => e.file === entry.file && e.entry === entry.label && e.code === code && e.field === field)) {
            unexpected.push(`${entry.file} ${entry.model} ${entry.label}: [${String(d.code)}] ${d.message} (line ${d.range.start.line + 1})`);
          }
        }
      }
      assert.deepEqual(unexpected, [], `errors our server reports on entries authentik itself accepts:\n${unexpected.join('\n')}`);
      assert.deepEqual(
        missing.map((e) => `${e.file} ${e.entry} ${e.code}:${e.field}`),
        [],
        'expected errors that no longer occur (remove them from EXPECTED_ERRORS)',
      );
    });
  }
});
