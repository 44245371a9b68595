/**
 * The engine's reference checks through `validateText`, the entry the command line's
 * `validate --online` uses: the same file is clean offline and has the server's errors with an index.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SchemaCatalog } from '../server/engine/schema/catalog';
import { validateText } from '../server/engine/service/fileProblems';
import type { ObjectIndex } from '../server/engine/references/objectIndex';
import { readSettings } from '../server/src/settings';
import { DEFAULT_SETTINGS } from '../server/src/protocol';
import { schemaDir } from './support/paths';

const catalog = SchemaCatalog.fromDirectory(schemaDir);
const MISSING = '99999999-9999-4999-8999-999999999999';
const INDEX: ObjectIndex = {
  server: 'https://auth.example.test/',
  models: { 'authentik_flows.flow': { complete: true, objects: [{ pk: '11111111-1111-4111-8111-111111111111', model: 'authentik_flows.flow', label: 'Sign up', fields: { title: 'Sign up', slug: 'sign-up' } }] } },
};
const FILE = `model: authentik_stages_redirect.redirectstage\nname: go\nmode: flow\ntarget_flow: ${MISSING}\n---\nmodel: authentik_stages_redirect.redirectstage\nname: go-too\nmode: flow\ntarget_flow: !Find [authentik_flows.flow, [slug, sign-up]]\n`;

describe('reference checks in the engine', () => {
  it('claims nothing offline and reports a missing pk with the index, naming the server without its trailing slash', () => {
    assert.deepEqual(validateText(catalog, 'go.stage.yaml', FILE), []);
    const problems = validateText(catalog, 'go.stage.yaml', FILE, { index: INDEX });
    assert.deepEqual(
      problems.map((p) => [p.line, p.column, p.endColumn, p.severity, p.field, p.message]),
      [[4, 14, 50, 'error', 'target_flow', `target_flow: Invalid pk "${MISSING}" - object does not exist. No Flow on https://auth.example.test has this pk: pick one (completion lists them) or write !Find by name.`]],
    );
  });

  it('reads authentik.references.insert, defaulting to find and keeping the other settings', () => {
    assert.deepEqual(readSettings({ references: { insert: 'pk' } }, DEFAULT_SETTINGS), { validation: { enable: true }, references: { insert: 'pk' }, files: { extraPatterns: [] } });
    assert.deepEqual(readSettings({ validation: { enable: false }, references: { insert: 'nonsense' } }), { validation: { enable: false }, references: { insert: 'find' }, files: { extraPatterns: [] } });
    assert.deepEqual(readSettings({ validation: { enable: false } }, { validation: { enable: true }, references: { insert: 'pk' }, files: { extraPatterns: [] } }).references.insert, 'pk');
  });
});
