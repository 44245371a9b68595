/** The sync engine against the sandbox server over real HTTP: push, pull, conflicts, failures. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuthentikClient } from '../client/src/api/authentikClient';
import { fetchAll } from '../client/src/sync/fetchStages';
import { writePulledStages } from '../client/src/sync/pull';
import { parseStageFile } from '../client/src/sync/stageFileIO';
import { validateStageDocument } from '../server/engine/validation/validateStage';
import { syncFixture, type SyncFixture } from './support/syncFixture';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const READ_ONLY = ['component', 'verbose_name', 'verbose_name_plural', 'meta_model_name', 'flow_set'];

function pkOf(text: string): string {
  const match = /^pk: (\S+)$/m.exec(text);
  assert.ok(match, `no pk in\n${text}`);
  return match[1]!;
}

describe('push', () => {
  let f: SyncFixture;
  before(async () => {
    f = await syncFixture();
  });
  after(async () => {
    await f.close();
  });

  it('creates a stage and writes its pk back after model, keeping comments and formatting', async () => {
    const text = '# Our deny stage.\nmodel: authentik_stages_deny.denystage   # type\nname: sync-deny-1\ndeny_message: "Not here."  # shown to users\n';
    const path = f.write('deny.stage.yaml', text);
    const result = await f.push(path);
    assert.deepEqual(result.problems, []);
    assert.equal(result.outcomes[0]!.status, 'created');
    const after = f.read(path);
    const pk = pkOf(after);
    assert.match(pk, UUID);
    assert.equal(after, text.replace('# type\n', `# type\npk: ${pk}\n`));
    assert.equal(f.sandbox.store.getStage(pk)!['deny_message'], 'Not here.');
  });

  it('updates a stage (PUT), and an unchanged file sends no write', async () => {
    const path = f.write('update.stage.yaml', 'model: authentik_stages_deny.denystage\nname: sync-update\ndeny_message: one\n');
    await f.push(path);
    const pk = pkOf(f.read(path));
    f.write('update.stage.yaml', f.read(path).replace('deny_message: one', 'deny_message: two'));
    f.sandbox.requests.clear();
    const result = await f.push(path);
    assert.equal(result.outcomes[0]!.status, 'updated');
    assert.equal(f.sandbox.store.getStage(pk)!['deny_message'], 'two');
    assert.ok(f.sandbox.requests.some((r) => r.method === 'PUT'));
    f.sandbox.requests.clear();
    const again = await f.push(path);
    assert.equal(again.outcomes[0]!.status, 'unchanged');
    assert.deepEqual(f.sandbox.requests.map((r) => r.method), ['GET']);
  });

  it('a local validation error blocks the file: zero requests sent', async () => {
    const path = f.write('invalid.stage.yaml', 'model: authentik_stages_email.emailstage\nname: sync-invalid\nport: abc\n---\nmodel: authentik_stages_deny.denystage\nname: sync-fine\n');
    const before = f.read(path);
    f.sandbox.requests.clear();
    const result = await f.push(path);
    assert.equal(result.blocked, true);
    assert.equal(f.sandbox.requests.length, 0);
    assert.equal(f.read(path), before);
    const problem = result.invalid.find((p) => p.field === 'port')!;
    assert.deepEqual([problem.line, problem.column, problem.severity], [3, 7, 'error']);
  });

  it('a server 400 comes back on the offending key, and the file stays as it was', async () => {
    f.sandbox.store.addStage({ model: 'authentik_stages_deny.denystage', name: 'sync-taken-name' });
    const text = 'model: authentik_stages_deny.denystage\n# a comment\nname: sync-taken-name\n';
    const path = f.write('taken.stage.yaml', text);
    const result = await f.push(path);
    assert.equal(result.outcomes[0]!.status, 'rejected');
    const problem = result.problems[0]!;
    assert.deepEqual([problem.line, problem.column, problem.field], [3, 7, 'name']);
    assert.match(problem.message, /stage with this name already exists/);
    assert.equal(f.read(path), text);
  });

  it('!Env resolves from the environment; a missing variable sends nothing', async () => {
    const text = 'model: authentik_stages_email.emailstage\nname: sync-env\nhost: !Env SMTP_HOST\npassword: !Env SMTP_PASSWORD\n';
    const path = f.write('env.stage.yaml', text);
    f.sandbox.requests.clear();
    const missing = await f.push(path, { env: { SMTP_HOST: 'smtp.example.com' } });
    assert.equal(missing.blocked, true);
    assert.equal(f.sandbox.requests.length, 0);
    const problem = missing.problems[0]!;
    assert.deepEqual([problem.line, problem.field], [4, 'password']);
    assert.match(problem.message, /SMTP_PASSWORD is not set/);
    const result = await f.push(path, { env: { SMTP_HOST: 'smtp.example.com', SMTP_PASSWORD: 's3cret' } });
    assert.equal(result.outcomes[0]!.status, 'created');
    const stored = f.sandbox.store.getStage(pkOf(f.read(path)))!;
    assert.equal(stored['host'], 'smtp.example.com');
    assert.equal(stored['password'], 's3cret');
    assert.doesNotMatch(f.read(path), /s3cret/);
    assert.doesNotMatch(JSON.stringify(readdirSync(join(f.workspace, '.authentik'), { recursive: true }).map((p) => readFileSyncSafe(join(f.workspace, '.authentik', String(p))))), /s3cret/);
  });
});

function readFileSyncSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

describe('conflict safety', () => {
  let f: SyncFixture;
  before(async () => {
    f = await syncFixture();
  });
  after(async () => {
    await f.close();
  });

  async function pushed(name: string, extra = ''): Promise<{ path: string; pk: string }> {
    const path = f.write(`${name}.stage.yaml`, `model: authentik_stages_email.emailstage\nname: ${name}\nhost: smtp.example.com\nport: 25\nsubject: Hello${extra}\n`);
    const result = await f.push(path);
    assert.equal(result.outcomes[0]!.status, 'created', JSON.stringify(result.problems));
    return { path, pk: pkOf(f.read(path)) };
  }

  it('a field changed only on the server is taken into the file; the local change is pushed', async () => {
    const { path, pk } = await pushed('conflict-merge');
    f.sandbox.store.updateStage(pk, { subject: 'Changed on the server' });
    f.write('conflict-merge.stage.yaml', f.read(path).replace('port: 25', 'port: 587'));
    const result = await f.push(path);
    assert.equal(result.outcomes[0]!.status, 'updated');
    assert.deepEqual(result.outcomes[0]!.merged, ['subject']);
    assert.equal(f.sandbox.store.getStage(pk)!['port'], 587);
    assert.equal(f.sandbox.store.getStage(pk)!['subject'], 'Changed on the server');
    assert.match(f.read(path), /^subject: Changed on the server$/m);
    assert.match(f.read(path), /^port: 587$/m);
  });

  it('the same field changed on both sides stops the push, per field, and overwrites nothing', async () => {
    const { path, pk } = await pushed('conflict-both');
    f.sandbox.store.updateStage(pk, { port: 465 });
    const text = f.read(path).replace('port: 25', 'port: 587');
    f.write('conflict-both.stage.yaml', text);
    f.sandbox.requests.clear();
    const result = await f.push(path);
    assert.equal(result.outcomes[0]!.status, 'conflict');
    assert.deepEqual(result.outcomes[0]!.conflicts.map((c) => [c.field, c.base, c.local, c.remote]), [['port', 25, 587, 465]]);
    const problem = result.problems.find((p) => p.field === 'port')!;
    assert.equal(problem.line, 5);
    assert.match(problem.message, /changed on the server \(25 → 465\) and in the file \(→ 587\)/);
    assert.equal(f.sandbox.store.getStage(pk)!['port'], 465);
    assert.ok(!f.sandbox.requests.some((r) => r.method !== 'GET'));
    assert.equal(f.read(path), text);
    const forced = await f.push(path, { force: true });
    assert.equal(forced.outcomes[0]!.status, 'updated');
    assert.deepEqual(forced.outcomes[0]!.overwritten, ['port']);
    assert.equal(f.sandbox.store.getStage(pk)!['port'], 587);
  });

  it('a stage deleted on the server is reported, not re-created', async () => {
    const { path, pk } = await pushed('conflict-deleted');
    f.sandbox.store.deleteStage(pk);
    const text = f.read(path);
    f.sandbox.requests.clear();
    const result = await f.push(path);
    assert.equal(result.outcomes[0]!.status, 'deleted-remotely');
    assert.match(result.problems[0]!.message, /was deleted on the server\. It is not re-created/);
    assert.ok(!f.sandbox.requests.some((r) => r.method === 'POST'));
    assert.equal(f.read(path), text);
  });

  it('without a record of the last sync, differences are conflicts', async () => {
    const { path, pk } = await pushed('conflict-nobase');
    f.bases.delete(pk);
    f.write('conflict-nobase.stage.yaml', f.read(path).replace('port: 25', 'port: 2525'));
    const result = await f.push(path);
    assert.equal(result.outcomes[0]!.status, 'conflict');
    assert.match(result.problems[0]!.message, /no record of the last sync/);
  });
});

describe('failures leave the file byte-identical and say what happened', () => {
  let f: SyncFixture;
  let path: string;
  let text: string;
  before(async () => {
    f = await syncFixture({}, { timeoutMs: 300, maxRetries: 1 });
    path = f.write('failing.stage.yaml', 'model: authentik_stages_deny.denystage\nname: sync-failing\ndeny_message: before\n');
    await f.push(path);
    text = f.read(path).replace('deny_message: before', 'deny_message: after');
    f.write('failing.stage.yaml', text);
  });
  after(async () => {
    await f.close();
  });

  const cases: Array<[string, () => void, RegExp, AuthentikClient | undefined]> = [];
  it('403: a refused token', async () => {
    const wrong = new AuthentikClient({ baseUrl: f.sandbox.url, token: 'wrong-token', maxRetries: 0 });
    const result = await f.push(path, { client: wrong });
    wrong.close();
    assert.equal(result.outcomes[0]!.status, 'failed');
    assert.match(result.problems[0]!.message, /403/);
    assert.doesNotMatch(result.problems[0]!.message, /wrong-token/);
    assert.equal(f.read(path), text);
  });
  it('404 on the write: the stage vanished mid-push', async () => {
    f.sandbox.faults.add({ method: 'PUT', status: 404, body: { detail: 'No DenyStage matches the given query.' } });
    const result = await f.push(path);
    assert.equal(result.outcomes[0]!.status, 'failed');
    assert.match(result.problems[0]!.message, /404|not found|No DenyStage/i);
    assert.equal(f.read(path), text);
  });
  it('500', async () => {
    f.sandbox.faults.add({ method: 'PUT', status: 500, times: 0 });
    const result = await f.push(path);
    f.sandbox.faults.clear();
    assert.equal(result.outcomes[0]!.status, 'failed');
    assert.match(result.problems[0]!.message, /500/);
    assert.equal(f.read(path), text);
  });
  it('timeout', async () => {
    f.sandbox.faults.add({ method: 'PUT', delayMs: 1000, times: 0 });
    const result = await f.push(path);
    f.sandbox.faults.clear();
    assert.equal(result.outcomes[0]!.status, 'failed');
    assert.match(result.problems[0]!.message, /time|timed out/i);
    assert.equal(f.read(path), text);
  });
  it('dropped connection', async () => {
    f.sandbox.faults.add({ method: 'PUT', drop: true, times: 0 });
    const result = await f.push(path);
    f.sandbox.faults.clear();
    assert.equal(result.outcomes[0]!.status, 'failed');
    assert.match(result.problems[0]!.message, /connection|socket|closed|reset/i);
    assert.equal(f.read(path), text);
    void cases;
  });
});

describe('pull and round trip of every stage type', () => {
  let f: SyncFixture;
  before(async () => {
    f = await syncFixture();
  });
  after(async () => {
    await f.close();
  });

  it('pulls one of every type with no secret and no read-only field, then pushing them changes nothing', async () => {
    const store = f.sandbox.store;
    const source = store.listSources()[0]!.pk;
    const connector = store.listObjects('connector').find((c) => c['supportsStages'] !== false)?.pk ?? store.addObject('connector', { name: 'rt-connector' }).pk;
    const prompt = store.listPrompts()[0]!.pk;
    const bodies: Record<string, Record<string, unknown>> = {
      'authentik_stages_authenticator_duo.authenticatorduostage': { api_hostname: 'api-1.duosecurity.com', client_id: 'DI1', client_secret: 'duo-secret' },
      'authentik_stages_authenticator_endpoint_gdtc.authenticatorendpointgdtcstage': { credentials: { type: 'service_account' } },
      'authentik_stages_authenticator_sms.authenticatorsmsstage': { provider: 'twilio', account_sid: 'AC1', auth: 'sms-secret', from_number: '+15550100' },
      'authentik_stages_authenticator_totp.authenticatortotpstage': { digits: '6' },
      'authentik_stages_authenticator_validate.authenticatorvalidatestage': { device_classes: ['totp', 'webauthn'] },
      'authentik_stages_captcha.captchastage': { public_key: 'site-key', private_key: 'captcha-secret' },
      'authentik_endpoints.endpointstage': { connector },
      'authentik_stages_identification.identificationstage': { user_fields: ['username'] },
      'authentik_stages_mtls.mutualtlsstage': { mode: 'optional', cert_attribute: 'subject', user_attribute: 'username' },
      'authentik_stages_password.passwordstage': { backends: ['authentik.core.auth.InbuiltBackend'] },
      'authentik_stages_prompt.prompt': { field_key: 'rt_field', label: 'Field', type: 'text' },
      'authentik_stages_prompt.promptstage': { fields: [prompt] },
      'authentik_stages_redirect.redirectstage': { mode: 'static', target_static: 'https://example.com/' },
      'authentik_stages_source.sourcestage': { source },
    };
    for (const entry of f.catalog.models) {
      await f.client.create(entry.apiPath, { name: `rt-${entry.typeName}`, ...(bodies[entry.model] ?? {}) });
    }
    const outDir = join(f.workspace, 'pulled');
    const fetched = await fetchAll(f.client, f.catalog);
    const { pulled } = writePulledStages(fetched, { catalog: f.catalog, bases: f.bases, outDir, format: 'yaml' });
    const models = new Set(pulled.map((p) => p.model));
    assert.equal(models.size, 27, `every model pulled: ${[...models].join(', ')}`);
    const files = readdirSync(outDir).filter((n) => n.endsWith('.stage.yaml'));
    assert.equal(files.length, pulled.length);
    for (const name of files) {
      const text = readFileSync(join(outDir, name), 'utf8');
      const parsed = parseStageFile(name, text);
      for (const doc of parsed.documents) {
        const value = doc.stage.value as Record<string, unknown>;
        const entry = f.catalog.entry(String(value['model']))!;
        for (const key of Object.keys(value)) {
          assert.ok(!READ_ONLY.includes(key) && !entry.readOnly.includes(key), `${name}: read-only ${key}`);
          assert.ok(!entry.writeOnly.includes(key), `${name}: secret ${key}`);
        }
        const errors = validateStageDocument(doc.stage, f.catalog).filter((d) => d.severity === 'error');
        assert.deepEqual(errors, [], `${name} validates`);
      }
      assert.doesNotMatch(text, /duo-secret|sms-secret|captcha-secret/);
    }

    const snapshot = JSON.stringify([...store.listStages(), ...store.listPrompts()].sort((a, b) => a.pk.localeCompare(b.pk)));
    f.sandbox.requests.clear();
    for (const name of files) {
      const path = join(outDir, name);
      const before = readFileSync(path, 'utf8');
      const result = await f.push(path);
      assert.deepEqual(result.problems, [], name);
      assert.deepEqual(result.outcomes.map((o) => o.status), ['unchanged'], name);
      assert.equal(readFileSync(path, 'utf8'), before, `${name} unchanged`);
    }
    assert.ok(f.sandbox.requests.every((r) => r.method === 'GET'), 'a round trip writes nothing');
    assert.equal(JSON.stringify([...store.listStages(), ...store.listPrompts()].sort((a, b) => a.pk.localeCompare(b.pk))), snapshot);
  });

  it('re-pulling updates the existing file in place, comments kept', async () => {
    const outDir = join(f.workspace, 'repull');
    const stage = f.sandbox.store.addStage({ model: 'authentik_stages_deny.denystage', name: 'repull-me', deny_message: 'one' });
    const fetched = await fetchAll(f.client, f.catalog);
    const only = fetched.filter((s) => s.remote.pk === stage.pk);
    writePulledStages(only, { catalog: f.catalog, bases: f.bases, outDir, format: 'yaml' });
    const path = join(outDir, 'repull-me.stage.yaml');
    assert.ok(existsSync(path));
    f.write(join('repull', 'repull-me.stage.yaml'), `# kept\n${readFileSync(path, 'utf8')}`);
    f.sandbox.store.updateStage(stage.pk, { deny_message: 'two' });
    const { pulled: again } = writePulledStages([{ remote: await f.client.retrieve('/stages/deny/', stage.pk), entry: only[0]!.entry }], { catalog: f.catalog, bases: f.bases, outDir, format: 'yaml' });
    assert.equal(again[0]!.action, 'updated');
    const text = readFileSync(path, 'utf8');
    assert.match(text, /^# kept\n/);
    assert.match(text, /deny_message: two/);
    // A second stage of the same name gets its own file.
    const twin = f.sandbox.store.addStage({ model: 'authentik_stages_prompt.prompt', name: 'repull-me', field_key: 'k', label: 'L', type: 'text' });
    const {
      pulled: [written],
    } = writePulledStages([{ remote: await f.client.retrieve('/stages/prompt/prompts/', twin.pk), entry: f.catalog.entry('authentik_stages_prompt.prompt')! }], { catalog: f.catalog, bases: f.bases, outDir, format: 'yaml' });
    assert.equal(written!.file, `repull-me-${twin.pk.slice(0, 8)}.stage.yaml`);
  });

  it('pages through 5,000 stages', async () => {
    f.sandbox.store.addStages({ model: 'authentik_stages_dummy.dummystage', count: 5000, namePrefix: 'bulk-' });
    const all = await f.client.listAll('/stages/dummy/');
    assert.ok(all.length >= 5000);
    assert.equal(new Set(all.map((s) => s.pk)).size, all.length);
  });
});
