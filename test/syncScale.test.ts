/**
 * A folder compared from one list per stage type: the requests of a push of N unchanged files do
 * not grow with N; the plan and the push that follows agree; the workspace's agreement with the
 * server from the same lists; a single file's portable push (push-on-save) asking per stage
 * whether to adopt.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { workspaceAgreement } from '../client/src/sync/agreement';
import { planPush, pushFiles, type PlanAction } from '../client/src/sync/plan';
import type { PushStatus } from '../client/src/sync/push';
import { pushFile } from '../client/src/sync/push';
import { ServerListing } from '../client/src/sync/serverListing';
import { engineValidator } from '../client/src/sync/validator';
import type { AdoptCandidate } from '../client/src/sync/portableTarget';
import { startSandbox, type Sandbox } from '../tools/sandbox/server';
import { cli } from './support/cliRun';
import { syncFixture, type SyncFixture } from './support/syncFixture';

const DENY = 'authentik_stages_deny.denystage';
const DUMMY = 'authentik_stages_dummy.dummystage';

describe('push of a folder: requests by stage type, not by file', () => {
  let sandbox: Sandbox;
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    sandbox = await startSandbox({ port: 0 });
    sandbox.store.addStages({ model: DENY, count: 50, namePrefix: 'scale-deny-' });
    sandbox.store.addStages({ model: DUMMY, count: 50, namePrefix: 'scale-dummy-' });
    dir = mkdtempSync(join(tmpdir(), 'authentik-scale-'));
    env = { AUTHENTIK_URL: sandbox.url, AUTHENTIK_TOKEN: sandbox.token };
    for (const model of [DENY, DUMMY]) assert.equal((await cli(dir, ['pull', '--model', model, '--out', 'stages'], env)).status, 0);
  });
  after(async () => {
    await sandbox.close();
  });

  async function pushCount(files: string[], command: string[] = ['push']): Promise<{ requests: number; singleFetches: number }> {
    sandbox.requests.clear();
    const pushed = await cli(dir, [...command, ...files], env);
    assert.equal(pushed.status, 0, pushed.stderr);
    const said = command[0] === 'diff' ? (l: string): boolean => l.endsWith('same as the server') : (l: string): boolean => l.startsWith('unchanged');
    assert.equal(pushed.stdout.trim().split('\n').filter(said).length, files.length);
    return { requests: sandbox.requests.length, singleFetches: sandbox.requests.filter((r) => /\/[0-9a-f-]{36}\/$/.test(r.path)).length };
  }

  it('N = 5 and N = 50 unchanged files of one type make the same requests; a second type adds one list', async () => {
    const files = (prefix: string): string[] => readdirSync(join(dir, 'stages')).filter((f) => f.startsWith(prefix)).sort().map((f) => `stages/${f}`);
    const deny = files('scale-deny-');
    const dummy = files('scale-dummy-');
    assert.equal(deny.length, 50);
    const five = await pushCount(deny.slice(0, 5));
    const fifty = await pushCount(deny);
    assert.equal(fifty.requests, five.requests);
    assert.equal(fifty.singleFetches, 0);
    const twoTypes = await pushCount([...deny, ...dummy]);
    assert.equal(twoTypes.requests, five.requests + 1);
    assert.equal(sandbox.requests.filter((r) => r.method !== 'GET').length, 0);
  });

  it('diff and push --dry-run of N = 5 and N = 50 files make the same requests, none per stage', async () => {
    const deny = readdirSync(join(dir, 'stages')).filter((f) => f.startsWith('scale-deny-')).sort().map((f) => `stages/${f}`);
    for (const command of [['diff'], ['push', '--dry-run']]) {
      const five = await pushCount(deny.slice(0, 5), command);
      const fifty = await pushCount(deny, command);
      assert.equal(fifty.requests, five.requests, command.join(' '));
      assert.equal(fifty.singleFetches, 0, command.join(' '));
    }
  });
});

describe('planPush and pushFiles', () => {
  let fx: SyncFixture;
  before(async () => {
    fx = await syncFixture();
  });
  after(async () => {
    await fx.close();
  });

  const options = (): Parameters<typeof planPush>[1] => ({ api: fx.client, catalog: fx.catalog, validate: engineValidator(fx.catalog), bases: fx.bases, env: {} });

  it('the push does what the plan says, stage by stage; the plan names the fields old → new', async () => {
    const stage = (name: string, message: string): string => {
      const created = fx.sandbox.store.addStage({ model: DENY, name, deny_message: message });
      return fx.write(`${name}.stage.yaml`, `model: ${DENY}\npk: ${created.pk as string}\nname: ${name}\ndeny_message: ${message}\n`);
    };
    const edited = stage('plan-edited', 'before');
    const same = stage('plan-same', 'same');
    const gone = stage('plan-gone', 'gone');
    const conflicted = stage('plan-conflict', 'base');
    const fresh = fx.write('plan-new.stage.yaml', `model: ${DENY}\nname: plan-new\ndeny_message: new\n`);
    const files = [edited, same, gone, conflicted, fresh];
    // Bases for the pinned ones: a first push records them.
    await pushFiles([edited, same, gone, conflicted], options());
    writeFileSync(edited, fx.read(edited).replace('before', 'after'));
    fx.sandbox.store.deleteStage(/pk: (\S+)/.exec(fx.read(gone))![1]!);
    const conflictPk = /pk: (\S+)/.exec(fx.read(conflicted))![1]!;
    fx.sandbox.store.updateStage(conflictPk, { deny_message: 'server side' });
    writeFileSync(conflicted, fx.read(conflicted).replace('deny_message: base', 'deny_message: file side'));

    fx.sandbox.requests.clear();
    const plan = await planPush(files, options());
    assert.deepEqual(fx.sandbox.requests.filter((r) => r.method !== 'GET'), []);
    const planned = plan.files.map((f) => f.stages.map((s) => s.action));
    assert.deepEqual(planned, [['update'], ['unchanged'], ['deleted-on-server'], ['conflict'], ['create']]);
    assert.deepEqual(plan.files[0]!.stages[0]!.changes, [{ field: 'deny_message', old: 'before', new: 'after' }]);
    assert.equal(plan.files[3]!.stages[0]!.conflicts[0]!.remote, 'server side');

    const { results } = await pushFiles(files, options());
    const statusOf: Record<PlanAction, PushStatus> = { update: 'updated', unchanged: 'unchanged', 'deleted-on-server': 'deleted-remotely', conflict: 'conflict', create: 'created', adopt: 'needs-adopt', blocked: 'failed' };
    assert.deepEqual(
      results.map((r) => r.outcomes.map((o) => o.status)),
      planned.map((actions) => actions.map((a) => statusOf[a])),
    );
  });

  it('a stage changed on the server after the listing is fetched again before a write: the change is merged, not overwritten', async () => {
    const created = fx.sandbox.store.addStage({ model: DENY, name: 'stale-list', deny_message: 'old' });
    const path = fx.write('stale-list.stage.yaml', `model: ${DENY}\npk: ${created.pk as string}\nname: stale-list\ndeny_message: old\n`);
    await pushFiles([path], options());
    writeFileSync(path, fx.read(path).replace('deny_message: old', 'deny_message: new'));
    const listing = await ServerListing.load(fx.client, [fx.catalog.entry(DENY)!]);
    fx.sandbox.store.updateStage(created.pk as string, { name: 'stale-list-renamed' });
    const result = await pushFile(path, { ...options(), listing });
    assert.equal(result.outcomes[0]!.status, 'updated');
    assert.deepEqual(result.outcomes[0]!.merged, ['name']);
    const stored = fx.sandbox.store.getStage(created.pk as string)!;
    assert.equal(stored['name'], 'stale-list-renamed');
    assert.equal(stored['deny_message'], 'new');
    assert.match(fx.read(path), /^name: stale-list-renamed$/m);
  });

  it('workspaceAgreement: same, differs, only on the server, and a file whose stage is gone, from one listing', async () => {
    const a = fx.sandbox.store.addStage({ model: DUMMY, name: 'agree-same' });
    const b = fx.sandbox.store.addStage({ model: DUMMY, name: 'agree-differs', throw_error: false });
    const c = fx.sandbox.store.addStage({ model: DUMMY, name: 'agree-server-only' });
    const d = fx.sandbox.store.addStage({ model: DUMMY, name: 'agree-gone' });
    const files = [
      fx.write('agree-same.stage.yaml', `model: ${DUMMY}\npk: ${a.pk as string}\nname: agree-same\n`),
      fx.write('agree-differs.stage.yaml', `model: ${DUMMY}\npk: ${b.pk as string}\nname: agree-differs\nthrow_error: true\n`),
      fx.write('agree-gone.stage.yaml', `model: ${DUMMY}\npk: ${d.pk as string}\nname: agree-gone\n`),
    ];
    fx.sandbox.store.deleteStage(d.pk as string);
    const listing = await ServerListing.load(fx.client, [fx.catalog.entry(DUMMY)!]);
    fx.sandbox.requests.clear();
    const agreement = await workspaceAgreement(files, listing, { api: fx.client, catalog: fx.catalog, bases: fx.bases, env: {} });
    assert.equal(fx.sandbox.requests.length, 0);
    const state = (pk: unknown): string | undefined => agreement.stages.find((s) => s.pk === pk)?.state;
    assert.equal(state(a.pk), 'same');
    assert.equal(state(b.pk), 'differs');
    assert.deepEqual(agreement.stages.find((s) => s.pk === b.pk)!.fields, ['throw_error']);
    assert.equal(state(c.pk), 'only-on-server');
    assert.deepEqual(agreement.files.map((f) => [f.pk, f.state]), [[d.pk, 'gone']]);
  });

  it('a single portable file (push-on-save) finds a same-named stage by a search and asks whether to adopt it', async () => {
    const existing = fx.sandbox.store.addStage({ model: DENY, name: 'save-twin', deny_message: 'same' });
    const path = fx.write('save-twin.stage.yaml', `model: ${DENY}\nname: save-twin\ndeny_message: same\n`);
    const asked: AdoptCandidate[] = [];
    const base = { api: fx.client, catalog: fx.catalog, validate: engineValidator(fx.catalog), bases: fx.bases, env: {}, portable: true };
    const refused = await pushFile(path, { ...base, adoptSameNamed: (candidate) => (asked.push(candidate), false) });
    assert.equal(refused.outcomes[0]!.status, 'needs-adopt');
    assert.deepEqual(asked.map((c) => [c.name, c.pk]), [['save-twin', existing.pk]]);
    const adopted = await pushFile(path, { ...base, adoptSameNamed: () => true });
    assert.equal(adopted.outcomes[0]!.status, 'unchanged');
    assert.equal(fx.bases.identities.byPk(existing.pk as string)!.name, 'save-twin');
    assert.doesNotMatch(readFileSync(path, 'utf8'), /^pk:/m);
    // Known now: no question the next time.
    const again = await pushFile(path, { ...base, portable: false, adoptSameNamed: () => assert.fail('asked again') });
    assert.equal(again.outcomes[0]!.status, 'unchanged');
  });
});
