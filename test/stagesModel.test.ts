/** The Stages view's model over real HTTP against the sandbox: types, counts, pages, filters, parents, and the refresh race. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthentikClient } from '../client/src/api/authentikClient';
import { StagesModel, type StageTreeNode, type TreeSource } from '../client/src/ui/stagesModel';
import { SchemaCatalog } from '../server/engine/schema/catalog';
import { startSandbox, type Sandbox } from '../tools/sandbox/server';
import { schemaDir } from './support/paths';

const DENY = 'authentik_stages_deny.denystage';

describe('the Stages view model', () => {
  let sandbox: Sandbox;
  let client: AuthentikClient;
  const catalog = SchemaCatalog.fromDirectory(schemaDir);
  let connected = true;
  const source: TreeSource = {
    status: () => (connected ? { connected: true, serverName: 'sandbox', version: catalog.version, list: client, models: catalog.models } : { connected: false, message: 'sandbox: signed out' }),
  };

  before(async () => {
    sandbox = await startSandbox({ port: 0, seed: { demo: true, generate: [{ model: DENY, count: 130, namePrefix: 'alpha-deny' }, { model: DENY, count: 3, namePrefix: 'beta-deny' }] } });
    client = new AuthentikClient({ baseUrl: sandbox.url, token: sandbox.token });
  });
  after(async () => {
    client.close();
    await sandbox.close();
  });

  const typeOf = (nodes: StageTreeNode[], model: string): Extract<StageTreeNode, { kind: 'type' }> => {
    const node = nodes.find((n) => n.kind === 'type' && n.entry.model === model);
    assert.ok(node && node.kind === 'type', `no type node for ${model}`);
    return node;
  };

  it('lists server → types with counts → stages a page at a time, and knows each node’s parent', async () => {
    const changes: Array<StageTreeNode | undefined> = [];
    const model = new StagesModel(source, (node) => changes.push(node));
    const [server] = await model.children(undefined);
    assert.equal(server!.kind, 'server');
    const types = await model.children(server);
    assert.equal(types.length, catalog.models.length);
    await model.idle();
    const deny = typeOf(types, DENY);
    assert.equal(deny.count, sandbox.store.listStages(DENY).length);
    assert.ok(changes.includes(deny), 'the count is announced on its node');
    const first = await model.children(deny);
    assert.equal(first.filter((n) => n.kind === 'stage').length, 100);
    const more = first.at(-1)!;
    assert.equal(more.kind, 'more');
    assert.equal(model.parent(first[0]!), deny);
    assert.equal(model.parent(deny), server);
    assert.equal(model.parent(server!), undefined);
    await model.loadMore(more);
    const all = await model.children(deny);
    assert.equal(all.filter((n) => n.kind === 'stage').length, deny.count);
    assert.ok(all.every((n) => n.kind === 'stage'));
  });

  it('a new filter never shows the old filter’s counts, however late they arrive', async () => {
    const model = new StagesModel(source, () => undefined);
    model.setFilter('alpha-deny');
    // The old filter's count requests are slow; the new filter's are not.
    sandbox.faults.add({ path: 'search=alpha-deny', delayMs: 400, times: 0 });
    try {
      const [server] = await model.children(undefined);
      await model.children(server);
      model.setFilter('beta-deny');
      const [newServer] = await model.children(undefined);
      const types = await model.children(newServer);
      await model.idle();
      assert.equal(typeOf(types, DENY).count, 3);
      assert.equal(typeOf(types, 'authentik_stages_password.passwordstage').count, 0);
    } finally {
      sandbox.faults.clear();
    }
  });

  it('a page that arrives after a refresh is dropped, and a disconnected server shows why', async () => {
    const model = new StagesModel(source, () => undefined);
    const [server] = await model.children(undefined);
    const deny = typeOf(await model.children(server), DENY);
    sandbox.faults.add({ path: '/stages/deny/', delayMs: 300, times: 1 });
    const stale = model.children(deny);
    model.setFilter('beta-deny');
    assert.deepEqual(await stale, []);
    const fresh = await model.children(typeOf(await model.children((await model.children(undefined))[0]), DENY));
    assert.deepEqual(fresh.map((n) => (n.kind === 'stage' ? n.stage.name : n.kind)).sort(), sandbox.store.listStages(DENY).map((s) => String(s['name'])).filter((n) => n.startsWith('beta-deny')).sort());
    connected = false;
    try {
      assert.deepEqual(await model.children(undefined), [{ kind: 'message', label: 'sandbox: signed out' }]);
    } finally {
      connected = true;
    }
  });

  it('marks the stages whose files agree or differ, lists files whose stage is gone once the type is listed whole, and compares again on request', async () => {
    const stages = sandbox.store.listStages(DENY).map((stage) => String(stage['pk']));
    let asked = 0;
    let latest = 'same' as 'same' | 'differs';
    const withFiles: TreeSource = {
      ...source,
      agreement: async (entry, listed, complete) => {
        asked++;
        assert.equal(entry.model, DENY);
        return { stages: new Map([[String(listed[0]!.pk).toLowerCase(), latest]]), gone: complete ? [{ file: '/w/gone.stage.yaml', stage: '"deleted-one"' }] : [] };
      },
    };
    const changes: Array<StageTreeNode | undefined> = [];
    const model = new StagesModel(withFiles, (node) => changes.push(node));
    const [server] = await model.children(undefined);
    const deny = typeOf(await model.children(server), DENY);
    const first = await model.children(deny);
    const marked = first.filter((n) => n.kind === 'stage' && n.agreement);
    assert.equal(marked.length, 1);
    assert.ok(stages.length > 100 && !first.some((n) => n.kind === 'gone'), 'a type listed in part says nothing of gone files');
    await model.loadMore(first.at(-1)!);
    const all = await model.children(deny);
    const gone = all.find((n) => n.kind === 'gone');
    assert.ok(gone && gone.kind === 'gone' && gone.stage === '"deleted-one"');
    assert.equal(model.parent(gone), deny);
    latest = 'differs';
    changes.length = 0;
    model.refreshAgreement();
    assert.ok(changes.includes(deny), 'the type is announced again');
    const again = await model.children(deny);
    assert.equal(again.find((n) => n.kind === 'stage' && n.agreement)?.kind === 'stage' ? (again.find((n) => n.kind === 'stage' && n.agreement) as Extract<StageTreeNode, { kind: 'stage' }>).agreement : undefined, 'differs');
    assert.ok(asked >= 3);
  });
});
