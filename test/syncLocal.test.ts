/** The sync engine's local parts: rewriting files without losing anything, merging, naming. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { threeWayMerge } from '../client/src/sync/merge';
import { safeFileStem, stageFileName } from '../client/src/sync/naming';
import { deleteField, parseStageFile, renderNewDocument, serializeStageFile, setField, stageDocuments } from '../client/src/sync/stageFileIO';
import { serverKey } from '../client/src/sync/baseStore';

const MULTI = `# Login stages, kept in git.
model: authentik_stages_identification.identificationstage   # the first stage
name: login-identification
user_fields: [username, email]   # flow style stays
---
# The password stage.
model: authentik_stages_password.passwordstage
name: login-password
backends:
  - authentik.core.auth.InbuiltBackend
failed_attempts_before_cancel: 5 # five tries
`;

describe('stage file rewriting', () => {
  it('writes a pk after model in one document and leaves every other byte alone', () => {
    const file = parseStageFile('login.stage.yaml', MULTI);
    const [, password] = stageDocuments(file);
    setField(password!, 'pk', '0b5d7c9e-1f2a-4b3c-8d4e-5f6a7b8c9d0e', 'model');
    const text = serializeStageFile(file);
    assert.equal(text, MULTI.replace('model: authentik_stages_password.passwordstage\n', 'model: authentik_stages_password.passwordstage\npk: 0b5d7c9e-1f2a-4b3c-8d4e-5f6a7b8c9d0e\n'));
  });

  it('changes a value in place, keeping its comment', () => {
    const file = parseStageFile('login.stage.yaml', MULTI);
    setField(stageDocuments(file)[1]!, 'failed_attempts_before_cancel', 3);
    assert.match(serializeStageFile(file), /\nfailed_attempts_before_cancel: 3 # five tries\n$/);
    const untouched = parseStageFile('login.stage.yaml', MULTI);
    setField(stageDocuments(untouched)[1]!, 'failed_attempts_before_cancel', 5);
    assert.equal(stageDocuments(untouched)[1]!.changed, false, 'setting the same value is no change');
    assert.equal(serializeStageFile(untouched), MULTI);
  });

  it('adds and deletes keys', () => {
    const file = parseStageFile('x.stage.yaml', 'model: authentik_stages_deny.denystage\nname: d\n');
    const [doc] = stageDocuments(file);
    setField(doc!, 'deny_message', 'No.');
    deleteField(doc!, 'name');
    assert.equal(serializeStageFile(file), 'model: authentik_stages_deny.denystage\ndeny_message: No.\n');
  });

  it('JSON keeps key order and indentation', () => {
    const text = '{\n    "model": "authentik_stages_deny.denystage",\n    "name": "d"\n}\n';
    const file = parseStageFile('x.stage.json', text);
    setField(stageDocuments(file)[0]!, 'pk', 'abc', 'model');
    assert.equal(serializeStageFile(file), '{\n    "model": "authentik_stages_deny.denystage",\n    "pk": "abc",\n    "name": "d"\n}\n');
    assert.equal(serializeStageFile(parseStageFile('x.stage.json', text)), text);
  });

  it('renders new documents in the given key order', () => {
    const object = { model: 'authentik_stages_deny.denystage', pk: 'p', name: 'n', deny_message: 'Nope: "quoted"' };
    assert.equal(renderNewDocument(object, 'yaml'), `model: authentik_stages_deny.denystage\npk: p\nname: n\ndeny_message: 'Nope: "quoted"'\n`);
    assert.deepEqual(JSON.parse(renderNewDocument(object, 'json')), object);
  });
});

describe('three-way merge', () => {
  const base = { name: 'a', port: 25, host: 'h' };
  it('pushes fields changed only locally, takes fields changed only remotely', () => {
    const plan = threeWayMerge(base, { name: 'a', port: 587, host: 'h' }, { name: 'a', port: 25, host: 'smtp' });
    assert.deepEqual(plan.push, { port: 587 });
    assert.deepEqual(plan.takeRemote, { host: 'smtp' });
    assert.deepEqual(plan.conflicts, []);
  });
  it('a field changed on both sides differently is a conflict; the same change is not', () => {
    const plan = threeWayMerge(base, { name: 'a', port: 587, host: 'x' }, { name: 'a', port: 465, host: 'x' });
    assert.deepEqual(plan.conflicts.map((c) => [c.field, c.base, c.local, c.remote]), [['port', 25, 587, 465]]);
    assert.deepEqual(plan.push, {});
  });
  it('fields the file leaves out follow the server', () => {
    const plan = threeWayMerge(base, { name: 'a' }, { name: 'a', port: 1, host: 'z' });
    assert.deepEqual(plan, { push: {}, takeRemote: {}, conflicts: [] });
  });
  it('without a base every difference is a conflict', () => {
    const plan = threeWayMerge(undefined, { name: 'a', port: 1 }, { name: 'a', port: 2 });
    assert.equal(plan.conflicts.length, 1);
    assert.equal(plan.conflicts[0]!.unknownBase, true);
  });
});

describe('file names', () => {
  it('are safe and readable', () => {
    assert.equal(safeFileStem('Recovery: Email (v2)'), 'recovery-email-v2');
    assert.equal(safeFileStem('Ünïcödé / stage'), 'unicode-stage');
    assert.equal(safeFileStem('../../etc/passwd'), 'etc-passwd');
    assert.equal(safeFileStem('con'), 'stage-con');
    assert.equal(safeFileStem('   '), 'stage');
  });
  it('never take another stage’s file', () => {
    const taken = new Set(['login.stage.yaml']);
    assert.equal(stageFileName('login', '0b5d7c9e-aaaa', 'yaml', (f) => taken.has(f)), 'login-0b5d7c9e.stage.yaml');
    assert.equal(stageFileName('other', '0b5d7c9e-aaaa', 'json', (f) => taken.has(f)), 'other.stage.json');
  });
  it('servers get a folder each', () => {
    assert.equal(serverKey('https://auth.example.com'), 'auth.example.com_443');
    assert.equal(serverKey('http://127.0.0.1:9000/sub/'), '127.0.0.1_9000_sub');
  });
});
