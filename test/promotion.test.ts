/**
 * One portable folder, two servers (dev and prod, different pks): pull portable from dev, push to
 * prod (created), edit and push to both (each merged against its own base), a remote edit on prod
 * merged, a same-named stage on prod refused without --adopt and taken with it, and the dry run
 * writing nothing anywhere and agreeing with what the push then does. Through the command line.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serverKey } from '../client/src/sync/baseStore';
import { startSandbox, type Sandbox } from '../tools/sandbox/server';
import { cli } from './support/cliRun';
import { json, startHostileServer } from './support/hostileServer';

const DENY = 'authentik_stages_deny.denystage';

/** Every file under `dir` with its bytes and modification time: "nothing was written" is this, unchanged. */
function snapshotTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (path: string): void => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      const stat = statSync(full);
      if (stat.isDirectory()) {
        out.set(`${full}/`, String(stat.mtimeMs));
        walk(full);
      } else out.set(full, `${stat.mtimeMs} ${readFileSync(full, 'base64')}`);
    }
  };
  walk(dir);
  return out;
}

function identities(dir: string, server: Sandbox): Array<{ pk: string; name: string; file: string }> {
  return (JSON.parse(readFileSync(join(dir, '.authentik', 'portable', `${serverKey(server.url)}.json`), 'utf8')) as { stages: Array<{ pk: string; name: string; file: string }> }).stages;
}

function baseOf(dir: string, server: Sandbox, pk: string): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(dir, '.authentik', 'bases', serverKey(server.url), `${pk}.json`), 'utf8')) as { fields: Record<string, unknown> }).fields;
}

/** `action file` of each plan or push line. */
function actions(stdout: string): Array<[string, string]> {
  return stdout
    .split('\n')
    .filter((line) => /^\S/.test(line))
    .map((line) => {
      const [action, file] = line.split(/\s+/);
      return [action!, file!];
    });
}

describe('portable files promoted from dev to prod', () => {
  let dev: Sandbox;
  let prod: Sandbox;
  let dir: string;
  const on = (server: Sandbox): Record<string, string> => ({ AUTHENTIK_URL: server.url, AUTHENTIK_TOKEN: server.token });
  before(async () => {
    dev = await startSandbox({ port: 0 });
    prod = await startSandbox({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'authentik-promotion-'));
  });
  after(async () => {
    await dev.close();
    await prod.close();
  });

  it('pull --portable writes no pk; push creates on prod, updates both against their own bases, merges a remote edit', async () => {
    const devStage = dev.store.addStage({ model: DENY, name: 'promo-deny', deny_message: 'from dev' });
    const pulled = await cli(dir, ['pull', devStage.pk as string, '--portable', '--out', 'stages'], on(dev));
    assert.equal(pulled.status, 0, pulled.stderr);
    const file = join(dir, 'stages', 'promo-deny.stage.yaml');
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /^pk:/m);
    assert.deepEqual(identities(dir, dev).map((s) => [s.pk, s.name, s.file]), [[devStage.pk, 'promo-deny', 'stages/promo-deny.stage.yaml']]);

    const created = await cli(dir, ['push', 'stages/promo-deny.stage.yaml'], on(prod));
    assert.equal(created.status, 0, created.stderr);
    assert.match(created.stdout, /^created/m);
    const prodStage = prod.store.findStageByName('promo-deny')!;
    assert.notEqual(prodStage.pk, devStage.pk);
    assert.equal(prodStage['deny_message'], 'from dev');
    assert.equal(readFileSync(file, 'utf8'), text, 'no pk is written into a portable file');
    assert.equal(identities(dir, prod)[0]!.pk, prodStage.pk);

    writeFileSync(file, text.replace('from dev', 'edited once'));
    for (const server of [dev, prod]) {
      const pushed = await cli(dir, ['push', 'stages/promo-deny.stage.yaml'], on(server));
      assert.equal(pushed.status, 0, pushed.stderr);
      assert.match(pushed.stdout, /^updated/m);
    }
    assert.equal(dev.store.getStage(devStage.pk as string)!['deny_message'], 'edited once');
    assert.equal(prod.store.getStage(prodStage.pk as string)!['deny_message'], 'edited once');
    assert.equal(baseOf(dir, dev, devStage.pk as string)['deny_message'], 'edited once');
    assert.equal(baseOf(dir, prod, prodStage.pk as string)['deny_message'], 'edited once');

    prod.store.updateStage(prodStage.pk as string, { deny_message: 'changed on prod' });
    const merged = await cli(dir, ['push', 'stages/promo-deny.stage.yaml'], on(prod));
    assert.equal(merged.status, 0, merged.stderr);
    assert.match(merged.stdout, /took the server's deny_message/);
    assert.match(readFileSync(file, 'utf8'), /deny_message: changed on prod/);
    assert.doesNotMatch(readFileSync(file, 'utf8'), /^pk:/m);
    const toDev = await cli(dir, ['push', 'stages/promo-deny.stage.yaml'], on(dev));
    assert.match(toDev.stdout, /^updated/m);
    assert.equal(dev.store.getStage(devStage.pk as string)!['deny_message'], 'changed on prod');
  });

  it('a name renamed in the file renames the stage synced before instead of creating a second one', async () => {
    const file = join(dir, 'stages', 'promo-deny.stage.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('name: promo-deny', 'name: promo-deny-renamed'));
    const before = prod.store.listStages(DENY).length;
    const pushed = await cli(dir, ['push', 'stages/promo-deny.stage.yaml'], on(prod));
    assert.equal(pushed.status, 0, pushed.stderr);
    assert.match(pushed.stdout, /^updated/m);
    assert.equal(prod.store.listStages(DENY).length, before);
    assert.ok(prod.store.findStageByName('promo-deny-renamed'));
    assert.equal(identities(dir, prod).find((s) => s.file === 'stages/promo-deny.stage.yaml')!.name, 'promo-deny-renamed');
  });

  it('a same-named stage this workspace never synced with prod is refused without --adopt, taken with it', async () => {
    const devTwin = dev.store.addStage({ model: DENY, name: 'promo-twin', deny_message: 'dev twin' });
    const prodTwin = prod.store.addStage({ model: DENY, name: 'promo-twin', deny_message: 'prod twin' });
    assert.equal((await cli(dir, ['pull', devTwin.pk as string, '--portable', '--out', 'stages'], on(dev))).status, 0);
    prod.requests.clear();
    const refused = await cli(dir, ['push', 'stages/promo-twin.stage.yaml'], on(prod));
    assert.equal(refused.status, 1);
    assert.match(refused.stdout, /^needs-adopt/m);
    assert.match(refused.stderr, /"promo-twin" exists on http:\/\/127\.0\.0\.1:\d+ \(pk [0-9a-f-]+\), but this workspace never synced it with that server: it was not overwritten\. Push with --adopt/);
    assert.deepEqual(prod.requests.filter((r) => r.method !== 'GET'), []);
    assert.equal(prod.store.getStage(prodTwin.pk as string)!['deny_message'], 'prod twin');

    // Adopting merges without a base: the differing field is a conflict until --force says the file wins.
    const conflicting = await cli(dir, ['push', '--adopt', 'stages/promo-twin.stage.yaml'], on(prod));
    assert.equal(conflicting.status, 1);
    assert.match(conflicting.stdout, /^conflict/m);
    assert.equal(prod.store.getStage(prodTwin.pk as string)!['deny_message'], 'prod twin');
    const adopted = await cli(dir, ['push', '--adopt', '--force', 'stages/promo-twin.stage.yaml'], on(prod));
    assert.equal(adopted.status, 0, adopted.stderr);
    assert.match(adopted.stdout, /^updated/m);
    assert.equal(prod.store.getStage(prodTwin.pk as string)!['deny_message'], 'dev twin');
    assert.equal(prod.store.listStages(DENY).filter((s) => s.name === 'promo-twin').length, 1);
    assert.ok(identities(dir, prod).some((s) => s.pk === prodTwin.pk));
    // Synced now: the next push needs no --adopt.
    const again = await cli(dir, ['push', 'stages/promo-twin.stage.yaml'], on(prod));
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /^unchanged/m);
  });

  it('pull --portable again updates the portable file in place (found by the sync state), still without pk', async () => {
    const devPk = identities(dir, dev).find((s) => s.file === 'stages/promo-deny.stage.yaml')!.pk;
    dev.store.updateStage(devPk, { deny_message: 'changed on dev' });
    const pulled = await cli(dir, ['pull', devPk, '--portable', '--out', 'stages'], on(dev));
    assert.equal(pulled.status, 0, pulled.stderr);
    assert.match(pulled.stdout, /^updated +stages\/promo-deny\.stage\.yaml/m);
    const text = readFileSync(join(dir, 'stages', 'promo-deny.stage.yaml'), 'utf8');
    assert.match(text, /deny_message: changed on dev/);
    assert.doesNotMatch(text, /^pk:/m);
    assert.equal(readdirSync(join(dir, 'stages')).filter((n) => n.startsWith('promo-deny')).length, 1);
  });

  it('push --dry-run writes nothing anywhere, sends no write, and the push then does what it said', async () => {
    const file = join(dir, 'stages', 'promo-deny.stage.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/deny_message: .*/, 'deny_message: planned'));
    writeFileSync(join(dir, 'stages', 'promo-new.stage.yaml'), `model: ${DENY}\nname: promo-new\ndeny_message: brand new\n`);
    const prodStage = prod.store.findStageByName('promo-deny-renamed')!;
    const before = snapshotTree(dir);
    prod.requests.clear();
    const plan = await cli(dir, ['push', '--dry-run', '--portable', 'stages/promo-deny.stage.yaml', 'stages/promo-new.stage.yaml', 'stages/promo-twin.stage.yaml'], on(prod));
    assert.equal(plan.status, 0, plan.stderr);
    assert.deepEqual(snapshotTree(dir), before);
    assert.deepEqual(prod.requests.filter((r) => r.method !== 'GET'), []);
    assert.match(plan.stdout, /^ {4}deny_message: "changed on prod" → "planned"$/m);
    assert.equal(prod.store.getStage(prodStage.pk as string)!['deny_message'], 'changed on prod');
    assert.equal(prod.store.findStageByName('promo-new'), undefined);

    const pushed = await cli(dir, ['push', '--portable', 'stages/promo-deny.stage.yaml', 'stages/promo-new.stage.yaml', 'stages/promo-twin.stage.yaml'], on(prod));
    assert.equal(pushed.status, 0, pushed.stderr);
    const planned = actions(plan.stdout).map(([action, f]) => [{ create: 'created', update: 'updated', unchanged: 'unchanged' }[action] ?? action, f]);
    assert.deepEqual(actions(pushed.stdout), planned);
    assert.deepEqual(planned, [
      ['updated', 'stages/promo-deny.stage.yaml'],
      ['created', 'stages/promo-new.stage.yaml'],
      ['unchanged', 'stages/promo-twin.stage.yaml'],
    ]);
    assert.equal(prod.store.getStage(prodStage.pk as string)!['deny_message'], 'planned');
    assert.doesNotMatch(readFileSync(join(dir, 'stages', 'promo-new.stage.yaml'), 'utf8'), /^pk:/m);
  });

  it('pull --portable writes references as !Find, never a pk, and records the stage in the sync state', async () => {
    const identification = dev.store.listStages('authentik_stages_identification.identificationstage')[0]!;
    const pulled = await cli(dir, ['pull', identification.pk as string, '--portable', '--out', 'refs'], on(dev));
    assert.equal(pulled.status, 0, pulled.stderr);
    const [name] = readdirSync(join(dir, 'refs'));
    const text = readFileSync(join(dir, 'refs', name!), 'utf8');
    assert.match(text, /^password_stage: !Find \[authentik_stages_password\.passwordstage, \[name, /m);
    assert.doesNotMatch(text, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    assert.ok(identities(dir, dev).some((s) => s.pk === identification.pk && s.file === `refs/${name!}`));
    assert.equal((await cli(dir, ['pull', identification.pk as string, '--portable', '--references', 'pk', '--out', 'refs'], on(dev))).status, 2);
  });

  it('a dry run against another authentik version caches no schema: the workspace stays as it was', async () => {
    const other = await startHostileServer({ upstream: prod.url, routes: [{ path: '/admin/version/', reply: json({ version_current: '2099.1.0' }) }] });
    try {
      const fresh = mkdtempSync(join(tmpdir(), 'authentik-dry-run-'));
      writeFileSync(join(fresh, 'a.stage.yaml'), `model: ${DENY}\nname: dry-other\ndeny_message: x\n`);
      const before = snapshotTree(fresh);
      const env = { AUTHENTIK_URL: other.url, AUTHENTIK_TOKEN: prod.token };
      const plan = await cli(fresh, ['push', '--dry-run', 'a.stage.yaml'], env);
      assert.equal(plan.status, 0, plan.stderr);
      assert.match(plan.stdout, /^create/m);
      assert.deepEqual(snapshotTree(fresh), before);
      // What a run that may write does: it caches the converted schema.
      assert.equal((await cli(fresh, ['diff', 'a.stage.yaml'], env)).status, 1);
      assert.ok(readdirSync(join(fresh, '.authentik', 'cache')).length > 0);
    } finally {
      await other.close();
    }
  });
});
