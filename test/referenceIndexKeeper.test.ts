/** Keeping the connected server's objects for the models open files reference: fetched once, refreshed together, forgotten on disconnect. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectIndex } from '@authentik-stages/engine';
import { ReferenceIndexKeeper } from '../client/src/ui/referenceIndexKeeper';

const FLOW = 'authentik_flows.flow';
const PASSWORD = 'authentik_stages_password.passwordstage';

/** A server whose answers the test releases; each request's models recorded. */
function server(): { keeper: ReferenceIndexKeeper; asked: string[][]; published: Array<ObjectIndex | null>; failWith?: Error; objects: number } {
  const state = {
    asked: [] as string[][],
    published: [] as Array<ObjectIndex | null>,
    failWith: undefined as Error | undefined,
    objects: 1,
    keeper: undefined as unknown as ReferenceIndexKeeper,
  };
  state.keeper = new ReferenceIndexKeeper({
    fetch: async (models, options) => {
      state.asked.push([...models, ...(options.emailTemplates ? ['(templates)'] : [])]);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (state.failWith) throw state.failWith;
      const count = state.objects;
      const templates = options.emailTemplates ? { emailTemplates: ['email/password_reset.html', 'email/custom.html'] } : {};
      return { server: 'http://127.0.0.1:1', ...templates, models: Object.fromEntries(models.map((m) => [m, { complete: true, objects: Array.from({ length: count }, (_, i) => ({ pk: `${m}-${i}`, model: m, label: `${m} ${i}`, fields: {} })) }])) };
    },
    publish: (index) => state.published.push(index),
    onError: () => state.published.push(null),
  });
  return state;
}

describe('the reference index keeper', () => {
  it('fetches each wanted model once, however often files ask for it', async () => {
    const s = server();
    s.keeper.want([FLOW, PASSWORD]);
    s.keeper.want([FLOW]);
    await s.keeper.idle();
    s.keeper.want([PASSWORD, FLOW]);
    await s.keeper.idle();
    assert.deepEqual(s.asked, [[FLOW, PASSWORD]]);
    const last = s.published.at(-1)!;
    assert.deepEqual(Object.keys(last.models).sort(), [FLOW, PASSWORD]);
  });

  it('a refresh fetches every wanted model again; a disconnect forgets everything', async () => {
    const s = server();
    s.keeper.want([FLOW]);
    await s.keeper.idle();
    s.objects = 3;
    s.keeper.refresh();
    await s.keeper.idle();
    assert.equal(s.published.at(-1)!.models[FLOW]!.objects.length, 3);
    s.keeper.clear();
    assert.equal(s.published.at(-1), null);
    s.keeper.want([FLOW]);
    await s.keeper.idle();
    assert.equal(s.asked.length, 3, 'wanted again after a disconnect: fetched again');
  });

  it('an answer arriving after a disconnect is dropped; a failed fetch leaves the model unknown and tried again later', async () => {
    const s = server();
    s.keeper.want([FLOW]);
    s.keeper.clear();
    await s.keeper.idle();
    assert.deepEqual(s.published, [null]);
    s.failWith = new Error('unreachable');
    s.keeper.want([PASSWORD]);
    await s.keeper.idle();
    s.failWith = undefined;
    s.keeper.want([PASSWORD]);
    await s.keeper.idle();
    assert.deepEqual(s.asked.slice(1), [[PASSWORD], [PASSWORD]]);
    // Read afresh: the deepEqual above narrowed what TypeScript thinks the list holds.
    const latest = (list: Array<ObjectIndex | null>): ObjectIndex | null | undefined => list[list.length - 1];
    assert.deepEqual(Object.keys(latest(s.published)?.models ?? {}), [PASSWORD]);
  });

  it('asks for the server’s email templates once a file names one, and keeps them beside the models', async () => {
    const s = server();
    s.keeper.want([FLOW]);
    s.keeper.want([FLOW], { emailTemplates: true });
    s.keeper.want([], { emailTemplates: true });
    await s.keeper.idle();
    assert.deepEqual(s.asked, [[FLOW], ['(templates)']]);
    s.keeper.refresh();
    await s.keeper.idle();
    assert.deepEqual(s.asked.at(-1), [FLOW, '(templates)']);
    const latest = s.published[s.published.length - 1] as ObjectIndex;
    assert.deepEqual(latest.emailTemplates, ['email/password_reset.html', 'email/custom.html']);
    assert.deepEqual(Object.keys(latest.models), [FLOW]);
  });

  it('a blueprint\'s listings: fetched with the properties it wants; a model known without a property now wanted is fetched again, and only it', async () => {
    const BINDING = 'authentik_flows.flowstagebinding';
    const asked: Array<Record<string, readonly string[]>> = [];
    const keeper = new ReferenceIndexKeeper({
      fetch: async (models, options) => {
        asked.push(Object.fromEntries(models.map((m) => [m, options.listings[m]?.properties ?? []])));
        return { server: 'http://127.0.0.1:1', models: Object.fromEntries(models.map((m) => [m, { complete: true, objects: [] }])) };
      },
      publish: () => undefined,
    });
    keeper.want([FLOW], { listings: { [BINDING]: { apiPath: '/flows/bindings/', properties: ['target', 'order'] }, [FLOW]: { properties: ['slug'] } } });
    await keeper.idle();
    keeper.want([FLOW], { listings: { [BINDING]: { apiPath: '/flows/bindings/', properties: ['order'] }, [FLOW]: { properties: ['slug'] } } });
    await keeper.idle();
    assert.deepEqual(asked, [{ [BINDING]: ['target', 'order'], [FLOW]: ['slug'] }], 'nothing new wanted: nothing fetched');
    keeper.want([], { listings: { [BINDING]: { apiPath: '/flows/bindings/', properties: ['stage'] } } });
    await keeper.idle();
    assert.deepEqual(asked[1], { [BINDING]: ['target', 'order', 'stage'] }, 'the union of what files want, of that model only');
    keeper.refresh();
    await keeper.idle();
    assert.deepEqual(asked[2], { [FLOW]: ['slug'], [BINDING]: ['target', 'order', 'stage'] });
  });
});
