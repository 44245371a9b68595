/** What the extension's commands decide, without a window: input checks, questions, reports, new stages. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SchemaCatalog } from '@authentik-stages/engine';
import type { PushFileResult, PushOutcome } from '../client/src/sync/push';
import { adminStagesUrl, deleteDetail, newStageObject, normalizeServerUrl, serverUrlProblem } from '../client/src/ui/commandDecisions';
import { pushReport } from '../client/src/ui/pushReport';
import { schemaDir } from './support/paths';

const outcome = (stage: string, status: PushOutcome['status'], merged: string[] = []): PushOutcome => ({ stage, model: 'authentik_stages_deny.denystage', pk: undefined, status, merged, conflicts: [], storedDifferently: [], overwritten: [] });
const result = (outcomes: PushOutcome[], blocked = false): PushFileResult => ({ file: 'a.stage.yaml', outcomes, invalid: [], problems: [], rewritten: false, blocked, unwritten: [] });

describe('command decisions', () => {
  it('Add Server takes http(s) URLs only and keeps them without trailing slashes', () => {
    assert.equal(serverUrlProblem('https://auth.example.com'), undefined);
    assert.equal(serverUrlProblem(' http://127.0.0.1:9000/ '), undefined);
    assert.equal(serverUrlProblem('ftp://auth.example.com'), 'Use an http(s) URL.');
    assert.match(serverUrlProblem('auth.example.com') ?? '', /Not a URL/);
    assert.equal(normalizeServerUrl(' https://auth.example.com/sub// '), 'https://auth.example.com/sub');
    assert.equal(adminStagesUrl('https://auth.example.com/'), 'https://auth.example.com/if/admin/#/flow/stages');
  });

  it('the delete question names each user of the stage once', () => {
    assert.equal(deleteDetail([], []), 'No flow uses it.');
    const detail = deleteDetail(['default-authentication-flow'], [{ app: 'authentik_flows', model_name: 'flowstagebinding', pk: '1', name: 'binding', action: 'cascade' }, { app: 'authentik_flows', model_name: 'flowstagebinding', pk: '2', name: 'binding', action: 'cascade' }]);
    assert.equal(detail, 'It is used by: default-authentication-flow, flowstagebinding binding. Deleting it removes it from there too.');
  });

  it('a new stage holds its model, name and a placeholder of the right shape for each required field', () => {
    const catalog = SchemaCatalog.fromDirectory(schemaDir);
    for (const entry of catalog.models) {
      const object = newStageObject(entry, catalog.schema(entry.model), '  New one ');
      assert.equal(object['model'], entry.model);
      if (entry.fields.includes('name')) assert.equal(object['name'], 'New one');
      for (const field of entry.required) assert.ok(Object.hasOwn(object, field), `${entry.model}: ${field}`);
    }
    const prompt = catalog.models.find((m) => m.kind === 'prompt')!;
    const placeholder = newStageObject(prompt, catalog.schema(prompt.model), 'p')['type'];
    assert.ok(catalog.schema(prompt.model)!.properties!['type']!.enum!.includes(placeholder as string), 'a choice field gets a valid choice');
  });

  it('a push report says what happened, and fails for anything but created, updated, unchanged', () => {
    assert.deepEqual(pushReport(result([outcome('"a"', 'created'), outcome('"b"', 'updated', ['name'])]), 'a.stage.yaml'), {
      ok: true,
      message: `Pushed a.stage.yaml: "a" created; "b" updated (took the server's name).`,
    });
    assert.deepEqual(pushReport(result([], true), 'a.stage.yaml'), { ok: false, message: 'a.stage.yaml was not pushed: it has errors (see Problems). Nothing was sent.' });
    const failed = pushReport(result([outcome('"a"', 'unchanged'), outcome('"b"', 'conflict'), outcome('"c"', 'rejected')]), 'a.stage.yaml', 'Push on save');
    assert.deepEqual(failed, { ok: false, message: 'Push on save of a.stage.yaml failed: "b": conflict; "c": rejected. See Problems.' });
  });
});
