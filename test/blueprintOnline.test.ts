/**
 * Blueprints checked against a server (the sandbox): `validate --online` judges each entry as the
 * create or partial update it will be, `must_created` on an object that is there, and `!Find`
 * resolved as authentik's importer resolves it; the index holds what those checks need.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuthentikClient } from '../client/src/api/authentikClient';
import { blueprintTextNeeds } from '../client/src/sync/blueprintIndexNeeds';
import { buildObjectIndex } from '../client/src/sync/objectIndex';
import { SchemaCatalog } from '../server/engine/schema/catalog';
import { demoUuid } from '../tools/sandbox/seed';
import { startSandbox, type Sandbox } from '../tools/sandbox/server';
import { cli } from './support/cliRun';
import { schemaDir } from './support/paths';

const AUTH_FLOW_PK = demoUuid('flow:default-authentication-flow');
const PASSWORD_PK = demoUuid('stage:default-authentication-password');

const blueprint = (name: string, entries: string, context = ''): string => `version: 1\nmetadata:\n  name: ${name}\n${context}entries:\n${entries}`;

/** A flow that exists on the sandbox, written as a partial update: no title, no designation. */
const EXISTING_FLOW = blueprint(
  'existing flow',
  `  - model: authentik_flows.flow
    identifiers:
      slug: default-authentication-flow
    attrs:
      name: Renamed
`,
);

const NEW_FLOW = blueprint(
  'new flow',
  `  - model: authentik_flows.flow
    identifiers:
      slug: no-such-flow-anywhere
    attrs:
      name: New
`,
);

const MUST_CREATED = blueprint(
  'must be created',
  `  - model: authentik_flows.flow
    state: must_created
    identifiers:
      slug: default-authentication-flow
    attrs:
      name: Again
      title: Again
      designation: authentication
  - model: authentik_flows.flowstagebinding
    state: must_created
    identifiers:
      target: ${AUTH_FLOW_PK}
      stage: ${PASSWORD_PK}
      order: 20
`,
);

const FINDS = blueprint(
  'finds',
  `  - model: authentik_flows.flowstagebinding
    identifiers:
      target: !Find [authentik_flows.flow, [slug, no-such-flow]]
      stage: !Find [authentik_stages_password.passwordstage, [name, default-authentication-password]]
      order: 10
  - model: authentik_stages_identification.identificationstage
    identifiers:
      name: default-authentication-identification
    attrs:
      user_fields: [username]
      password_stage: !Find [authentik_stages_password.passwordstage, [name, no-such-password]]
  - model: authentik_stages_deny.denystage
    identifiers:
      name: !Find [authentik_stages_deny.denystage, [name, nope]]
`,
  'context:\n  fallback: !Find [authentik_flows.flow, [slug, not-a-flow]]\n',
);

const CLEAN_FINDS = blueprint(
  'finds that match',
  `  - model: authentik_flows.flowstagebinding
    identifiers:
      target: !Find [authentik_flows.flow, [slug, default-authentication-flow]]
      stage: !Find [authentik_stages_password.passwordstage, [name, default-authentication-password]]
      order: 20
`,
);

/** Two flows share the name on the server (the test adds the second): the importer takes whichever comes first. */
const SEVERAL = blueprint(
  'several',
  `  - model: authentik_flows.flowstagebinding
    identifiers:
      target: !Find [authentik_flows.flow, [name, Shared name]]
      stage: ${PASSWORD_PK}
      order: 50
`,
);

describe('authentik-stages validate --online with blueprints', () => {
  let sandbox: Sandbox;
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    sandbox = await startSandbox({ port: 0 });
    env = { AUTHENTIK_URL: sandbox.url, AUTHENTIK_TOKEN: sandbox.token };
    dir = mkdtempSync(join(tmpdir(), 'authentik-blueprint-online-'));
    for (const [file, text] of Object.entries({ 'existing.yaml': EXISTING_FLOW, 'new.yaml': NEW_FLOW, 'must.yaml': MUST_CREATED, 'finds.yaml': FINDS, 'clean-finds.yaml': CLEAN_FINDS, 'several.yaml': SEVERAL })) writeFileSync(join(dir, file), text);
  });
  after(async () => {
    await sandbox.close();
  });

  it('an entry whose identifiers find the flow on the server is a partial update: its missing required fields are not reported', async () => {
    const offline = await cli(dir, ['validate', 'existing.yaml'], {});
    assert.match(offline.stdout, /warning: Missing required field designation of Flow/, 'offline the entry may create');
    const online = await cli(dir, ['validate', '--online', 'existing.yaml'], env);
    assert.equal(online.status, 0, online.stderr);
    assert.equal(online.stdout, '');
    assert.match(online.stderr, /^1 file checked against authentik \S+ at http:\/\/127\.0\.0\.1:\d+: 0 errors, 0 other findings$/m);
  });

  it('an entry whose identifiers match nothing creates: a missing required field is an error (exit 1)', async () => {
    const result = await cli(dir, ['validate', '--online', 'new.yaml'], env);
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n'), [
      'new.yaml:5:5: error: Missing required field designation of Flow: This field is required. [designation]',
      'new.yaml:5:5: error: Missing required field title of Flow: This field is required. [title]',
    ]);
  });

  it('must_created on an object that exists is an error, for a flow by slug and a binding by target, stage and order', async () => {
    const result = await cli(dir, ['validate', '--online', 'must.yaml'], env);
    assert.equal(result.status, 1, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.ok(lines.includes(`must.yaml:8:13: error: slug: State is set to must_created and object exists already (on ${sandbox.url}).`), result.stdout);
    for (const [line, key] of [[16, 'target'], [17, 'stage'], [18, 'order']] as const) {
      assert.ok(lines.some((l) => l.startsWith(`must.yaml:${line}:`) && l.includes(`error: ${key}: State is set to must_created and object exists already`)), `${key} in ${result.stdout}`);
    }
    assert.equal(lines.length, 4, result.stdout);
  });

  it('!Find matching nothing is an error in the importer\'s terms, wherever it stands: context, identifiers, a stage\'s reference field', async () => {
    const result = await cli(dir, ['validate', '--online', 'finds.yaml'], env);
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n'), [
      `finds.yaml:5:13: error: fallback: !Find [authentik_flows.flow, [slug, not-a-flow]] matches no Flow on ${sandbox.url}: authentik's importer would write null here.`,
      `finds.yaml:9:15: error: target: !Find [authentik_flows.flow, [slug, no-such-flow]] matches no Flow on ${sandbox.url}: authentik's importer would write null here.`,
      `finds.yaml:17:23: error: password_stage: !Find [authentik_stages_password.passwordstage, [name, no-such-password]] matches no Password Stage on ${sandbox.url}: authentik's importer would write null here. [password_stage]`,
      `finds.yaml:20:13: error: name: !Find [authentik_stages_deny.denystage, [name, nope]] matches no Deny Stage on ${sandbox.url}: authentik's importer would write null here.`,
    ]);
    sandbox.store.addFlow({ slug: 'shared-one', name: 'Shared name', title: 'One', designation: 'authentication' });
    sandbox.store.addFlow({ slug: 'shared-two', name: 'Shared name', title: 'Two', designation: 'authentication' });
    const several = await cli(dir, ['validate', '--online', 'several.yaml'], env);
    assert.equal(several.status, 1, several.stderr);
    assert.equal(several.stdout, `several.yaml:7:15: error: target: !Find [authentik_flows.flow, [name, Shared name]] matches 2 objects on ${sandbox.url} ("One", "Two"); authentik's importer would take whichever comes first. Narrow it, e.g. by [slug, …].\n`);
    const clean = await cli(dir, ['validate', '--online', 'clean-finds.yaml'], env);
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    assert.equal(clean.stdout, '');
  });

  it('an unreachable server is exit 2 with one clear line, never an offline run', async () => {
    const result = await cli(dir, ['validate', '--online', 'new.yaml'], { AUTHENTIK_URL: 'http://127.0.0.1:9', AUTHENTIK_TOKEN: 'x' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /cannot reach authentik at http:\/\/127\.0\.0\.1:9/);
    assert.equal(result.stdout, '');
  });
});

describe('the object index for blueprints', () => {
  let sandbox: Sandbox;
  let client: AuthentikClient;
  before(async () => {
    sandbox = await startSandbox({ port: 0 });
    client = new AuthentikClient({ baseUrl: sandbox.url, token: sandbox.token, timeoutMs: 5000, maxRetries: 0 });
  });
  after(async () => {
    client.close();
    await sandbox.close();
  });

  it('lists each entry model once, keeping the identifier fields the entries write (a model outside the reference table too)', async () => {
    const catalog = SchemaCatalog.fromDirectory(schemaDir);
    const needs = blueprintTextNeeds([MUST_CREATED, FINDS, 'services:\n  web: {}\n'], catalog);
    assert.deepEqual(needs.listings['authentik_flows.flowstagebinding'], { apiPath: '/flows/bindings/', title: catalog.anyEntry('authentik_flows.flowstagebinding')!.title, properties: ['target', 'stage', 'order'] });
    assert.deepEqual(needs.listings['authentik_stages_deny.denystage'], { apiPath: '/stages/deny/', title: 'Deny Stage', properties: ['name'] });
    assert.ok(needs.models.includes('authentik_flows.flow') && needs.models.includes('authentik_stages_password.passwordstage'), needs.models.join(', '));
    sandbox.requests.clear();
    const index = await buildObjectIndex(client, needs.models, { listings: needs.listings });
    const bindings = index.models['authentik_flows.flowstagebinding']!;
    assert.equal(bindings.complete, true);
    const binding = bindings.objects.find((o) => o.pk === demoUuid('binding:default-authentication-flow:20'));
    assert.deepEqual(binding?.fields, { target: AUTH_FLOW_PK, stage: PASSWORD_PK, order: 20 });
    const listed = sandbox.requests.filter((r) => r.method === 'GET').map((r) => r.path.replace(/\?.*/, ''));
    assert.equal(listed.filter((p) => p === '/api/v3/flows/bindings/').length, 1, 'one listing per model');
  });
});
