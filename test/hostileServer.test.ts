/** The hostile fake authentik itself: routes answer as told, the rest reaches the upstream sandbox. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type Sandbox } from '../tools/sandbox/server';
import { json, page, startHostileServer, type HostileServer } from './support/hostileServer';

describe('the hostile fake authentik', () => {
  let sandbox: Sandbox;
  let fake: HostileServer;
  before(async () => {
    sandbox = await startSandbox({ port: 0 });
    fake = await startHostileServer({ upstream: sandbox.url, routes: [{ method: 'GET', path: '/stages/deny/', reply: page([{ pk: '../../etc', name: 'x' }], { total_pages: 10_000_000 }) }] });
  });
  after(async () => {
    await fake.close();
    await sandbox.close();
  });

  it('answers its routes as told and passes the rest to the upstream server', async () => {
    const auth = { Authorization: `Bearer ${sandbox.token}` };
    const lied = (await (await fetch(`${fake.url}/api/v3/stages/deny/`, { headers: auth })).json()) as { pagination: { total_pages: number }; results: Array<{ pk: string }> };
    assert.equal(lied.pagination.total_pages, 10_000_000);
    assert.equal(lied.results[0]!.pk, '../../etc');
    const real = await fetch(`${fake.url}/api/v3/admin/version/`, { headers: auth });
    assert.equal(real.status, 200);
    assert.equal(((await real.json()) as { version_current: string }).version_current.length > 0, true);
    fake.route({ path: '/admin/version/', reply: json({ detail: 'nope' }, 418) });
    assert.equal((await fetch(`${fake.url}/api/v3/admin/version/`, { headers: auth })).status, 418);
    fake.route({ path: '/redirected/', reply: { kind: 'redirect', location: 'http://127.0.0.2:1/' } });
    assert.equal((await fetch(`${fake.url}/api/v3/redirected/`, { redirect: 'manual' })).status, 307);
    assert.ok(fake.requests.length >= 4);
  });
});
