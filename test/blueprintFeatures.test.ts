/**
 * The editing features of blueprints over LSP, against the built server: completion, hover,
 * definition, references, rename and symbols in a blueprint opened as plain `yaml` under a plain
 * name, and nothing at all for a YAML file that is not a blueprint.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CompletionItem, CompletionList, DocumentSymbol, Hover, Location, MarkupContent, Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { CompletionItemKind, SymbolKind } from 'vscode-languageserver-protocol';
import { blueprintModelNames } from '../server/engine/blueprint/blueprintModels';
import type { ObjectIndex } from '../server/engine/references/objectIndex';
import { SchemaCatalog } from '../server/engine/schema/catalog';
import { SERVER_NODE_FLAGS, SetObjectIndexNotification } from '../server/src/protocol';
import { LspClient, positionAt } from '../tools/lsp-client/lspClient';
import { schemaDir, serverModule } from './support/paths';
import { rangeOf, startStageServer } from './support/stageServer';

const LOGIN = [
  'version: 1',
  'metadata:',
  '  name: Login',
  'context:',
  '  flow_slug: login',
  'entries:',
  '  - model: authentik_flows.flow',
  '    id: flow',
  '    identifiers:',
  '      slug: !Context flow_slug',
  '    attrs:',
  '      name: Login',
  '      title: !Format ["Welcome to %s", Login]',
  '      designation: authentication',
  '  - model: authentik_stages_password.passwordstage',
  '    id: "password-stage"',
  '    identifiers:',
  '      name: login-password',
  '    attrs:',
  '      backends:',
  '        - authentik.core.auth.InbuiltBackend',
  '  - model: authentik_flows.flowstagebinding',
  '    identifiers:',
  '      target: !KeyOf flow',
  '      stage: !KeyOf password-stage',
  '      order: 10',
  '    state: created',
  '',
].join('\n');

/** Where the cursor goes in a text: `‸`. */
const CURSOR = '‸';

let counter = 0;

function blueprintUri(name = 'login'): string {
  counter++;
  return `file:///tmp/authentik-blueprint-tests/${process.pid}-${counter}/flows/${name}.yaml`;
}

/** `LOGIN` with `from` replaced by `to` (which holds the cursor): the text and where the cursor is. */
function edited(from: string, to: string, base = LOGIN): { text: string; position: Position } {
  assert.ok(base.includes(from), `the blueprint has no ${JSON.stringify(from)}`);
  const marked = base.replace(from, to);
  const at = marked.indexOf(CURSOR);
  assert.ok(at >= 0, 'no cursor in the edit');
  return { text: marked.slice(0, at) + marked.slice(at + 1), position: positionAt(marked, at) };
}

/** The position `offsetInNeedle` characters into the `occurrence`-th `needle`. */
function at(text: string, needle: string, offsetInNeedle = 1, occurrence = 0): Position {
  const range = rangeOf(text, needle, occurrence);
  return { line: range.start.line, character: range.start.character + offsetInNeedle };
}

/** The range of `part` inside the first `needle`. */
function inner(text: string, needle: string, part: string): Range {
  const whole = rangeOf(text, needle);
  const start = needle.indexOf(part);
  return lineRange(whole.start.line, whole.start.character + start, whole.start.character + start + part.length);
}

function lineRange(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

describe('blueprint features over LSP', () => {
  let client: LspClient;
  const catalog = SchemaCatalog.fromDirectory(schemaDir);

  before(async () => {
    client = await startStageServer();
  });
  after(async () => {
    await client.shutdown();
  });

  function open(text: string, name?: string): string {
    const uri = blueprintUri(name);
    client.open(uri, 'yaml', text, 1);
    return uri;
  }

  async function complete(from: string, to: string, base = LOGIN): Promise<{ items: CompletionItem[]; position: Position; list: CompletionList }> {
    const { text, position } = edited(from, to, base);
    const uri = open(text);
    const result = await client.request<CompletionList | CompletionItem[] | null>('textDocument/completion', { textDocument: { uri }, position });
    const list = Array.isArray(result) ? { isIncomplete: false, items: result } : (result ?? { isIncomplete: false, items: [] });
    return { items: list.items, position, list };
  }

  async function hover(text: string, position: Position): Promise<Hover> {
    const uri = open(text);
    const result = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
    assert.ok(result, 'no hover');
    return result;
  }

  const typedRange = (position: Position, typed: number): Range => ({ start: { line: position.line, character: position.character - typed }, end: position });
  const labels = (items: CompletionItem[]): string[] => items.map((i) => i.label);
  const item = (items: CompletionItem[], label: string): CompletionItem => {
    const found = items.find((i) => i.label === label);
    assert.ok(found, `no item ${label} among ${JSON.stringify(labels(items).slice(0, 40))}`);
    return found;
  };

  describe('completion', () => {
    it('offers every model an entry may name after model:, stage models and objects alike, with their titles', async () => {
      const { items, position } = await complete('  - model: authentik_flows.flowstagebinding', `  - model: authentik_fl${CURSOR}`);
      assert.deepEqual(labels(items), blueprintModelNames(catalog));
      const flow = item(items, 'authentik_flows.flow');
      assert.equal(flow.detail, 'Flow');
      assert.match((flow.documentation as MarkupContent).value, /API: `\/api\/v3\/flows\/instances\/`/);
      assert.deepEqual(flow.textEdit, { range: typedRange(position, 'authentik_fl'.length), newText: 'authentik_flows.flow' });
      assert.equal(item(items, 'authentik_stages_password.passwordstage').detail, 'Password Stage');
      assert.equal(item(items, 'authentik_blueprints.metaapplyblueprint').detail, 'Apply another blueprint');
      assert.ok(!labels(items).includes('authentik_flows.stage'), 'a base class the importer refuses is not offered');
    });

    it('offers a new entry with its model\'s required fields after "- " in entries, and the entry keys', async () => {
      const { items, position } = await complete('  - model: authentik_flows.flowstagebinding', `  - ${CURSOR}\n  - model: authentik_flows.flowstagebinding`);
      const range = typedRange(position, 0);
      assert.deepEqual(item(items, 'New Flow').textEdit, {
        range,
        newText: [
          'model: authentik_flows.flow',
          '  identifiers:',
          '    slug: ${1:slug}',
          '  attrs:',
          '    designation: ${2|authentication,authorization,invalidation,enrollment,unenrollment,recovery,stage_configuration|}',
          '    name: ${3:name}',
          '    title: ${4:title}',
          '$0',
        ].join('\n'),
      });
      assert.deepEqual(item(items, 'New Flow Stage Binding').textEdit, {
        range,
        newText: ['model: authentik_flows.flowstagebinding', '  identifiers:', '    order: ${1:0}', '    stage: ${2:stage}', '    target: ${3:target}', '$0'].join('\n'),
      });
      assert.equal(item(items, 'New Password Stage').textEdit?.newText, ['model: authentik_stages_password.passwordstage', '  identifiers:', '    name: ${1:name}', '  attrs:', '    backends:', '      - $2', '$0'].join('\n'));
      assert.deepEqual(
        items.filter((i) => i.kind === CompletionItemKind.Property).map((i) => [i.label, i.textEdit?.newText]),
        [
          ['model', 'model: $1'],
          ['id', 'id: ${1:id}'],
          ['identifiers', 'identifiers:\n  $1'],
          ['attrs', 'attrs:\n  $1'],
          ['state', 'state: ${1|present,created,must_created,absent|}'],
          ['conditions', 'conditions:\n  - $1'],
          ['permissions', 'permissions:\n  - permission: $1'],
        ],
      );
    });

    it('offers the entry keys not written yet', async () => {
      const { items } = await complete('    state: created', `    ${CURSOR}`);
      assert.deepEqual(labels(items), ['id', 'attrs', 'state', 'conditions', 'permissions']);
    });

    it('offers the attrs keys of the entry\'s model, required first, none already in identifiers or attrs', async () => {
      const flow = await complete('      title: !Format ["Welcome to %s", Login]', `      ti${CURSOR}`);
      const title = item(flow.items, 'title');
      assert.deepEqual(title.textEdit, { range: typedRange(flow.position, 2), newText: 'title: $1' });
      assert.equal(title.sortText, '0_title');
      assert.equal(title.detail, 'string · required');
      for (const present of ['name', 'slug', 'designation']) assert.ok(!labels(flow.items).includes(present), `${present} is already written`);
      assert.ok(labels(flow.items).includes('policy_engine_mode'));
      const password = await complete('      backends:\n        - authentik.core.auth.InbuiltBackend', `      ${CURSOR}`);
      assert.ok(labels(password.items).includes('configure_flow'), 'a Password Stage field');
      assert.ok(labels(password.items).includes('backends'), 'no longer written');
      assert.ok(!labels(password.items).includes('designation'), 'not a Password Stage field');
    });

    it('offers the natural keys first in identifiers', async () => {
      const { items, position } = await complete('      slug: !Context flow_slug', `      ${CURSOR}`);
      const first = [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label)).slice(0, 2);
      assert.deepEqual(first.map((i) => [i.label, i.sortText]), [['slug', '00_0'], ['pk', '00_2']]);
      assert.deepEqual(item(items, 'slug').textEdit, { range: typedRange(position, 0), newText: 'slug: $1' });
    });

    it('offers a field\'s values as a stage file does, then the tags', async () => {
      const { items, position } = await complete('      designation: authentication', `      designation: ${CURSOR}`);
      const values = items.filter((i) => !i.label.startsWith('!'));
      assert.deepEqual(labels(values), ['authentication', 'authorization', 'invalidation', 'enrollment', 'unenrollment', 'recovery', 'stage_configuration']);
      assert.deepEqual(values[0]!.textEdit, { range: typedRange(position, 0), newText: 'authentication' });
      const tags = items.filter((i) => i.label.startsWith('!'));
      assert.equal(tags.length, 14);
      assert.ok(tags.every((tag) => tag.sortText! > values.map((v) => v.sortText ?? v.label).sort().at(-1)!), 'the tags sort after the values');
      const typed = await complete('      designation: authentication', `      designation: auth${CURSOR}`);
      assert.deepEqual(typed.items.map((i) => i.textEdit?.newText), ['authentication', 'authorization', 'invalidation', 'enrollment', 'unenrollment', 'recovery', 'stage_configuration']);
      assert.deepEqual((typed.items[0]!.textEdit as TextEdit).range, typedRange(typed.position, 4));
    });

    it('offers the blueprint keys not written yet at the top level, and metadata\'s keys and authentik\'s labels', async () => {
      const top = await complete('entries:\n', `${CURSOR}\nentries:\n`, LOGIN.replace('context:\n  flow_slug: login\n', ''));
      assert.deepEqual(labels(top.items), ['context']);
      assert.equal((top.items[0]!.textEdit as TextEdit).newText, 'context:\n  ${1:key}: ${2:value}');
      const labelsKeys = await complete('  name: Login\n', `  name: Login\n  labels:\n    ${CURSOR}\n`);
      assert.deepEqual(labels(labelsKeys.items), ['blueprints.goauthentik.io/instantiate', 'blueprints.goauthentik.io/description', 'blueprints.goauthentik.io/system']);
      const metadata = await complete('  name: Login\n', `  name: Login\n  ${CURSOR}\n`);
      assert.deepEqual(labels(metadata.items), ['labels']);
    });

    it('offers permission keys in a permissions item, and the model\'s codenames after permission:', async () => {
      const keys = await complete('      designation: authentication\n', `      designation: authentication\n    permissions:\n      - ${CURSOR}\n`);
      assert.deepEqual(labels(keys.items), ['permission', 'user', 'role']);
      const codenames = await complete('      designation: authentication\n', `      designation: authentication\n    permissions:\n      - permission: ${CURSOR}\n`);
      assert.deepEqual(labels(codenames.items), ['view_flow', 'change_flow', 'delete_flow', 'add_flow']);
    });

    it('offers the four states, with what each does', async () => {
      const { items, position } = await complete('    state: created', `    state: ${CURSOR}`);
      assert.deepEqual(labels(items), ['present', 'created', 'must_created', 'absent']);
      assert.deepEqual(items[2]!.textEdit, { range: typedRange(position, 0), newText: 'must_created' });
      assert.match((items[2]!.documentation as MarkupContent).value, /the import fails/);
    });

    it('offers the fourteen tags with their argument shapes where a value goes', async () => {
      const { items, position } = await complete('      order: 10', `      order: !${CURSOR}`);
      assert.deepEqual(labels(items), ['!KeyOf', '!Find', '!FindObject', '!Context', '!Format', '!Condition', '!If', '!Env', '!File', '!Enumerate', '!Value', '!Index', '!AtIndex', '!ParseJSON']);
      assert.deepEqual(item(items, '!Find').textEdit, { range: typedRange(position, 1), newText: '!Find [${1:authentik_flows.flow}, [${2:slug}, ${3:value}]]' });
      assert.equal(item(items, '!Condition').textEdit?.newText, '!Condition [${1|AND,OR,NAND,NOR,XOR,XNOR|}, ${2:value}]');
    });

    it('offers after !KeyOf the ids of the earlier entries only', async () => {
      const inSecond = await complete('      name: login-password', `      name: !KeyOf ${CURSOR}`);
      assert.deepEqual(inSecond.items.map((i) => [i.label, i.detail]), [['flow', 'Flow · entry 1']]);
      const inThird = await complete('      stage: !KeyOf password-stage', `      stage: !KeyOf pa${CURSOR}`);
      assert.deepEqual(inThird.items.map((i) => [i.label, i.detail]), [['flow', 'Flow · entry 1'], ['password-stage', 'Password Stage · entry 2']]);
      assert.deepEqual(inThird.items[1]!.textEdit, { range: typedRange(inThird.position, 2), newText: 'password-stage' });
    });

    it('offers after !Context the file\'s context keys and the importer\'s defaults', async () => {
      const { items, position } = await complete('      slug: !Context flow_slug', `      slug: !Context [fl${CURSOR}`);
      assert.deepEqual(labels(items), ['flow_slug', 'goauthentik.io/rbac/models', 'goauthentik.io/enterprise/licensed']);
      assert.deepEqual(items[0]!.textEdit, { range: typedRange(position, 2), newText: 'flow_slug' });
    });

    it('offers inside !Find [ the model names, and after the model its fields', async () => {
      const models = await complete('      name: login-password', `      name: !Find [authentik_fl${CURSOR}`);
      assert.deepEqual(labels(models.items), blueprintModelNames(catalog));
      assert.deepEqual(item(models.items, 'authentik_flows.flow').textEdit, { range: typedRange(models.position, 'authentik_fl'.length), newText: 'authentik_flows.flow' });
      const fields = await complete('      name: login-password', `      name: !Find [authentik_flows.flow, [sl${CURSOR}`);
      const flow = catalog.anyEntry('authentik_flows.flow')!;
      assert.deepEqual(labels(fields.items), [...new Set(['pk', ...flow.fields, ...flow.readOnly])]);
      assert.deepEqual(item(fields.items, 'slug').textEdit, { range: typedRange(fields.position, 2), newText: 'slug' });
      const second = await complete('      name: login-password', `      name: !Find [authentik_flows.flow, [slug, x], [des${CURSOR}`);
      assert.ok(labels(second.items).includes('designation'), 'the fields again in a later condition');
    });

    it('offers, connected, the objects a reference field in attrs takes, by name', async () => {
      const index: ObjectIndex = {
        server: 'https://auth.example.test',
        models: {
          'authentik_flows.flow': {
            complete: true,
            objects: [{ pk: '11111111-1111-4111-8111-111111111111', model: 'authentik_flows.flow', label: 'Change your password', fields: { title: 'Change your password', slug: 'default-password-change', designation: 'stage_configuration', name: 'Change password' } }],
          },
        },
      };
      await client.notify(SetObjectIndexNotification.method, index);
      try {
        const { items, position } = await complete('      backends:\n        - authentik.core.auth.InbuiltBackend', `      configure_flow: ${CURSOR}`);
        const found = items.filter((i) => i.label === 'Change your password');
        assert.deepEqual(
          found.map((i) => i.textEdit),
          [
            { range: typedRange(position, 0), newText: '11111111-1111-4111-8111-111111111111' },
            { range: typedRange(position, 0), newText: '!Find [authentik_flows.flow, [slug, default-password-change]]' },
          ],
        );
        const withFind = LOGIN.replace('      backends:', '      configure_flow: !Find [authentik_flows.flow, [slug, default-password-change]]\n      backends:');
        const tag = await hover(withFind, at(withFind, '!Find', 2));
        assert.deepEqual(tag.range, rangeOf(withFind, '!Find [authentik_flows.flow, [slug, default-password-change]]'));
        assert.ok((tag.contents as MarkupContent).value.includes('\n\nOn https://auth.example.test: **Change your password** (pk `11111111-1111-4111-8111-111111111111`).\n\n'), (tag.contents as MarkupContent).value);
        // Inside a !Find, after the field: the values the server's objects have there.
        const value = await complete('      backends:\n        - authentik.core.auth.InbuiltBackend', `      configure_flow: !Find [authentik_flows.flow, [slug, def${CURSOR}`);
        assert.deepEqual(value.items.map((i) => [i.label, i.detail, i.textEdit]), [['default-password-change', 'Flow "Change your password"', { range: typedRange(value.position, 3), newText: 'default-password-change' }]]);
        const byTitle = await complete('      backends:\n        - authentik.core.auth.InbuiltBackend', `      configure_flow: !Find [authentik_flows.flow, [title, ${CURSOR}`);
        assert.deepEqual(byTitle.items.map((i) => (i.textEdit as TextEdit).newText), ['Change your password'], 'a value with spaces is a plain scalar in a flow list');
      } finally {
        await client.notify(SetObjectIndexNotification.method, null);
      }
    });
  });

  describe('hover', () => {
    it('documents a field of attrs by the entry\'s model', async () => {
      const result = await hover(LOGIN, at(LOGIN, 'designation: authentication', 3));
      assert.deepEqual(result.range, rangeOf(LOGIN, 'designation'));
      const text = (result.contents as MarkupContent).value;
      assert.match(text, /^\*\*designation\*\* · `one of "authentication"/);
      assert.match(text, /· required/);
      assert.match(text, /_Flow · authentik /);
    });

    it('documents a field of identifiers, on its value too', async () => {
      const result = await hover(LOGIN, at(LOGIN, 'login-password', 2));
      assert.deepEqual(result.range, rangeOf(LOGIN, 'login-password'));
      assert.match((result.contents as MarkupContent).value, /^\*\*name\*\* · `string` · required/);
    });

    it('counts the !KeyOf that name an id', async () => {
      const result = await hover(LOGIN, at(LOGIN, 'id: flow', 5));
      assert.deepEqual(result.range, inner(LOGIN, 'id: flow', 'flow'));
      assert.match((result.contents as MarkupContent).value, /^\*\*id: flow\*\* \(entry 1\)\n\nNamed by 1 `!KeyOf`\. /);
    });

    it('describes the entry\'s model: title, description, API path and whether the importer allows it', async () => {
      const result = await hover(LOGIN, at(LOGIN, 'authentik_stages_password.passwordstage', 5));
      assert.deepEqual(result.range, rangeOf(LOGIN, 'authentik_stages_password.passwordstage'));
      const text = (result.contents as MarkupContent).value;
      assert.match(text, /^\*\*Password Stage\*\* · `authentik_stages_password.passwordstage`/);
      assert.match(text, /API: `\/api\/v3\/stages\/password\/`/);
      assert.match(text, /The importer allows it\.$/);
      const refused = LOGIN.replace('authentik_flows.flowstagebinding', 'authentik_flows.stage');
      assert.match(((await hover(refused, at(refused, 'authentik_flows.stage', 3))).contents as MarkupContent).value, /The importer refuses this model: a base class/);
    });

    it('says what an entry key and a state mean to the importer', async () => {
      const key = await hover(LOGIN, at(LOGIN, 'state: created', 1));
      assert.deepEqual(key.range, rangeOf(LOGIN, 'state'));
      assert.match((key.contents as MarkupContent).value, /^\*\*state\*\* \(entry 3\)/);
      const state = await hover(LOGIN, at(LOGIN, 'created\n', 2));
      assert.deepEqual(state.range, lineRange(26, 11, 18));
      assert.match((state.contents as MarkupContent).value, /^\*\*state: created\*\*\n\nCreates the object when the identifiers match none; an existing match is left unchanged/);
    });

    it('says what a tag resolves to: the entry a !KeyOf names, a context value, a formatted text', async () => {
      const keyOf = await hover(LOGIN, at(LOGIN, '!KeyOf password-stage', 9));
      assert.deepEqual(keyOf.range, rangeOf(LOGIN, '!KeyOf password-stage'));
      const keyOfText = (keyOf.contents as MarkupContent).value;
      assert.match(keyOfText, /^\*\*!KeyOf\*\* — The primary key of the object saved by an earlier entry/);
      assert.ok(keyOfText.includes('\n\nResolves to the pk of the Password Stage saved by entry 2 (`id: password-stage`).\n\n'), keyOfText);
      const context = await hover(LOGIN, at(LOGIN, '!Context flow_slug', 2));
      assert.deepEqual(context.range, rangeOf(LOGIN, '!Context flow_slug'));
      assert.ok((context.contents as MarkupContent).value.includes("Resolves to the file's `context:` value `\"login\"`"));
      const format = await hover(LOGIN, at(LOGIN, '!Format', 2));
      assert.deepEqual(format.range, rangeOf(LOGIN, '!Format ["Welcome to %s", Login]'));
      assert.ok((format.contents as MarkupContent).value.includes('Resolves to `"Welcome to Login"`.'));
    });

    it('says what other tags resolve to where it can be known', async () => {
      const text = LOGIN.replace('      order: 10', ['      order: !If [!Condition [AND, true, 1], 10, 20]', '      name: !Context [missing, fallback]', '      x: !Env [SECRET, none]', '      y: !Find [authentik_flows.flow, [slug, login]]'].join('\n'));
      const value = async (needle: string, offset = 2): Promise<string> => ((await hover(text, at(text, needle, offset))).contents as MarkupContent).value;
      assert.ok((await value('!Condition')).includes('Resolves to `true`.'));
      assert.ok((await value('!If')).includes('Resolves to `10`.'));
      assert.ok((await value('!Context [missing')).includes("`missing` is not in this file's `context:`: supplied by the blueprint instance, else the default `\"fallback\"`."));
      assert.ok((await value('!Env')).includes('Read on the server at import: the environment variable `SECRET`; `"none"` when it is unset or empty.'));
      assert.ok((await value('!Find [authentik_flows.flow, [slug, login]]')).includes('Looks up the first Flow (`authentik_flows.flow`) where `slug` = `"login"`, and resolves to the pk of it'));
    });
  });

  describe('navigation on entry ids', () => {
    const idRange = (): Range => rangeOf(LOGIN, 'password-stage');
    const keyOfRange = (): Range => rangeOf(LOGIN, 'password-stage', 1);

    it('goes from a !KeyOf, and from an id, to the id', async () => {
      const uri = open(LOGIN);
      const fromKeyOf = await client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: at(LOGIN, '!KeyOf password-stage', 2) });
      assert.deepEqual(fromKeyOf, [{ uri, range: idRange() }]);
      const fromId = await client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: at(LOGIN, 'id: flow', 5) });
      assert.deepEqual(fromId, [{ uri, range: inner(LOGIN, 'id: flow', 'flow') }]);
      const elsewhere = await client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: at(LOGIN, 'login-password') });
      assert.deepEqual(elsewhere, []);
    });

    it('finds every !KeyOf of an id, with the id when the declaration is asked for', async () => {
      const uri = open(LOGIN);
      const position = at(LOGIN, 'password-stage', 3);
      const all = await client.request<Location[]>('textDocument/references', { textDocument: { uri }, position, context: { includeDeclaration: true } });
      assert.deepEqual(all, [{ uri, range: idRange() }, { uri, range: keyOfRange() }]);
      const uses = await client.request<Location[]>('textDocument/references', { textDocument: { uri }, position, context: { includeDeclaration: false } });
      assert.deepEqual(uses, [{ uri, range: keyOfRange() }]);
    });

    it('renames an id across the file from the id or from a !KeyOf, keeping the quotes', async () => {
      const uri = open(LOGIN);
      const prepared = await client.request<{ range: Range; placeholder: string }>('textDocument/prepareRename', { textDocument: { uri }, position: at(LOGIN, '!KeyOf password-stage', 10) });
      assert.deepEqual(prepared, { range: keyOfRange(), placeholder: 'password-stage' });
      const expected: TextEdit[] = [
        { range: idRange(), newText: 'login-password-stage' },
        { range: keyOfRange(), newText: 'login-password-stage' },
      ];
      for (const position of [at(LOGIN, '"password-stage"', 4), at(LOGIN, '!KeyOf password-stage', 3)]) {
        const edit = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position, newName: 'login-password-stage' });
        assert.deepEqual(edit, { changes: { [uri]: expected } });
      }
      const toNumber = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: at(LOGIN, 'id: flow', 5), newName: '12' });
      assert.deepEqual(toNumber, { changes: { [uri]: [{ range: inner(LOGIN, 'id: flow', 'flow'), newText: '"12"' }, { range: inner(LOGIN, '!KeyOf flow', 'flow'), newText: '"12"' }] } });
    });

    it('refuses to rename what is not an id, and a name another entry already has', async () => {
      const uri = open(LOGIN);
      await assert.rejects(
        client.request('textDocument/prepareRename', { textDocument: { uri }, position: at(LOGIN, 'login-password') }),
        /Only an entry id can be renamed here: place the cursor on an entry's `id:` value or on a `!KeyOf` argument\./,
      );
      await assert.rejects(
        client.request('textDocument/rename', { textDocument: { uri }, position: at(LOGIN, '!KeyOf password-stage', 10), newName: 'flow' }),
        /"flow" is already the id of entry 1/,
      );
    });
  });

  describe('symbols', () => {
    it('gives one symbol per entry (model title and identifiers), and metadata and context', async () => {
      const uri = open(LOGIN);
      const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
      const outline = symbols.map((s) => [s.name, s.detail, s.kind, s.range, s.selectionRange]);
      assert.deepEqual(outline, [
        ['metadata', 'Login', SymbolKind.Module, { start: { line: 1, character: 0 }, end: { line: 2, character: 13 } }, lineRange(1, 0, 8)],
        ['context', '1 keys', SymbolKind.Namespace, { start: { line: 3, character: 0 }, end: { line: 4, character: 18 } }, lineRange(3, 0, 7)],
        ['Flow slug=!Context flow_slug', 'authentik_flows.flow', SymbolKind.Module, { start: { line: 6, character: 4 }, end: { line: 13, character: 33 } }, lineRange(6, 11, 31)],
        ['Password Stage name=login-password', 'authentik_stages_password.passwordstage', SymbolKind.Class, { start: { line: 14, character: 4 }, end: { line: 20, character: 44 } }, lineRange(14, 11, 50)],
        ['Flow Stage Binding target=!KeyOf flow stage=!KeyOf password-stage order=10', 'authentik_flows.flowstagebinding', SymbolKind.Event, { start: { line: 21, character: 4 }, end: { line: 26, character: 18 } }, lineRange(21, 11, 43)],
      ]);
      assert.deepEqual(symbols[1]!.children?.map((c) => [c.name, c.kind, c.range]), [['flow_slug', SymbolKind.Variable, lineRange(4, 2, 18)]]);
    });

    it('puts entries under their sections when entries is a mapping, and names an entry without identifiers by its id', async () => {
      const text = ['version: 1', 'entries:', '  flows:', '    - model: authentik_flows.flow', '      id: main', '  policies:', '    - model: authentik_policies_expression.expressionpolicy', '      identifiers:', '        name: deny', ''].join('\n');
      const uri = open(text);
      const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
      assert.deepEqual(
        symbols.map((s) => [s.name, s.kind, s.range, s.children?.map((c) => [c.name, c.kind, c.range])]),
        [
          ['flows', SymbolKind.Namespace, { start: { line: 2, character: 2 }, end: { line: 4, character: 14 } }, [['Flow id=main', SymbolKind.Module, { start: { line: 3, character: 6 }, end: { line: 4, character: 14 } }]]],
          ['policies', SymbolKind.Namespace, { start: { line: 5, character: 2 }, end: { line: 8, character: 18 } }, [['Expression Policy name=deny', SymbolKind.Function, { start: { line: 6, character: 6 }, end: { line: 8, character: 18 } }]]],
        ],
      );
    });
  });

  describe('a YAML file that is not a blueprint', () => {
    const COMPOSE = ['services:', '  server:', '    image: ghcr.io/goauthentik/server:2026.8', '    command: server', '    environment:', '      AUTHENTIK_REDIS__HOST: redis', ''].join('\n');

    it('gets no diagnostics, no completion, no hover, no symbols and no navigation', async () => {
      const uri = `file:///tmp/authentik-blueprint-tests/${process.pid}/docker-compose.yaml`;
      const since = client.diagnosticsMarker();
      client.open(uri, 'yaml', COMPOSE, 1);
      assert.deepEqual((await client.waitForDiagnostics(uri, { since, afterVersion: 1 })).diagnostics, []);
      const textDocument = { uri };
      for (const position of [at(COMPOSE, 'command', 0), at(COMPOSE, 'server\n', 0), { line: 6, character: 0 }, at(COMPOSE, 'image', 2)]) {
        const list = await client.request<CompletionList | null>('textDocument/completion', { textDocument, position });
        assert.deepEqual(list?.items ?? [], [], `completion at ${JSON.stringify(position)}`);
        assert.equal(await client.request('textDocument/hover', { textDocument, position }), null);
        assert.deepEqual(await client.request('textDocument/definition', { textDocument, position }), []);
      }
      assert.deepEqual(await client.request('textDocument/documentSymbol', { textDocument }), []);
      assert.equal(await client.request('textDocument/prepareRename', { textDocument, position: at(COMPOSE, 'server', 1) }), null);
    });
  });

  it('announces definition, references and rename with prepare', async () => {
    const fresh = await LspClient.start({ command: process.execPath, args: [...SERVER_NODE_FLAGS, serverModule, '--stdio'], name: 'authentik stage server (capabilities)' });
    try {
      const { capabilities } = await fresh.initialize();
      assert.deepEqual([capabilities.definitionProvider, capabilities.referencesProvider, capabilities.renameProvider], [true, true, { prepareProvider: true }]);
    } finally {
      await fresh.shutdown();
    }
  });
});
