/** "Diff against the server" is one function for the command line and the extension: only a 404 means deleted. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SchemaCatalog } from '@authentik-stages/engine';
import { AuthentikClient } from '../client/src/api/authentikClient';
import { AuthentikAuthenticationError, AuthentikServerError, AuthentikTimeoutError } from '../client/src/api/errors';
import { diffStage, remoteForDiff } from '../client/src/sync/diff';
import { localStages } from '../client/src/sync/localStage';
import { parseStageFile } from '../client/src/sync/stageFileIO';
import { startSandbox, type Sandbox } from '../tools/sandbox/server';
import { json, startHostileServer, type HostileServer } from './support/hostileServer';
import { schemaDir } from './support/paths';

describe('the server side of a diff', () => {
  let sandbox: Sandbox;
  let fake: HostileServer;
  let client: AuthentikClient;
  const catalog = SchemaCatalog.fromDirectory(schemaDir);
  let pk: string;
  before(async () => {
    sandbox = await startSandbox({ port: 0 });
    fake = await startHostileServer({ upstream: sandbox.url });
    client = new AuthentikClient({ baseUrl: fake.url, token: sandbox.token, timeoutMs: 300, maxRetries: 0 });
    pk = String(sandbox.store.addStage({ model: 'authentik_stages_deny.denystage', name: 'diff-remote' })['pk']);
  });
  after(async () => {
    client.close();
    await fake.close();
    await sandbox.close();
  });

  const stage = () => localStages(parseStageFile('/w/a.stage.yaml', `model: authentik_stages_deny.denystage\npk: ${pk}\nname: diff-remote\ndeny_message: changed\n`), catalog).stages[0]!;

  it('reads the stage, and a 404 is "deleted on the server"', async () => {
    const remote = await remoteForDiff(client, fake.url, stage());
    assert.equal(remote?.name, 'diff-remote');
    assert.equal(diffStage(stage(), remote, {}).state, 'different');
    fake.route({ method: 'GET', path: `/stages/deny/${pk}/`, reply: json({ detail: 'No DenyStage matches the given query.' }, 404) });
    assert.equal(diffStage(stage(), await remoteForDiff(client, fake.url, stage()), {}).state, 'deleted');
  });

  it('a refused token, a server error or a timeout is an error, never "deleted"', async () => {
    fake.reset();
    fake.route({ method: 'GET', path: `/stages/deny/${pk}/`, reply: json({ detail: 'Token invalid/expired' }, 401) });
    await assert.rejects(remoteForDiff(client, fake.url, stage()), AuthentikAuthenticationError);
    fake.route({ method: 'GET', path: `/stages/deny/${pk}/`, reply: json({ detail: 'boom' }, 500) });
    await assert.rejects(remoteForDiff(client, fake.url, stage()), AuthentikServerError);
    fake.route({ method: 'GET', path: `/stages/deny/${pk}/`, reply: { kind: 'stall' } });
    await assert.rejects(remoteForDiff(client, fake.url, stage()), AuthentikTimeoutError);
    fake.reset();
  });
});
