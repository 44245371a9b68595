/** A push plan as a person reads it: the summary before *Push to…*, the *Preview Push* document, what a folder push did. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlannedStage, PushPlan } from '../client/src/sync/plan';
import { planMarkdown, planSummary, planWrites, pushedSummary } from '../client/src/ui/planReport';

const stage = (name: string, action: PlannedStage['action'], more: Partial<PlannedStage> = {}): PlannedStage => ({
  file: '/w/stages/a.stage.yaml',
  document: 0,
  stage: `"${name}"`,
  model: 'authentik_stages_deny.denystage',
  name,
  portable: true,
  pk: action === 'create' ? undefined : '0610dbdd-61b9-5dd3-9003-1b3669da642f',
  action,
  changes: [],
  takenFromServer: [],
  conflicts: [],
  ...more,
});

const plan: PushPlan = {
  server: 'https://prod.example.com',
  files: [
    { file: '/w/stages/a.stage.yaml', blocked: false, problems: [], stages: [stage('new-one', 'create'), stage('edited', 'update', { changes: [{ field: 'deny_message', old: 'old | text', new: 'new `text`' }] }), stage('same', 'unchanged')] },
    { file: '/w/stages/b.stage.yaml', blocked: true, problems: [{ file: '/w/stages/b.stage.yaml', line: 3, column: 7, endLine: 3, endColumn: 10, severity: 'error', message: 'port: A valid integer is required.', field: 'port' }], stages: [] },
    { file: '/w/stages/c.stage.yaml', blocked: false, problems: [], stages: [stage('taken', 'adopt', { adoptThen: 'conflict' }), stage('both', 'conflict', { conflicts: [{ field: 'deny_message', base: 'a', local: 'b', remote: 'c', unknownBase: false }] })] },
  ],
};

describe('push plan reports', () => {
  it('sums the plan up in a fixed order, and knows when it writes nothing', () => {
    assert.equal(planSummary(plan), '1 to create, 1 to update, 1 unchanged, 1 of the same name to adopt, 1 conflict, 1 file with errors (nothing of it is sent)');
    assert.equal(planWrites(plan), true);
    assert.equal(planWrites({ server: plan.server, files: [{ file: '/w/x', blocked: false, problems: [], stages: [stage('same', 'unchanged')] }] }), false);
    assert.equal(planSummary({ server: plan.server, files: [] }), 'nothing to push');
  });

  it('renders each file as a table with the changes below, text from files and servers kept out of the markup', () => {
    const text = planMarkdown(plan, 'prod', (file) => file.replace('/w/', ''));
    assert.match(text, /^# Push plan: prod \(https:\/\/prod\.example\.com\)$/m);
    assert.match(text, /^## stages\/a\.stage\.yaml$/m);
    assert.match(text, /^\| "new-one" \| `authentik_stages_deny.denystage` \| \*\*create\*\* \| — \|$/m);
    assert.match(text, /^- "edited" · `deny_message`: `"old \| text"` → `` "new `text`" ``$/m);
    assert.match(text, /^Not sent: the file has errors\.$/m);
    assert.match(text, /^- line 3: port: A valid integer is required\.$/m);
    assert.match(text, /\*\*adopt\? \(then conflict\)\*\*/);
    assert.match(text, /^- "both" · `deny_message`: conflict — the server has `"c"`, the file `"b"`$/m);
  });

  it('says what a folder push did, failures last', () => {
    const summary = pushedSummary([
      { blocked: false, outcomes: [{ status: 'created' }, { status: 'unchanged' }, { status: 'unchanged' }] },
      { blocked: true, outcomes: [] },
      { blocked: false, outcomes: [{ status: 'needs-adopt' }] },
    ]);
    assert.equal(summary, '1 created, 2 unchanged; 1 needs adopt, 1 file not sent (errors) (see Problems)');
  });
});
