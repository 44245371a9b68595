/**
 * References on the client side, against the sandbox (and the hostile fake where the server
 * misbehaves): the object index builder, push resolving `!Find`, pull `--references find`, and
 * `validate --online`'s connection and plumbing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuthentikClient } from '../client/src/api/authentikClient';
import { diffStage, remoteForDiff } from '../client/src/sync/diff';
import { FindResolver } from '../client/src/sync/findResolver';
import { localStages } from '../client/src/sync/localStage';
import { buildObjectIndex, referencedModels } from '../client/src/sync/objectIndex';
import { writePulledStages } from '../client/src/sync/pull';
import { pullTargetModels } from '../client/src/sync/pullReferences';
import { pushFile } from '../client/src/sync/push';
import { engineValidator } from '../client/src/sync/validator';
import { parseStageFile, renderNewDocument, serializeStageFile, setField } from '../client/src/sync/stageFileIO';
import { parseStageDocument } from '../server/engine/document/stageDocument';
import { TaggedValue } from '../server/engine/document/tags';
import { renderValueText } from '../server/engine/document/textEdits';
import { TARGET_MODELS } from '../server/engine/references/table';
import { demoUuid } from '../tools/sandbox/seed';
import { startSandbox, type Sandbox } from '../tools/sandbox/server';
import { cli } from './support/cliRun';
import { page, startHostileServer } from './support/hostileServer';
import { syncFixture, type SyncFixture } from './support/syncFixture';

const IDENTIFICATION = 'authentik_stages_identification.identificationstage';
const PASSWORD_PK = demoUuid('stage:default-authentication-password');

function clientFor(sandbox: { url: string; token: string }): AuthentikClient {
  return new AuthentikClient({ baseUrl: sandbox.url, token: sandbox.token, timeoutMs: 5000, maxRetries: 0 });
}

describe('the object index builder', () => {
  let sandbox: Sandbox;
  let client: AuthentikClient;
  before(async () => {
    sandbox = await startSandbox({ port: 0 });
    client = clientFor(sandbox);
  });
  after(async () => {
    client.close();
    await sandbox.close();
  });

  it('indexes every target kind: labels, find fields, mixed listings by meta_model_name, usedBy from flow_set, pks from pkField', async () => {
    const index = await buildObjectIndex(client, Object.keys(TARGET_MODELS));
    assert.equal(index.server, sandbox.url);
    assert.deepEqual(Object.keys(index.models).sort(), Object.keys(TARGET_MODELS).sort());
    for (const [model, listed] of Object.entries(index.models)) assert.equal(listed.complete, true, model);

    const flow = index.models['authentik_flows.flow']!.objects.find((o) => o.fields['slug'] === 'default-recovery-flow');
    assert.deepEqual({ pk: flow?.pk, model: flow?.model, label: flow?.label, designation: flow?.fields['designation'] }, {
      pk: demoUuid('flow:default-recovery-flow'),
      model: 'authentik_flows.flow',
      label: 'Reset your password',
      designation: 'recovery',
    });

    const stages = index.models['authentik_flows.stage']!.objects;
    const password = stages.find((o) => o.pk === PASSWORD_PK)!;
    assert.equal(password.model, 'authentik_stages_password.passwordstage');
    assert.equal(password.label, 'default-authentication-password');
    assert.ok(password.usedBy?.includes('default-authentication-flow'), JSON.stringify(password.usedBy));
    // Compact: only the display and find fields, never the stage's configuration.
    assert.deepEqual(Object.keys(password.fields).sort(), ['name', 'verbose_name']);

    const github = index.models['authentik_core.source']!.objects.find((o) => o.fields['slug'] === 'github');
    assert.equal(github?.model, 'authentik_sources_oauth.oauthsource');
    const yubikey = index.models['authentik_stages_authenticator_webauthn.webauthndevicetype']!.objects.find((o) => o.label === 'YubiKey 5 Series');
    assert.equal(yubikey?.pk, 'cb69481e-8ff7-4039-93ec-0a2729a154a8');
    const connector = index.models['authentik_endpoints.connector']!.objects[0];
    assert.equal(connector?.pk, demoUuid('connector:agent'));
    assert.equal(connector?.model, 'authentik_endpoints_connectors_agent.agentconnector');
    assert.ok(index.models['authentik_core.group']!.objects.some((o) => o.label === 'demo-support'));
    assert.ok(index.models['authentik_stages_prompt.prompt']!.objects.some((o) => o.fields['field_key'] === 'username'));
  });

  it('stops a model at the bound and says the listing is incomplete; other models are unaffected', async () => {
    const bounded = await startSandbox({ port: 0, seed: { generate: [{ model: 'authentik_stages_deny.denystage', count: 450 }] } });
    const bClient = clientFor(bounded);
    try {
      bounded.requests.clear();
      const index = await buildObjectIndex(bClient, ['authentik_flows.stage', 'authentik_flows.flow'], { maxObjectsPerModel: 150, pageConcurrency: 1 });
      assert.equal(index.models['authentik_flows.stage']!.complete, false);
      assert.equal(index.models['authentik_flows.stage']!.objects.length, 150);
      assert.equal(index.models['authentik_flows.flow']!.complete, true);
      // Pages of 100: the bound is reached on page 2, so page 3 onwards is never asked for.
      const stagePages = bounded.requests.filter((r) => r.path === '/api/v3/stages/all/').map((r) => r.query['page']);
      assert.deepEqual(stagePages, ['1', '2']);
    } finally {
      bClient.close();
      await bounded.close();
    }
  });

  it('a mixed listing without meta_model_name is an error naming the server and the field', async () => {
    const fake = await startHostileServer({ upstream: sandbox.url, routes: [{ path: '/sources/all/', reply: page([{ pk: demoUuid('source:github'), slug: 'github', name: 'GitHub' }]) }] });
    const fakeClient = new AuthentikClient({ baseUrl: fake.url, token: sandbox.token, maxRetries: 0 });
    try {
      await assert.rejects(buildObjectIndex(fakeClient, ['authentik_core.source', 'authentik_flows.flow']), (error: Error) => {
        assert.match(error.message, new RegExp(`^the server ${fake.url} sent meta_model_name undefined for ${demoUuid('source:github')} in the list /sources/all/: not a model name, which authentik never sends`));
        return true;
      });
    } finally {
      fakeClient.close();
      await fake.close();
    }
  });

  it('referencedModels: the targets of the files’ models (concrete stage targets with their base) and their !Find models', () => {
    const identification = parseStageDocument(`model: ${IDENTIFICATION}\nname: x\nsources:\n  - !Find [authentik_sources_oauth.oauthsource, [slug, github]]\n`, 'yaml').value;
    const prompt = { model: 'authentik_stages_prompt.promptstage', name: 'p', fields: [] };
    assert.deepEqual(referencedModels([identification, prompt, { model: 'authentik_stages_deny.denystage' }, 'not a stage']), [
      'authentik_core.source',
      'authentik_flows.flow',
      'authentik_flows.stage',
      'authentik_policies.policy',
      'authentik_stages_authenticator_validate.authenticatorvalidatestage',
      'authentik_stages_captcha.captchastage',
      'authentik_stages_password.passwordstage',
      'authentik_stages_prompt.prompt',
    ]);
    // A stage's name is checked against every stage; a prompt has no references.
    assert.deepEqual(referencedModels([{ model: 'authentik_stages_deny.denystage', name: 'd' }]), ['authentik_flows.stage']);
    assert.deepEqual(referencedModels([{ model: 'authentik_stages_prompt.prompt', name: 'p' }]), []);
  });
});

describe('push resolves !Find on the server', () => {
  let fx: SyncFixture;
  before(async () => {
    fx = await syncFixture();
  });
  after(async () => {
    await fx.close();
  });
  const push = (path: string, env: Record<string, string> = {}) => pushFile(path, { api: fx.client, catalog: fx.catalog, validate: engineValidator(fx.catalog), bases: fx.bases, env });

  it('stores the pks the tags name, keeps the tags in the file, and a second push and a diff see no change', async () => {
    const text = [
      `model: ${IDENTIFICATION}`,
      'name: refs-find-create',
      'user_fields: [username]',
      'password_stage: !Find [authentik_stages_password.passwordstage, [name, default-authentication-password]]',
      'enrollment_flow: !Find [authentik_flows.flow, [slug, !Env ENROLL_SLUG]]',
      'sources:',
      '  - !Find [authentik_core.source, [slug, github]]',
      '  - !Find [authentik_sources_ldap.ldapsource, [name, Corporate LDAP]]',
      '',
    ].join('\n');
    const path = fx.write('refs-find.stage.yaml', text);
    const env = { ENROLL_SLUG: 'default-enrollment-flow' };
    const created = await push(path, env);
    assert.deepEqual(created.problems, []);
    assert.equal(created.outcomes[0]?.status, 'created');
    const stored = fx.sandbox.store.getStage(created.outcomes[0]!.pk!)!;
    assert.equal(stored['password_stage'], PASSWORD_PK);
    assert.equal(stored['enrollment_flow'], demoUuid('flow:default-enrollment-flow'));
    assert.deepEqual([...(stored['sources'] as string[])].sort(), [demoUuid('source:github'), demoUuid('source:corporate-ldap')].sort());
    const after = fx.read(path);
    assert.equal(after, `${text.split('\n')[0]}\npk: ${created.outcomes[0]!.pk}\n${text.split('\n').slice(1).join('\n')}`);

    fx.sandbox.requests.clear();
    const again = await push(path, env);
    assert.deepEqual(again.problems, []);
    assert.equal(again.outcomes[0]?.status, 'unchanged');
    assert.equal(fx.read(path), after);
    assert.deepEqual(fx.sandbox.requests.filter((r) => r.method !== 'GET'), []);

    const stage = localStages(parseStageFile(path, after), fx.catalog).stages[0]!;
    const finds = await new FindResolver(fx.client, env).resolveStages([stage]);
    assert.equal(diffStage(stage, await remoteForDiff(fx.client, fx.sandbox.url, stage), env, finds).state, 'same');
  });

  it('asks for each distinct !Find once per push, and the diff shows the tag on the file side', async () => {
    const tag = '!Find [authentik_flows.flow, [slug, default-recovery-flow]]';
    const path = fx.write(
      'refs-once.stage.yaml',
      [`model: ${IDENTIFICATION}`, 'name: refs-once-a', 'user_fields: [email]', `recovery_flow: ${tag}`, '---', `model: ${IDENTIFICATION}`, 'name: refs-once-b', 'user_fields: [email]', `recovery_flow: ${tag}`, ''].join('\n'),
    );
    fx.sandbox.requests.clear();
    const result = await push(path);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.outcomes.map((o) => o.status), ['created', 'created']);
    assert.equal(fx.sandbox.requests.filter((r) => r.path === '/api/v3/flows/instances/').length, 1);

    const pk = result.outcomes[0]!.pk!;
    fx.sandbox.store.updateStage(pk, { recovery_flow: demoUuid('flow:default-enrollment-flow') });
    const stage = localStages(parseStageFile(path, fx.read(path)), fx.catalog).stages[0]!;
    const finds = await new FindResolver(fx.client, {}).resolveStages([stage]);
    const diff = diffStage(stage, await remoteForDiff(fx.client, fx.sandbox.url, stage), {}, finds);
    assert.equal(diff.state, 'different');
    assert.deepEqual(diff.changes.map((c) => [c.field, c.remote]), [['recovery_flow', demoUuid('flow:default-enrollment-flow')]]);
    assert.ok(diff.changes[0]!.local instanceof TaggedValue);
  });

  it('the command line asks for a !Find once per push, however many files hold it', async () => {
    const tag = '!Find [authentik_stages_password.passwordstage, [name, default-authentication-password]]';
    for (const name of ['refs-cli-a', 'refs-cli-b']) fx.write(`${name}.stage.yaml`, `model: ${IDENTIFICATION}\nname: ${name}\nuser_fields: [email]\npassword_stage: ${tag}\n`);
    fx.sandbox.requests.clear();
    const pushed = await cli(fx.workspace, ['push', 'refs-cli-a.stage.yaml', 'refs-cli-b.stage.yaml'], { AUTHENTIK_URL: fx.sandbox.url, AUTHENTIK_TOKEN: fx.sandbox.token });
    assert.equal(pushed.status, 0, pushed.stderr);
    assert.equal(pushed.stdout.match(/^created /gm)?.length, 2);
    assert.equal(fx.sandbox.requests.filter((r) => r.path === '/api/v3/stages/password/' && r.method === 'GET').length, 1);
    assert.equal(fx.sandbox.store.findStageByName('refs-cli-b')!['password_stage'], PASSWORD_PK);
  });

  it('a !Find matching nothing or several objects is an error on the tag’s line, and nothing of the file is sent', async () => {
    fx.sandbox.store.addFlow({ slug: 'refs-second-auth', name: 'Second', title: 'Second', designation: 'authentication' });
    const text = [
      `model: ${IDENTIFICATION}`,
      'name: refs-failing',
      'user_fields: [username]',
      'password_stage: !Find [authentik_stages_password.passwordstage, [name, no-such-stage]]',
      'passwordless_flow: !Find [authentik_flows.flow, [designation, authentication]]',
      'sources:',
      '  - !Find [authentik_core.source, [slug, github]]',
      '  - !Find [authentik_core.source, [slug, GitHub]]',
      'recovery_flow: !Find [authentik_flows.flow, [slug, !Env REFS_UNSET_SLUG]]',
      '---',
      'model: authentik_stages_deny.denystage',
      'name: refs-failing-other-document',
      '',
    ].join('\n');
    const path = fx.write('refs-failing.stage.yaml', text);
    fx.sandbox.requests.clear();
    const result = await push(path);
    assert.equal(result.blocked, true);
    assert.deepEqual(result.outcomes, []);
    assert.deepEqual(fx.sandbox.requests.filter((r) => r.method !== 'GET'), []);
    assert.equal(fx.read(path), text);
    assert.deepEqual(
      result.problems.map((p) => [p.line, p.column, p.severity, p.field]),
      [
        [4, 17, 'error', 'password_stage'],
        [5, 20, 'error', 'passwordless_flow'],
        [8, 5, 'error', 'sources'],
        [9, 16, 'error', 'recovery_flow'],
      ],
    );
    assert.match(result.problems[0]!.message, /^password_stage: !Find \[authentik_stages_password\.passwordstage, \[name, no-such-stage\]\] matches no Password Stage on http/);
    assert.match(result.problems[1]!.message, /matches 2 objects on http.*nothing was sent/);
    // Matching is exact, case included, as the API's slug filter is.
    assert.match(result.problems[2]!.message, /\[slug, GitHub\]\] matches no Source/);
    assert.match(result.problems[3]!.message, /the environment variable REFS_UNSET_SLUG is not set/);
  });

  it('a lookup the server fails blocks the file, naming the error; nothing is sent', async () => {
    const path = fx.write('refs-lookup-500.stage.yaml', `model: ${IDENTIFICATION}\nname: refs-lookup-500\nuser_fields: [username]\nrecovery_flow: !Find [authentik_flows.flow, [slug, default-recovery-flow]]\n`);
    fx.sandbox.faults.add({ method: 'GET', path: '/flows/instances/', status: 500, times: 0 });
    fx.sandbox.requests.clear();
    try {
      const result = await push(path);
      assert.equal(result.blocked, true);
      assert.match(result.problems[0]!.message, /^"refs-lookup-500" was not pushed: its !Find tags could not be resolved: .*500/);
      assert.deepEqual(fx.sandbox.requests.filter((r) => r.method !== 'GET'), []);
    } finally {
      fx.sandbox.faults.clear();
    }
  });
});

describe('pull --references find', () => {
  let fx: SyncFixture;
  before(async () => {
    fx = await syncFixture();
  });
  after(async () => {
    await fx.close();
  });

  it('writes references as !Find by natural key (AAGUIDs and connectors stay pks), and a push of the pulled file changes nothing', async () => {
    const models = [IDENTIFICATION, 'authentik_stages_authenticator_validate.authenticatorvalidatestage', 'authentik_endpoints.endpointstage'];
    const endpoint = fx.sandbox.store.addStage({ model: 'authentik_endpoints.endpointstage', name: 'refs-endpoint', connector: demoUuid('connector:agent') });
    const remotes = [];
    for (const model of models) {
      const entry = fx.catalog.entry(model)!;
      for (const remote of await fx.client.listAll(entry.apiPath)) remotes.push({ remote, entry });
    }
    const index = await buildObjectIndex(fx.client, pullTargetModels(models));
    const outDir = join(fx.workspace, 'pulled');
    const result = writePulledStages(remotes, { catalog: fx.catalog, bases: fx.bases, outDir, format: 'yaml', references: 'find', index });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.keptPks, { 'no-unique-key': 1, 'not-on-server': 0, json: 0 });
    const file = (name: string) => join(outDir, result.pulled.find((p) => p.name === name)!.file);
    const identification = readFileSync(file('default-authentication-identification'), 'utf8');
    assert.match(identification, /^password_stage: !Find \[authentik_stages_password\.passwordstage, \[name, default-authentication-password\]\]$/m);
    assert.match(identification, /^enrollment_flow: !Find \[authentik_flows\.flow, \[slug, default-enrollment-flow\]\]$/m);
    assert.match(identification, /^sources:\n {2}- !Find \[authentik_core\.source, \[slug, github\]\]$/m);
    assert.match(readFileSync(file('default-authentication-mfa-validation'), 'utf8'), /^webauthn_allowed_device_types:\n {2}- [0-9a-f-]{36}\n {2}- [0-9a-f-]{36}$/m);
    assert.match(readFileSync(file('refs-endpoint'), 'utf8'), new RegExp(`^connector: ${demoUuid('connector:agent')}$`, 'm'));

    fx.sandbox.requests.clear();
    for (const pulled of result.pulled) {
      const pushed = await pushFile(join(outDir, pulled.file), { api: fx.client, catalog: fx.catalog, validate: engineValidator(fx.catalog), bases: fx.bases, env: {} });
      assert.deepEqual(pushed.problems, [], pulled.file);
      assert.deepEqual(pushed.outcomes.map((o) => o.status), ['unchanged'], pulled.file);
      assert.equal(pushed.rewritten, false);
    }
    assert.deepEqual(fx.sandbox.requests.filter((r) => r.method !== 'GET'), []);
    assert.equal(fx.sandbox.store.getStage(endpoint.pk)!['connector'], demoUuid('connector:agent'));

    // Pulled again (pk style), a file's tags that still name the server's objects stay.
    const again = writePulledStages(remotes.filter((r) => r.remote.pk === demoUuid('stage:default-authentication-identification')), { catalog: fx.catalog, bases: fx.bases, outDir, format: 'yaml', index });
    assert.deepEqual(again.pulled.map((p) => p.action), ['unchanged']);
    assert.equal(readFileSync(file('default-authentication-identification'), 'utf8'), identification);
  });

  it('the command line: --references find, the count of references kept as pks, and find with JSON refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'authentik-refs-pull-'));
    const env = { AUTHENTIK_URL: fx.sandbox.url, AUTHENTIK_TOKEN: fx.sandbox.token };
    const pulled = await cli(dir, ['pull', '--model', 'authentik_endpoints.endpointstage', '--references', 'find', '--out', 'stages'], env);
    assert.equal(pulled.status, 0, pulled.stderr);
    assert.match(pulled.stderr, /^pull: 1 reference stayed pks because their target has no unique natural key$/m);
    const identification = await cli(dir, ['pull', demoUuid('stage:default-authentication-identification'), '--references', 'find', '--out', 'stages'], env);
    assert.equal(identification.status, 0, identification.stderr);
    const file = join(dir, identification.stdout.trim().split(/\s+/)[1]!);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^recovery_flow: !Find \[authentik_flows\.flow, \[slug, default-recovery-flow\]\]$/m);
    const relative = identification.stdout.trim().split(/\s+/)[1]!;
    const diff = await cli(dir, ['diff', relative], env);
    assert.equal(diff.status, 0, diff.stdout + diff.stderr);
    assert.match(diff.stdout, /same as the server$/m);
    fx.sandbox.requests.clear();
    const pushed = await cli(dir, ['push', relative], env);
    assert.equal(pushed.status, 0, pushed.stderr);
    assert.match(pushed.stdout, /^unchanged /m);
    assert.deepEqual(fx.sandbox.requests.filter((r) => r.method !== 'GET'), []);
    // A later pull with the default (pk) keeps the tags that still name the server's objects.
    const repulled = await cli(dir, ['pull', demoUuid('stage:default-authentication-identification'), '--out', 'stages'], env);
    assert.equal(repulled.status, 0, repulled.stderr);
    assert.equal(readFileSync(file, 'utf8'), text);
    // The server moving a reference shows in the diff, the tag on the file's side.
    fx.sandbox.store.updateStage(demoUuid('stage:default-authentication-identification'), { recovery_flow: demoUuid('flow:default-enrollment-flow') });
    const moved = await cli(dir, ['diff', relative], env);
    assert.equal(moved.status, 1);
    assert.match(moved.stdout, new RegExp(`^  - recovery_flow: "${demoUuid('flow:default-enrollment-flow')}"   \\(server\\)\n  \\+ recovery_flow: !Find \\[authentik_flows\\.flow, \\[slug, default-recovery-flow\\]\\]   \\(file\\)$`, 'm'));
    const json = await cli(dir, ['pull', '--all', '--references', 'find', '--format', 'json'], env);
    assert.equal(json.status, 2);
    assert.match(json.stderr, /--references find writes YAML tags/);
    assert.equal((await cli(dir, ['pull', '--all', '--references', 'names'], env)).status, 2);
  });
});

describe('writing tags into stage files', () => {
  it('renders !Find in flow form that parses back to the same tag, in new documents and in edits; JSON refuses it', () => {
    const tag = new TaggedValue('!Find', ['authentik_flows.flow', ['slug', 'a, b: c'], ['name', new TaggedValue('!Env', 'FLOW_NAME')]]);
    assert.equal(renderValueText(tag, 'yaml'), '!Find [authentik_flows.flow, [slug, "a, b: c"], [name, !Env FLOW_NAME]]');
    const text = renderNewDocument({ model: IDENTIFICATION, name: 'x', recovery_flow: tag, sources: [tag] }, 'yaml');
    const parsed = parseStageDocument(text, 'yaml').value as Record<string, unknown>;
    assert.deepEqual(parsed['recovery_flow'], tag);
    assert.deepEqual(parsed['sources'], [tag]);

    const file = parseStageFile('x.stage.yaml', `model: ${IDENTIFICATION}\nname: x # kept\nrecovery_flow: null\n`);
    setField(file.documents[0]!, 'recovery_flow', tag);
    const edited = serializeStageFile(file);
    assert.equal(edited, `model: ${IDENTIFICATION}\nname: x # kept\nrecovery_flow: !Find [authentik_flows.flow, [slug, "a, b: c"], [name, !Env FLOW_NAME]]\n`);
    // The same tag again is no edit.
    const reparsed = parseStageFile('x.stage.yaml', edited);
    setField(reparsed.documents[0]!, 'recovery_flow', tag);
    assert.equal(reparsed.documents[0]!.changed, false);
    assert.throws(() => renderValueText(tag, 'json'), /!Find is a YAML tag: a JSON stage file cannot hold it/);
  });
});

describe('authentik-stages validate --online', () => {
  let sandbox: Sandbox;
  let dir: string;
  before(async () => {
    sandbox = await startSandbox({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'authentik-refs-validate-'));
    writeFileSync(join(dir, 'clean.stage.yaml'), `model: ${IDENTIFICATION}\nname: online-clean\nuser_fields: [username]\npassword_stage: ${PASSWORD_PK}\n`);
    writeFileSync(join(dir, 'bad.stage.yaml'), 'model: authentik_stages_email.emailstage\nname: online-bad\nport: abc\n');
  });
  after(async () => {
    await sandbox.close();
  });

  it('no connection is exit 2 with one clear line, never an offline run', async () => {
    const noUrl = await cli(dir, ['validate', '--online', 'clean.stage.yaml'], { AUTHENTIK_TOKEN: sandbox.token });
    assert.equal(noUrl.status, 2);
    assert.match(noUrl.stderr, /^authentik-stages: no server: set AUTHENTIK_URL/m);
    assert.equal(noUrl.stdout, '');
    const noToken = await cli(dir, ['validate', '--online', 'clean.stage.yaml'], { AUTHENTIK_URL: sandbox.url });
    assert.equal(noToken.status, 2);
    assert.match(noToken.stderr, /no API token/);
    const unreachable = await cli(dir, ['validate', '--online', 'bad.stage.yaml'], { AUTHENTIK_URL: 'http://127.0.0.1:9', AUTHENTIK_TOKEN: 'x' });
    assert.equal(unreachable.status, 2);
    assert.match(unreachable.stderr, /cannot reach authentik at http:\/\/127\.0\.0\.1:9/);
    assert.doesNotMatch(unreachable.stdout, /port/);
    const refused = await cli(dir, ['validate', '--online', 'clean.stage.yaml'], { AUTHENTIK_URL: sandbox.url, AUTHENTIK_TOKEN: 'wrong-token' });
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /cannot reach authentik at .*: .*[Tt]oken/);
    assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
    const withSchema = await cli(dir, ['validate', '--online', '--schema', 'x.yml', 'clean.stage.yaml'], { AUTHENTIK_URL: sandbox.url, AUTHENTIK_TOKEN: sandbox.token });
    assert.equal(withSchema.status, 2);
  });

  it('connected: reads the index of the models the files reference, then answers as validate does (0 clean, 1 with errors)', async () => {
    const env = { AUTHENTIK_URL: sandbox.url, AUTHENTIK_TOKEN: sandbox.token };
    sandbox.requests.clear();
    const clean = await cli(dir, ['validate', '--online', 'clean.stage.yaml'], env);
    assert.equal(clean.status, 0, clean.stderr);
    assert.equal(clean.stdout, '');
    assert.match(clean.stderr, new RegExp(`^1 file checked against authentik \\S+ at ${sandbox.url.replace(/[.]/g, '\\.')}: 0 errors, 0 other findings$`, 'm'));
    const listed = new Set(sandbox.requests.filter((r) => r.method === 'GET').map((r) => r.path));
    for (const path of ['/api/v3/stages/password/', '/api/v3/flows/instances/', '/api/v3/sources/all/', '/api/v3/stages/all/']) assert.ok(listed.has(path), `${path} in ${[...listed].join(', ')}`);
    assert.ok(!listed.has('/api/v3/core/groups/'), 'only the models the file references');

    const bad = await cli(dir, ['validate', '--online', '--format', 'json', 'bad.stage.yaml', 'clean.stage.yaml'], env);
    assert.equal(bad.status, 1, bad.stderr);
    const problems = JSON.parse(bad.stdout) as Array<{ file: string; line: number; field: string }>;
    assert.deepEqual(problems.map((p) => [p.file, p.line, p.field]), [['bad.stage.yaml', 3, 'port']]);
  });

  it('each reference error of the server’s objects, at its line; a file whose references all name the right objects is clean', async () => {
    sandbox.store.addFlow({ slug: 'online-second-auth', name: 'Second', title: 'Second', designation: 'authentication' });
    const env = { AUTHENTIK_URL: sandbox.url, AUTHENTIK_TOKEN: sandbox.token };
    writeFileSync(
      join(dir, 'refs.stage.yaml'),
      [
        `model: ${IDENTIFICATION}`,
        'name: default-deny',
        'user_fields: [username]',
        'password_stage: 6f1c1f4e-0000-4000-8000-000000000001',
        `captcha_stage: ${demoUuid('stage:default-deny')}`,
        'recovery_flow: !Find [authentik_flows.flow, [slug, no-such-flow]]',
        'passwordless_flow: !Find [authentik_flows.flow, [designation, authentication]]',
        '---',
        'model: authentik_stages_email.emailstage',
        'name: online-email',
        'template: no-such-template.html',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'portable.stage.yaml'),
      [
        `model: ${IDENTIFICATION}`,
        'name: online-portable',
        'user_fields: [username]',
        `password_stage: ${PASSWORD_PK}`,
        'recovery_flow: !Find [authentik_flows.flow, [slug, default-recovery-flow]]',
        'sources:',
        '  - !Find [authentik_core.source, [slug, github]]',
        '',
      ].join('\n'),
    );
    const clean = await cli(dir, ['validate', '--online', 'portable.stage.yaml'], env);
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    assert.equal(clean.stdout, '');
    // Offline, nothing about the server's objects is claimed.
    const offline = await cli(dir, ['validate', '--format', 'json', 'refs.stage.yaml'], {});
    assert.equal(offline.status, 0, offline.stdout);

    const result = await cli(dir, ['validate', '--online', '--format', 'json', 'refs.stage.yaml'], env);
    assert.equal(result.status, 1, result.stderr);
    const problems = (JSON.parse(result.stdout) as Array<{ line: number; column: number; severity: string; field: string; message: string }>).filter((p) => p.severity === 'error');
    assert.deepEqual(
      problems.map((p) => [p.line, p.field]),
      [
        [2, 'name'],
        [4, 'password_stage'],
        [5, 'captcha_stage'],
        [6, 'recovery_flow'],
        [7, 'passwordless_flow'],
        [11, 'template'],
      ],
    );
    const [name, nothing, wrongModel, noMatch, several, template] = problems.map((p) => p.message);
    assert.match(name!, /stage with this name already exists/);
    assert.match(nothing!, /No Password Stage on .* has this pk/);
    assert.match(wrongModel!, /Deny Stage/i);
    assert.match(noMatch!, /matches no Flow/);
    assert.match(several!, /matches 2 objects/);
    assert.match(template!, /Invalid template 'no-such-template\.html' specified/);
  });
});

describe('references against a misbehaving server', () => {
  let sandbox: Sandbox;
  let dir: string;
  before(async () => {
    sandbox = await startSandbox({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'authentik-refs-hostile-'));
    writeFileSync(join(dir, 'find.stage.yaml'), `model: ${IDENTIFICATION}\nname: hostile-find\nuser_fields: [username]\npassword_stage: !Find [authentik_stages_password.passwordstage, [name, crafted]]\n`);
  });
  after(async () => {
    await sandbox.close();
  });

  it('push: an object found without a pk stops the file with the server and field named; nothing is sent', async () => {
    const fake = await startHostileServer({ upstream: sandbox.url, routes: [{ method: 'GET', path: '/stages/password/', reply: page([{ name: 'crafted', pk: 42 }]) }] });
    try {
      const env = { AUTHENTIK_URL: fake.url, AUTHENTIK_TOKEN: sandbox.token };
      const pushed = await cli(dir, ['push', 'find.stage.yaml'], env);
      assert.equal(pushed.status, 1, pushed.stderr);
      assert.match(pushed.stderr, new RegExp(`^find\\.stage\\.yaml:1:1: error: "hostile-find" was not pushed: its !Find tags could not be resolved: the server ${fake.url} sent pk 42 for an object of /stages/password/: not a pk; nothing was sent\\.`, 'm'));
      assert.deepEqual(fake.requests.filter((r) => r.method !== 'GET'), []);
    } finally {
      await fake.close();
    }
  });

  it('validate --online: a listing authentik never sends is exit 1 naming the server; a connection lost while indexing is exit 2', async () => {
    const fake = await startHostileServer({ upstream: sandbox.url, routes: [{ method: 'GET', path: '/stages/all/', reply: page([{ pk: PASSWORD_PK, name: 'x', meta_model_name: 'Not A Model' }]) }] });
    try {
      const broken = await cli(dir, ['validate', '--online', 'find.stage.yaml'], { AUTHENTIK_URL: fake.url, AUTHENTIK_TOKEN: sandbox.token });
      assert.equal(broken.status, 1);
      assert.match(broken.stderr, new RegExp(`^authentik-stages: the server ${fake.url} sent meta_model_name "Not A Model" for ${PASSWORD_PK} in the list /stages/all/: not a model name`, 'm'));
      assert.equal(broken.stdout, '');
      fake.reset();
      fake.route({ method: 'GET', path: '/flows/instances/', reply: { kind: 'drop' } });
      const dropped = await cli(dir, ['validate', '--online', 'find.stage.yaml'], { AUTHENTIK_URL: fake.url, AUTHENTIK_TOKEN: sandbox.token });
      assert.equal(dropped.status, 2, dropped.stderr);
      assert.match(dropped.stderr, new RegExp(`^authentik-stages: cannot read the objects of authentik at ${fake.url}: `, 'm'));
    } finally {
      await fake.close();
    }
  });
});
