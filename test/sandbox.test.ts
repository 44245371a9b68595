// The sandbox server (test/sandbox): a local authentik-compatible API. Every test talks to it over
// real HTTP on 127.0.0.1 and checks what authentik (Django REST framework) would answer.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { OBJECT_ENDPOINTS } from '../tools/sandbox/objectKinds';
import { demoUuid } from '../tools/sandbox/seed';
import { startSandbox, type Sandbox, type SandboxOptions } from '../tools/sandbox/server';
import { olderOpenApi, pinnedOpenApi, repoRoot } from './support/paths';

type Json = Record<string, unknown>;

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  body: unknown;
  json: Json;
}

interface CallOptions {
  body?: unknown;
  /** Sent as is (for JSON only Python can tell apart, like `6.0`). */
  raw?: string;
  /** `null`: no Authorization header. */
  token?: string | null;
  headers?: Record<string, string>;
}

async function call(sb: Sandbox, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const token = options.token === undefined ? sb.token : options.token;
  if (token !== null) headers['Authorization'] = `Bearer ${token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${sb.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual' });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed, json: (parsed ?? {}) as Json };
}

const api = (sb: Sandbox, method: string, path: string, options?: CallOptions): Promise<Reply> => call(sb, method, `/api/v3${path}`, options);

function start(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ schemaPath: pinnedOpenApi, ...options });
}

const EMAIL = '/stages/email/';
const pk = (name: string): string => demoUuid(`stage:${name}`);
let uniqueCounter = 0;
const unique = (prefix: string): string => `${prefix}-${process.pid}-${++uniqueCounter}`;

describe('sandbox: lists', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await start({ seed: { demo: true, generate: [{ model: 'authentik_stages_dummy.dummystage', count: 45, namePrefix: 'p-' }] } });
  });
  after(() => sb.close());

  it("paginates with authentik's pagination object (default page size 20)", async () => {
    const first = await api(sb, 'GET', '/stages/dummy/');
    assert.equal(first.status, 200);
    assert.deepEqual(first.json['pagination'], { next: 2, previous: 0, count: 45, current: 1, total_pages: 3, start_index: 1, end_index: 20 });
    const second = await api(sb, 'GET', '/stages/dummy/?page=2&page_size=20');
    assert.deepEqual(second.json['pagination'], { next: 3, previous: 1, count: 45, current: 2, total_pages: 3, start_index: 21, end_index: 40 });
    assert.deepEqual(
      (second.json['results'] as Json[]).map((r) => r['name']),
      Array.from({ length: 20 }, (_, i) => `p-${String(21 + i).padStart(2, '0')}`),
    );
    const last = await api(sb, 'GET', '/stages/dummy/?page=last&page_size=20');
    assert.deepEqual(last.json['pagination'], { next: 0, previous: 2, count: 45, current: 3, total_pages: 3, start_index: 41, end_index: 45 });
    assert.equal((last.json['results'] as Json[]).length, 5);
    // The 2026.8 document requires `autocomplete` in paginated lists.
    assert.deepEqual(first.json['autocomplete'], {});
  });

  it('answers 404 "Invalid page." beyond the last page, and caps page_size at the maximum', async () => {
    const beyond = await api(sb, 'GET', '/stages/dummy/?page=4&page_size=20');
    assert.equal(beyond.status, 404);
    assert.deepEqual(beyond.json, { detail: 'Invalid page.' });
    assert.equal((await api(sb, 'GET', '/stages/dummy/?page=abc')).status, 404);
    const big = await api(sb, 'GET', '/stages/all/?page_size=5000');
    const pagination = big.json['pagination'] as Json;
    assert.equal((big.json['results'] as Json[]).length, 55);
    assert.equal(pagination['total_pages'], 1);
    const empty = await api(sb, 'GET', '/stages/captcha/');
    assert.deepEqual(empty.json['pagination'], { next: 0, previous: 0, count: 0, current: 1, total_pages: 1, start_index: 0, end_index: 0 });
  });

  it('searches (every term, case-insensitive), orders (name, -name) and filters by the documented query parameters', async () => {
    const search = await api(sb, 'GET', '/stages/all/?search=RECOVERY');
    assert.deepEqual(
      (search.json['results'] as Json[]).map((r) => r['name']),
      ['default-recovery-email', 'default-recovery-identification'],
    );
    const twoTerms = await api(sb, 'GET', '/stages/all/?search=default%20email');
    assert.deepEqual(
      (twoTerms.json['results'] as Json[]).map((r) => r['name']),
      ['default-recovery-email'],
    );
    const desc = await api(sb, 'GET', '/stages/dummy/?ordering=-name&page_size=3');
    assert.deepEqual(
      (desc.json['results'] as Json[]).map((r) => r['name']),
      ['p-45', 'p-44', 'p-43'],
    );
    const ignored = await api(sb, 'GET', '/stages/dummy/?ordering=nonsense&page_size=2');
    assert.deepEqual(
      (ignored.json['results'] as Json[]).map((r) => r['name']),
      ['p-01', 'p-02'],
    );
    const byFlag = await api(sb, 'GET', '/stages/email/?use_global_settings=true');
    assert.deepEqual(
      (byFlag.json['results'] as Json[]).map((r) => r['name']),
      ['default-recovery-email'],
    );
    assert.equal(((await api(sb, 'GET', '/stages/email/?use_global_settings=false')).json['results'] as Json[]).length, 0);
    const byRef = await api(sb, 'GET', `/stages/identification/?password_stage=${pk('default-authentication-password')}`);
    assert.deepEqual(
      (byRef.json['results'] as Json[]).map((r) => r['name']),
      ['default-authentication-identification'],
    );
    const badNumber = await api(sb, 'GET', '/stages/email/?port=abc');
    assert.equal(badNumber.status, 400);
    assert.deepEqual(badNumber.json, { port: ['Enter a number.'] });
    const bindings = await api(sb, 'GET', `/flows/bindings/?stage=${pk('default-authentication-login')}`);
    assert.deepEqual(
      (bindings.json['results'] as Json[]).map((b) => b['order']),
      [100, 100, 100],
    );
    const flows = await api(sb, 'GET', '/flows/instances/?designation=recovery');
    assert.deepEqual(
      (flows.json['results'] as Json[]).map((f) => f['slug']),
      ['default-recovery-flow'],
    );
    const sources = await api(sb, 'GET', '/sources/all/?search=git');
    assert.deepEqual(
      (sources.json['results'] as Json[]).map((s) => [s['slug'], s['meta_model_name'], s['component']]),
      [['github', 'authentik_sources_oauth.oauthsource', 'ak-source-oauth-form']],
    );
  });

  it('serves 5,000 stages in pages of 1,000 in a few milliseconds each (with the maximum page size raised)', async () => {
    const big = await start({ seed: { generate: [{ model: 'authentik_stages_deny.denystage', count: 5000, namePrefix: 'bench-' }] }, maxPageSize: 1000 });
    try {
      await api(big, 'GET', '/stages/all/?page_size=1000'); // first request sorts once
      const times: number[] = [];
      const names: string[] = [];
      for (let page = 1; page <= 5; page++) {
        const t0 = performance.now();
        const reply = await api(big, 'GET', `/stages/all/?page_size=1000&page=${page}`);
        times.push(performance.now() - t0);
        assert.equal(reply.status, 200);
        assert.equal((reply.json['pagination'] as Json)['count'], 5000);
        names.push(...(reply.json['results'] as Json[]).map((r) => String(r['name'])));
      }
      assert.equal(new Set(names).size, 5000);
      const sorted = [...times].sort((a, b) => a - b);
      assert.ok(sorted[2]! < 100, `median page time ${sorted[2]!.toFixed(1)} ms`);
      const typed = await api(big, 'GET', '/stages/deny/?page_size=1000&page=5');
      assert.equal((typed.json['results'] as Json[]).length, 1000);
    } finally {
      await big.close();
    }
  });
});

describe('sandbox: create, read-only and write-only fields, defaults', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await start({ customEmailTemplates: ['custom/welcome.html'] });
  });
  after(() => sb.close());

  it('creates with 201, fills defaults, returns every response-schema field and never the write-only ones', async () => {
    const name = unique('mail');
    const created = await api(sb, 'POST', EMAIL, { body: { name, password: 'hunter2', port: '587', subject: 42, use_tls: 'yes', unknown_key: 1, component: 'x', pk: 'nope' } });
    assert.equal(created.status, 201, created.text);
    const body = created.json;
    assert.match(String(body['pk']), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(body['component'], 'ak-stage-email-form');
    assert.equal(body['verbose_name'], 'Email Stage');
    assert.equal(body['verbose_name_plural'], 'Email Stages');
    assert.equal(body['meta_model_name'], 'authentik_stages_email.emailstage');
    assert.deepEqual(body['flow_set'], []);
    // DRF conversions: "587" → 587, 42 → "42", "yes" → true; defaults for what was not sent.
    assert.equal(body['port'], 587);
    assert.equal(body['subject'], '42');
    assert.equal(body['use_tls'], true);
    assert.equal(body['template'], 'email/password_reset.html');
    assert.equal(body['token_expiry'], 'minutes=30');
    assert.equal(body['from_address'], 'system@authentik.local');
    assert.equal(body['recovery_max_attempts'], 5);
    assert.ok(!('password' in body), 'write-only password is not returned');
    assert.ok(!('unknown_key' in body));
    const schemaKeys = Object.keys((sb.catalog.api.schemas['EmailStage']!['properties'] as Json) ?? {});
    assert.deepEqual(Object.keys(body), schemaKeys);
    // Stored, though: the store keeps it, and a later GET still hides it.
    assert.equal(sb.store.getStage(String(body['pk']))?.['password'], 'hunter2');
    const read = await api(sb, 'GET', `${EMAIL}${String(body['pk'])}/`);
    assert.deepEqual(read.json, body);
  });

  it('stores str() of floats as Python does, trims text, and keeps Python int/float apart for choices', async () => {
    const mail = await api(sb, 'POST', EMAIL, { raw: `{"name": "  ${unique('trim')}  ", "subject": 1.5e20, "username": 100.0}` });
    assert.equal(mail.status, 201, mail.text);
    assert.equal(mail.json['subject'], '1.5e+20');
    assert.equal(mail.json['username'], '100.0');
    assert.doesNotMatch(String(mail.json['name']), /^\s|\s$/);
    const totpFloat = await api(sb, 'POST', '/stages/authenticator/totp/', { raw: `{"name": "${unique('totp')}", "digits": 6.0}` });
    assert.equal(totpFloat.status, 400);
    assert.deepEqual(totpFloat.json, { digits: ['"6.0" is not a valid choice.'] });
    const totpInt = await api(sb, 'POST', '/stages/authenticator/totp/', { raw: `{"name": "${unique('totp')}", "digits": 8}` });
    assert.equal(totpInt.status, 201, totpInt.text);
    assert.equal(totpInt.json['digits'], '8');
  });

  it("checks email templates against the built-ins and the server's custom templates", async () => {
    const bad = await api(sb, 'POST', EMAIL, { body: { name: unique('tpl'), template: 'email/nope.html' } });
    assert.deepEqual(bad.json, { template: ["Invalid template 'email/nope.html' specified."] });
    const custom = await api(sb, 'POST', EMAIL, { body: { name: unique('tpl'), template: 'custom/welcome.html' } });
    assert.equal(custom.status, 201, custom.text);
    const templates = await api(sb, 'GET', '/stages/email/templates/');
    assert.deepEqual((templates.body as Json[]).slice(0, 2), [
      { name: 'email/password_reset.html', description: 'Password Reset' },
      { name: 'email/account_confirmation.html', description: 'Account Confirmation' },
    ]);
    assert.deepEqual((templates.body as Json[]).at(-1), { name: 'custom/welcome.html', description: 'Custom Template: custom/welcome.html' });
  });
});

describe('sandbox: DRF validation messages', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await start();
  });
  after(() => sb.close());

  const post = (path: string, body: unknown): Promise<Reply> => api(sb, 'POST', path, { body });

  it('required, blank, too long, out of range, several fields at once', async () => {
    assert.deepEqual((await post(EMAIL, {})).json, { name: ['This field is required.'] });
    assert.deepEqual((await post(EMAIL, { name: '   ' })).json, { name: ['This field may not be blank.'] });
    const reply = await post(EMAIL, { name: unique('m'), from_address: `${'a'.repeat(250)}@x.com`, recovery_max_attempts: -1, port: 2147483648, host: '' });
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.json, {
      host: ['This field may not be blank.'],
      port: ['Ensure this value is less than or equal to 2147483647.'],
      from_address: ['Ensure this field has no more than 254 characters.'],
      recovery_max_attempts: ['Ensure this value is greater than or equal to 0.'],
    });
  });

  it('wrong types: integer, boolean, string, choice, email', async () => {
    const reply = await post(EMAIL, { name: true, port: 'abc', use_tls: 'maybe', from_address: 'not-an-email', timeout: 1.5 });
    assert.deepEqual(reply.json, {
      name: ['Not a valid string.'],
      port: ['A valid integer is required.'],
      use_tls: ['Must be a valid boolean.'],
      timeout: ['A valid integer is required.'],
      from_address: ['Enter a valid email address.'],
    });
    const choice = await post('/stages/consent/', { name: unique('c'), mode: 'sometimes' });
    assert.deepEqual(choice.json, { mode: ['"sometimes" is not a valid choice.'] });
    const listChoice = await post('/stages/consent/', { name: unique('c'), mode: ['expiring'] });
    assert.deepEqual(listChoice.json, { mode: ['"[\'expiring\']" is not a valid choice.'] });
    assert.deepEqual((await post('/stages/deny/', { name: unique('d'), deny_message: null })).json, { deny_message: ['This field may not be null.'] });
  });

  it('list items are keyed by index; empty lists and non-lists are refused', async () => {
    const items = await post('/stages/authenticator/validate/', { name: unique('v'), device_classes: ['totp', 'foo', 'static', 7] });
    assert.deepEqual(items.json, { device_classes: { '1': ['"foo" is not a valid choice.'], '3': ['"7" is not a valid choice.'] } });
    assert.deepEqual((await post('/stages/authenticator/validate/', { name: unique('v'), device_classes: [] })).json, { device_classes: ['This list may not be empty.'] });
    assert.deepEqual((await post('/stages/password/', { name: unique('p'), backends: 'authentik.core.auth.InbuiltBackend' })).json, {
      backends: ['Expected a list of items but got type "str".'],
    });
  });

  it('related objects: malformed UUID, unknown pk, object of another type, many-to-many, wrong type', async () => {
    const malformed = await post('/stages/identification/', { name: unique('i'), user_fields: ['username'], password_stage: 'not-a-uuid' });
    assert.deepEqual(malformed.json, { password_stage: ['“not-a-uuid” is not a valid UUID.'] });
    const missing = '00000000-0000-4000-8000-000000000001';
    const unknown = await post('/stages/identification/', { name: unique('i'), user_fields: ['username'], password_stage: missing.toUpperCase() });
    assert.deepEqual(unknown.json, { password_stage: [`Invalid pk "${missing.toUpperCase()}" - object does not exist.`] });
    const otherType = await post('/stages/identification/', { name: unique('i'), user_fields: ['username'], password_stage: pk('default-deny') });
    assert.deepEqual(otherType.json, { password_stage: [`Invalid pk "${pk('default-deny')}" - object does not exist.`] });
    const many = await post('/stages/identification/', { name: unique('i'), sources: [demoUuid('source:github'), missing, 'x'] });
    assert.deepEqual(many.json, { sources: [`Invalid pk "${missing}" - object does not exist.`] });
    const bool = await post('/stages/identification/', { name: unique('i'), user_fields: ['email'], recovery_flow: true });
    assert.deepEqual(bool.json, { recovery_flow: ['Incorrect type. Expected pk value, received bool.'] });
    const prompts = await post('/stages/prompt/stages/', { name: unique('ps'), fields: [] });
    assert.deepEqual(prompts.json, { fields: ['This list may not be empty.'] });
    const ok = await post('/stages/identification/', {
      name: unique('i'),
      sources: [demoUuid('source:github')],
      password_stage: pk('default-authentication-password'),
      recovery_flow: '',
    });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json['recovery_flow'], null);
  });

  it('durations: the comma form is refused, unknown keys pass, an overflow is a 500', async () => {
    const comma = await post(EMAIL, { name: unique('d'), token_expiry: 'hours=3,minutes=17' });
    assert.deepEqual(comma.json, { token_expiry: ["hours=3,minutes=17 is not in the correct format of 'hours=3;minutes=1'."] });
    const trailing = await post('/stages/user_login/', { name: unique('d'), session_duration: 'hours=1;' });
    assert.deepEqual(trailing.json, { session_duration: ["hours=1; is not in the correct format of 'hours=3;minutes=1'."] });
    const fine = await post('/stages/user_login/', { name: unique('d'), session_duration: 'hours=1;fortnights=2' });
    assert.equal(fine.status, 201, fine.text);
    const overflow = await post('/stages/consent/', { name: unique('d'), consent_expire_in: 'days=1e10' });
    assert.equal(overflow.status, 500);
  });

  it('non_field_errors from validate(), unique names, and the body itself', async () => {
    assert.deepEqual((await post('/stages/identification/', { name: unique('i'), user_fields: [] })).json, {
      non_field_errors: ['When no user fields are selected, at least one source must be selected'],
    });
    assert.deepEqual((await post('/stages/redirect/', { name: unique('r'), mode: 'static' })).json, { non_field_errors: ['Target URL should be present when mode is Static.'] });
    assert.deepEqual((await post('/stages/authenticator/validate/', { name: unique('v'), not_configured_action: 'configure' })).json, {
      not_configured_action: ['When "Not configured action" is set to "Configure", you must set a configuration stage.'],
    });
    assert.deepEqual((await post('/stages/deny/', { name: 'default-authentication-login' })).json, { name: ['stage with this name already exists.'] });
    assert.deepEqual((await post('/stages/prompt/prompts/', { name: 'default-enrollment-field-username', field_key: 'u', label: 'U', type: 'text' })).json, {
      name: ['Prompt with this name already exists.'],
    });
    assert.deepEqual((await post(EMAIL, [1, 2])).json, { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
    assert.deepEqual((await post(EMAIL, null)).json, { non_field_errors: ['No data provided'] });
    const notJson = await api(sb, 'POST', EMAIL, { raw: 'nope' });
    assert.equal(notJson.status, 400);
    assert.deepEqual(notJson.json, { detail: 'JSON parse error - Expecting value: line 1 column 1 (char 0)' });
    const trailingComma = await api(sb, 'POST', EMAIL, { raw: '{"name": "x",}' });
    assert.deepEqual(trailingComma.json, { detail: 'JSON parse error - Illegal trailing comma before end of object: line 1 column 13 (char 12)' });
    const nan = await api(sb, 'POST', EMAIL, { raw: '{"name": "x", "port": NaN}' });
    assert.deepEqual(nan.json, { detail: "JSON parse error - Out of range float values are not JSON compliant: 'NaN'" });
    const text = await api(sb, 'POST', EMAIL, { raw: '{"name": "x"}', headers: { 'Content-Type': 'text/plain' } });
    assert.equal(text.status, 415);
    assert.deepEqual(text.json, { detail: 'Unsupported media type "text/plain" in request.' });
  });

  it('enterprise stages need a licence; a source stage needs a web-based source', async () => {
    const ldap = await post('/stages/source/', { name: unique('s'), source: demoUuid('source:corporate-ldap') });
    assert.deepEqual(ldap.json, { source: ['Invalid source selected, only web-based sources are supported.'] });
    assert.equal((await post('/stages/source/', { name: unique('s'), source: demoUuid('source:github') })).status, 201);
    const unlicensed = await start({ enterpriseLicensed: false });
    try {
      const reply = await api(unlicensed, 'POST', '/stages/mtls/', { body: { name: 'mtls', mode: 'optional', cert_attribute: 'subject', user_attribute: 'email' } });
      assert.deepEqual(reply.json, { non_field_errors: ['Enterprise is required to create/update this object.'] });
    } finally {
      await unlicensed.close();
    }
  });
});

for (const [label, schemaPath, typeCount] of [
  ['2026.8.3', pinnedOpenApi, 26],
  ['2025.8.6', olderOpenApi, 24],
] as const) {
  describe(`sandbox: every stage type of the ${label} document`, () => {
    let sb: Sandbox;
    before(async () => {
      sb = await startSandbox({ schemaPath });
    });
    after(() => sb.close());

    /** A value for a required field: an existing object for references, else something valid of the type. */
    function valueFor(field: { kind: string; target?: string; choices?: readonly (string | number)[]; child?: { kind: string; choices?: readonly (string | number)[] } }): unknown {
      const existing = (target: string): string => {
        if (target === 'flow') return sb.store.listFlows()[0]!.pk;
        if (target === 'source') return sb.store.getSource('github')!.pk;
        if (target === 'prompt') return sb.store.listPrompts()[0]!.pk;
        if (target.startsWith('stage')) return sb.store.listStages(target.split(':')[1])[0]!.pk;
        return sb.store.listObjects(target as 'policy')[0]!.pk;
      };
      switch (field.kind) {
        case 'choice':
          return field.choices![0];
        case 'pk':
          return existing(field.target!);
        case 'manypk':
          return [existing(field.target!)];
        case 'list':
          return field.child?.choices ? [field.child.choices[0]] : ['x'];
        case 'jsondict':
          return {};
        case 'email':
          return 'someone@example.com';
        case 'integer':
          return 1;
        case 'boolean':
          return true;
        default:
          return 'x';
      }
    }
    const EXTRA: Record<string, Json> = {
      IdentificationStage: { user_fields: ['username'] },
      RedirectStage: { target_static: 'https://example.com' },
    };

    it('creates (201), lists, reads, patches, finds in /stages/all/ and deletes each type (and prompts)', async () => {
      const types = sb.catalog.types;
      if (typeCount) assert.equal(types.filter((t) => t.isStage).length, typeCount);
      for (const type of types) {
        const body: Json = { ...(EXTRA[type.typeName] ?? {}) };
        for (const field of type.fields) if (field.required) body[field.name] = valueFor(field);
        body['name'] = unique(type.modelName);
        const created = await api(sb, 'POST', type.listPath, { body });
        assert.equal(created.status, 201, `${type.model}: ${created.text}`);
        const id = String(created.json['pk']);
        if (type.isStage) {
          assert.equal(created.json['meta_model_name'], type.model);
          assert.equal(created.json['component'], type.component);
        }
        const listed = await api(sb, 'GET', `${type.listPath}?search=${encodeURIComponent(String(body['name']))}`);
        assert.deepEqual(
          (listed.json['results'] as Json[]).map((r) => r['pk']),
          [id],
          type.model,
        );
        assert.deepEqual((await api(sb, 'GET', `${type.listPath}${id}/`)).json, created.json, type.model);
        // (identification's validate() looks at the PATCH body only, so it gets its user_fields again)
        const renamed = await api(sb, 'PATCH', `${type.listPath}${id}/`, { body: { ...(EXTRA[type.typeName] ?? {}), name: `${String(body['name'])}-renamed` } });
        assert.equal(renamed.status, 200, `${type.model}: ${renamed.text}`);
        assert.equal((await api(sb, 'GET', `/stages/all/${id}/`)).status, type.isStage ? 200 : 404, type.model);
        assert.equal((await api(sb, 'DELETE', `${type.listPath}${id}/`)).status, 204, type.model);
        assert.equal((await api(sb, 'GET', `${type.listPath}${id}/`)).status, 404, type.model);
      }
    });

    /** Where the sandbox lists a reference target, and the field its objects carry their pk in. */
    function endpointOf(target: string): { path: string; pkField: string } {
      if (target === 'flow') return { path: '/flows/instances/', pkField: 'pk' };
      if (target === 'source') return { path: '/sources/all/', pkField: 'pk' };
      if (target === 'prompt') return { path: '/stages/prompt/prompts/', pkField: 'pk' };
      if (target === 'stage') return { path: '/stages/all/', pkField: 'pk' };
      if (target.startsWith('stage:')) return { path: sb.catalog.byModel.get(target.slice('stage:'.length))!.listPath, pkField: 'pk' };
      const endpoint = OBJECT_ENDPOINTS.find((e) => e.kinds.length === 1 && e.kinds[0] === target);
      assert.ok(endpoint, `no list endpoint for ${target}`);
      return { path: endpoint.listPath, pkField: target === 'webauthndevicetype' ? 'aaguid' : target === 'connector' ? 'connector_uuid' : 'pk' };
    }

    it('every reference field of every stage type: its target is listed, and a pk naming nothing or another model is refused as DRF does', async () => {
      const missing = '00000000-0000-4000-8000-00000000abcd';
      let checked = 0;
      for (const type of sb.catalog.types) {
        for (const field of type.fields.filter((f) => f.kind === 'pk' || f.kind === 'manypk')) {
          const where = `${type.typeName}.${field.name}`;
          assert.ok(field.target, `${where} has no reference target`);
          const target = field.target;
          if (target.startsWith('stage:') && sb.store.listStages(target.slice('stage:'.length)).length === 0) {
            sb.store.addStage({ model: target.slice('stage:'.length), name: unique('target') });
          }
          const right = valueFor({ kind: 'pk', target }) as string;
          const { path, pkField } = endpointOf(target);
          const listed = await api(sb, 'GET', `${path}?page_size=100`);
          assert.equal(listed.status, 200, `${where}: GET ${path} ${listed.status}`);
          assert.ok((listed.json['results'] as Json[]).some((r) => r[pkField] === right), `${where}: ${path} lists ${right}`);
          // Another model's object: a stage where anything else belongs, a flow where a stage (of any type) belongs.
          const wrong = target === 'stage' ? sb.store.listFlows()[0]!.pk : pk('default-deny');
          const base: Json = { ...(EXTRA[type.typeName] ?? {}) };
          for (const other of type.fields) if (other.required) base[other.name] = valueFor(other);
          for (const bad of [missing, wrong]) {
            const body = { ...base, name: unique(type.modelName), [field.name]: field.kind === 'manypk' ? [right, bad] : bad };
            const reply = await api(sb, 'POST', type.listPath, { body });
            assert.equal(reply.status, 400, `${where} = ${bad}: ${reply.text}`);
            assert.deepEqual(reply.json[field.name], [`Invalid pk "${bad}" - object does not exist.`], where);
          }
          const good = await api(sb, 'POST', type.listPath, { body: { ...base, name: unique(type.modelName), [field.name]: field.kind === 'manypk' ? [right] : right } });
          assert.equal(good.status, 201, `${where} = ${right}: ${good.text}`);
          checked++;
        }
      }
      assert.ok(checked >= 20, `${checked} reference fields`);
    });
  });
}

describe('sandbox: PUT, PATCH, DELETE', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await start();
  });
  after(() => sb.close());

  it('PUT requires required fields and keeps stored values of fields it leaves out', async () => {
    const created = await api(sb, 'POST', EMAIL, { body: { name: unique('put'), subject: 'Hello', password: 'p1' } });
    const id = String(created.json['pk']);
    const missing = await api(sb, 'PUT', `${EMAIL}${id}/`, { body: { subject: 'x' } });
    assert.deepEqual(missing.json, { name: ['This field is required.'] });
    const put = await api(sb, 'PUT', `${EMAIL}${id}/`, { body: { name: String(created.json['name']), port: 2525 } });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json['subject'], 'Hello');
    assert.equal(put.json['port'], 2525);
    assert.equal(sb.store.getStage(id)?.['password'], 'p1', 'a PUT without the secret keeps it');
    const taken = await api(sb, 'PUT', `${EMAIL}${id}/`, { body: { name: 'default-recovery-email' } });
    assert.deepEqual(taken.json, { name: ['stage with this name already exists.'] });
  });

  it('PATCH validates only what is sent, and validate() still misfires on partial bodies as the server does', async () => {
    const id = pk('default-recovery-email');
    const patch = await api(sb, 'PATCH', `${EMAIL}${id}/`, { body: { subject: 'New subject' } });
    assert.equal(patch.status, 200, patch.text);
    assert.equal(patch.json['subject'], 'New subject');
    assert.equal(patch.json['name'], 'default-recovery-email');
    assert.deepEqual((await api(sb, 'PATCH', `${EMAIL}${id}/`, { body: { port: 'x' } })).json, { port: ['A valid integer is required.'] });
    const ident = await api(sb, 'PATCH', `/stages/identification/${pk('default-authentication-identification')}/`, { body: { show_matched_user: false } });
    assert.deepEqual(ident.json, { non_field_errors: ['When no user fields are selected, at least one source must be selected'] });
  });

  it('changes made through the store (update, add, delete) are what the next requests see', async () => {
    const id = pk('default-deny');
    sb.store.updateStage(id, { deny_message: 'Changed remotely' });
    assert.equal((await api(sb, 'GET', `/stages/deny/${id}/`)).json['deny_message'], 'Changed remotely');
    const added = sb.store.addStages([
      { model: 'authentik_stages_deny.denystage', name: 'added-1' },
      { model: 'authentik_stages_deny.denystage', name: 'added-2', deny_message: 'no' },
    ]);
    const list = await api(sb, 'GET', '/stages/deny/?search=added');
    assert.deepEqual(
      (list.json['results'] as Json[]).map((r) => [r['name'], r['deny_message']]),
      [
        ['added-1', ''],
        ['added-2', 'no'],
      ],
    );
    assert.ok(sb.store.deleteStage(added[0]!.pk));
    assert.equal((await api(sb, 'GET', `/stages/deny/${added[0]!.pk}/`)).status, 404);
  });

  it('DELETE answers 204, cascades bindings and clears references', async () => {
    const id = pk('default-authentication-password');
    const before = await api(sb, 'GET', `/stages/password/${id}/used_by/`);
    assert.deepEqual(
      (before.body as Json[]).map((u) => [u['app'], u['model_name'], u['action']]),
      [
        ['authentik_flows', 'flowstagebinding', 'cascade'],
        ['authentik_stages_identification', 'identificationstage', 'set_null'],
      ],
    );
    const del = await api(sb, 'DELETE', `/stages/password/${id}/`);
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    assert.equal((await api(sb, 'GET', `/stages/password/${id}/`)).status, 404);
    const ident = await api(sb, 'GET', `/stages/identification/${pk('default-authentication-identification')}/`);
    assert.equal(ident.json['password_stage'], null);
    const flow = await api(sb, 'GET', '/flows/instances/default-authentication-flow/');
    assert.ok(!(flow.json['stages'] as string[]).includes(id));
  });
});

describe('sandbox: authentication, 404, 405, server info', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await start();
  });
  after(() => sb.close());

  it('answers 403 without a token, with a wrong token, and with another scheme', async () => {
    const none = await api(sb, 'GET', EMAIL, { token: null });
    assert.equal(none.status, 403);
    assert.deepEqual(none.json, { detail: 'Authentication credentials were not provided.' });
    const wrong = await api(sb, 'GET', EMAIL, { token: 'wrong' });
    assert.equal(wrong.status, 403);
    assert.deepEqual(wrong.json, { detail: 'Token invalid/expired' });
    const basic = await api(sb, 'GET', EMAIL, { token: null, headers: { Authorization: 'Basic YWI6Y2Q=' } });
    assert.deepEqual(basic.json, { detail: 'Unsupported authentication type' });
    assert.equal((await api(sb, 'POST', EMAIL, { token: null, body: { name: 'x' } })).status, 403);
    assert.equal((await call(sb, 'GET', '/_sandbox/requests', { token: null })).status, 403);
  });

  it("answers 404 with DRF's wording for unknown objects, 405 for wrong methods, 301 without the trailing slash", async () => {
    const missing = await api(sb, 'GET', `${EMAIL}00000000-0000-4000-8000-000000000000/`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { detail: 'No EmailStage matches the given query.' });
    assert.deepEqual((await api(sb, 'GET', `${EMAIL}not-a-uuid/`)).json, { detail: 'No EmailStage matches the given query.' });
    assert.deepEqual((await api(sb, 'GET', `${EMAIL}${pk('default-deny')}/`)).json, { detail: 'No EmailStage matches the given query.' }, 'a stage of another type');
    assert.deepEqual((await api(sb, 'GET', '/stages/all/00000000-0000-4000-8000-000000000000/')).json, { detail: 'No Stage matches the given query.' });
    assert.deepEqual((await api(sb, 'GET', '/flows/instances/nope/')).json, { detail: 'No Flow matches the given query.' });
    const method = await api(sb, 'DELETE', '/stages/all/');
    assert.equal(method.status, 405);
    assert.deepEqual(method.json, { detail: 'Method "DELETE" not allowed.' });
    assert.equal((await api(sb, 'POST', '/admin/version/', { body: {} })).status, 405);
    assert.equal((await api(sb, 'GET', '/no/such/endpoint/')).status, 404);
    const noSlash = await api(sb, 'GET', '/stages/email');
    assert.equal(noSlash.status, 301);
    assert.equal(noSlash.headers.get('location'), '/api/v3/stages/email/');
  });

  it('serves /schema/ without a token: YAML by default, JSON on ?format=json or Accept', async () => {
    const yaml = await api(sb, 'GET', '/schema/', { token: null });
    assert.equal(yaml.status, 200);
    assert.match(yaml.headers.get('content-type') ?? '', /^application\/vnd\.oai\.openapi\b/);
    assert.equal(yaml.text, readFileSync(pinnedOpenApi, 'utf8'));
    assert.equal((parseYaml(yaml.text.slice(0, yaml.text.indexOf('\npaths:'))) as { info: { version: string } }).info.version, '2026.8.3');
    const json = await api(sb, 'GET', '/schema/?format=json', { token: null });
    assert.match(json.headers.get('content-type') ?? '', /^application\/vnd\.oai\.openapi\+json/);
    assert.equal((json.json['info'] as Json)['version'], '2026.8.3');
    const accept = await api(sb, 'GET', '/schema/', { token: null, headers: { Accept: 'application/json' } });
    assert.match(accept.headers.get('content-type') ?? '', /^application\/json/);
    assert.ok('paths' in accept.json);
    assert.equal((await api(sb, 'GET', '/schema/', { token: 'wrong' })).status, 403, 'a wrong token is refused even here');
  });

  it('/admin/version/ and /core/users/me/ follow their schemas', async () => {
    const version = await api(sb, 'GET', '/admin/version/');
    assert.deepEqual(version.json, {
      version_current: '2026.8.3',
      version_latest: '2026.8.3',
      version_latest_valid: true,
      build_hash: '',
      outdated: false,
      outpost_outdated: false,
    });
    const me = await api(sb, 'GET', '/core/users/me/');
    const user = me.json['user'] as Json;
    assert.equal(user['username'], 'akadmin');
    assert.equal(user['is_superuser'], true);
    assert.deepEqual(Object.keys(user), Object.keys(sb.catalog.api.schemas['UserSelf']!['properties'] as Json));
  });
});

describe('sandbox: /stages/all/, types, flows and used_by', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await start();
  });
  after(() => sb.close());

  it('/stages/all/ lists every stage with meta_model_name, component and verbose_name', async () => {
    const all = await api(sb, 'GET', '/stages/all/?page_size=100');
    const results = all.json['results'] as Json[];
    assert.equal(results.length, sb.store.stageCount());
    const email = results.find((r) => r['name'] === 'default-recovery-email')!;
    assert.deepEqual(Object.keys(email), ['pk', 'name', 'component', 'verbose_name', 'verbose_name_plural', 'meta_model_name', 'flow_set']);
    assert.equal(email['meta_model_name'], 'authentik_stages_email.emailstage');
    assert.equal(email['component'], 'ak-stage-email-form');
    const one = await api(sb, 'GET', `/stages/all/${pk('default-enrollment-prompt')}/`);
    assert.equal(one.json['verbose_name'], 'Prompt Stage');
    assert.deepEqual((await api(sb, 'GET', '/stages/all/?name=default-deny')).json['results'], [results.find((r) => r['name'] === 'default-deny')]);
  });

  it('/stages/all/types/ lists the 26 stage types as TypeCreate, sorted by name', async () => {
    const types = (await api(sb, 'GET', '/stages/all/types/')).body as Json[];
    assert.equal(types.length, 26);
    const names = types.map((t) => String(t['name']));
    assert.deepEqual(names, [...names].sort());
    const email = types.find((t) => t['model_name'] === 'emailstage')!;
    assert.deepEqual(Object.keys(email), ['name', 'description', 'component', 'model_name', 'icon_url', 'requires_enterprise', 'deprecated']);
    assert.equal(email['name'], 'Email Stage');
    assert.equal(email['component'], 'ak-stage-email-form');
    assert.equal(types.find((t) => t['model_name'] === 'mutualtlsstage')!['requires_enterprise'], true);
    assert.ok(types.some((t) => t['model_name'] === 'endpointstage'));
  });

  it('computes flow_set from the bindings, in the FlowSet shape', async () => {
    const login = await api(sb, 'GET', `/stages/user_login/${pk('default-authentication-login')}/`);
    const flowSet = login.json['flow_set'] as Json[];
    assert.deepEqual(
      flowSet.map((f) => f['slug']),
      ['default-authentication-flow', 'default-enrollment-flow', 'default-recovery-flow'],
    );
    assert.deepEqual(Object.keys(flowSet[0]!), Object.keys(sb.catalog.api.schemas['FlowSet']!['properties'] as Json));
    assert.deepEqual((await api(sb, 'GET', `/stages/deny/${pk('default-deny')}/`)).json['flow_set'], []);
    sb.store.bindStage({ target: 'default-recovery-flow', stage: 'default-deny', order: 200 });
    const deny = await api(sb, 'GET', `/stages/deny/${pk('default-deny')}/`);
    assert.deepEqual(
      (deny.json['flow_set'] as Json[]).map((f) => f['slug']),
      ['default-recovery-flow'],
    );
    const flow = await api(sb, 'GET', '/flows/instances/default-recovery-flow/');
    assert.equal((flow.json['stages'] as string[]).at(-1), pk('default-deny'));
    const bindings = await api(sb, 'GET', `/flows/bindings/?target=${demoUuid('flow:default-recovery-flow')}`);
    assert.deepEqual(
      (bindings.json['results'] as Json[]).map((b) => [b['order'], (b['stage_obj'] as Json)['name']]),
      [
        [10, 'default-recovery-identification'],
        [20, 'default-recovery-email'],
        [100, 'default-authentication-login'],
        [200, 'default-deny'],
      ],
    );
  });

  it('used_by lists the bindings and stages using a stage, and the prompt stages using a prompt', async () => {
    const used = (await api(sb, 'GET', `/stages/user_login/${pk('default-authentication-login')}/used_by/`)).body as Json[];
    assert.equal(used.length, 3);
    for (const entry of used) {
      assert.deepEqual(Object.keys(entry), ['app', 'model_name', 'pk', 'name', 'action']);
      assert.equal(entry['model_name'], 'flowstagebinding');
      assert.match(String(entry['name']), /^Flow-stage binding #100 to [0-9a-f-]{36}$/);
    }
    const prompt = (await api(sb, 'GET', `/stages/prompt/prompts/${demoUuid('prompt:username')}/used_by/`)).body as Json[];
    assert.deepEqual(prompt, [
      { app: 'authentik_stages_prompt', model_name: 'promptstage', pk: pk('default-enrollment-prompt'), name: 'default-enrollment-prompt', action: 'cascade_many' },
    ]);
    const promptObj = await api(sb, 'GET', `/stages/prompt/prompts/${demoUuid('prompt:username')}/`);
    assert.deepEqual(
      (promptObj.json['prompt_stages_obj'] as Json[]).map((s) => s['name']),
      ['default-enrollment-prompt'],
    );
  });
});

describe('sandbox: the objects stages reference (list, search, filters, retrieve)', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await start();
  });
  after(() => sb.close());

  const names = async (path: string, key = 'name'): Promise<unknown[]> => {
    const reply = await api(sb, 'GET', path);
    assert.equal(reply.status, 200, `${path}: ${reply.text}`);
    return (reply.json['results'] as Json[]).map((r) => r[key]);
  };
  const schemaKeys = (schema: string): string[] => Object.keys(sb.catalog.api.schemas[schema]!['properties'] as Json);

  it('/policies/all/: every subclass in the Policy shape, ordered by name, searched by name, bindings__isnull and promptstage__isnull', async () => {
    const list = await api(sb, 'GET', '/policies/all/');
    const results = list.json['results'] as Json[];
    assert.deepEqual(
      results.map((p) => p['name']),
      ['default-password-change-password-policy', 'default-recovery-skip-if-restored', 'default-source-enrollment-if-sso', 'demo-reputation-policy'],
    );
    assert.deepEqual(Object.keys(results[0]!), schemaKeys('Policy'));
    assert.deepEqual(
      [results[0]!['pk'], results[0]!['meta_model_name'], results[0]!['component'], results[0]!['verbose_name'], results[0]!['verbose_name_plural']],
      [demoUuid('policy:default-password-change-password-policy'), 'authentik_policies_password.passwordpolicy', 'ak-policy-password-form', 'Password Policy', 'Password Policies'],
    );
    assert.deepEqual(await names('/policies/all/?search=SOURCE'), ['default-source-enrollment-if-sso']);
    assert.deepEqual(await names('/policies/all/?bindings__isnull=false'), ['default-source-enrollment-if-sso']);
    // The demo enrollment prompt stage validates with the password policy.
    assert.deepEqual(await names('/policies/all/?promptstage__isnull=false'), ['default-password-change-password-policy']);
    assert.deepEqual(await names('/policies/all/?ordering=-name&page_size=2'), ['demo-reputation-policy', 'default-source-enrollment-if-sso']);
    const one = await api(sb, 'GET', `/policies/all/${demoUuid('policy:demo-reputation')}/`);
    assert.equal(one.json['verbose_name'], 'Reputation Policy');
    assert.equal(one.json['execution_logging'], true);
    assert.deepEqual((await api(sb, 'GET', `/policies/all/${demoUuid('group:demo-support')}/`)).json, { detail: 'No Policy matches the given query.' });
    assert.equal((await api(sb, 'GET', '/policies/all/not-a-uuid/')).status, 404);
  });

  it('/core/groups/: search over name and is_superuser, the name/is_superuser/attributes/members filters, include_* shaping the answer', async () => {
    assert.deepEqual(await names('/core/groups/'), ['authentik Admins', 'demo-enrolled-users', 'demo-support']);
    assert.deepEqual(await names('/core/groups/?search=true'), ['authentik Admins']);
    assert.deepEqual(await names('/core/groups/?search=demo'), ['demo-enrolled-users', 'demo-support']);
    assert.deepEqual(await names('/core/groups/?is_superuser=false'), ['demo-enrolled-users', 'demo-support']);
    assert.deepEqual(await names('/core/groups/?name=demo-support'), ['demo-support']);
    assert.deepEqual(await names(`/core/groups/?attributes=${encodeURIComponent('{"team": "support"}')}`), ['demo-support']);
    assert.deepEqual((await api(sb, 'GET', '/core/groups/?attributes=nope')).json, ['filter: failed to parse JSON'] as unknown as Json);
    assert.deepEqual((await api(sb, 'GET', '/core/groups/?attributes=%5B1%5D')).json, ['filter: value must be key:value mapping'] as unknown as Json);
    assert.deepEqual(await names('/core/groups/?members_by_pk=1'), ['authentik Admins']);
    assert.deepEqual(await names('/core/groups/?members_by_username=akadmin'), ['authentik Admins']);
    assert.deepEqual((await api(sb, 'GET', '/core/groups/?members_by_pk=42')).json, { members_by_pk: ['Select a valid choice. 42 is not one of the available choices.'] });
    const admins = await api(sb, 'GET', `/core/groups/${demoUuid('group:authentik Admins')}/`);
    assert.deepEqual(Object.keys(admins.json), schemaKeys('Group'));
    assert.equal(admins.json['is_superuser'], true);
    assert.equal((admins.json['users_obj'] as Json[])[0]!['username'], 'akadmin');
    assert.equal(admins.json['parents_obj'], null, 'include_parents defaults to false');
    const shaped = await api(sb, 'GET', `/core/groups/${demoUuid('group:authentik Admins')}/?include_users=false&include_parents=true`);
    assert.equal(shaped.json['users_obj'], null);
    assert.deepEqual(shaped.json['parents_obj'], []);
    assert.equal((await names('/core/groups/?include_users=false')).length, 3, 'include_* is no filter');
    assert.deepEqual((await api(sb, 'GET', `/core/groups/${demoUuid('policy:demo-reputation')}/`)).json, { detail: 'No Group matches the given query.' });
  });

  it('/crypto/certificatekeypairs/: has_key, key_type (checked choices), name; download URLs', async () => {
    assert.deepEqual(await names('/crypto/certificatekeypairs/'), ['authentik Self-signed Certificate', 'demo-client-ca']);
    assert.deepEqual(await names('/crypto/certificatekeypairs/?has_key=true'), ['authentik Self-signed Certificate']);
    assert.equal((await names('/crypto/certificatekeypairs/?has_key=false')).length, 2, 'filter_has_key only filters on true');
    assert.deepEqual(await names('/crypto/certificatekeypairs/?key_type=ec'), ['demo-client-ca']);
    assert.deepEqual(await names('/crypto/certificatekeypairs/?key_type=ec&key_type=rsa'), ['authentik Self-signed Certificate', 'demo-client-ca']);
    assert.deepEqual((await api(sb, 'GET', '/crypto/certificatekeypairs/?key_type=dsb')).json, { key_type: ['Select a valid choice. dsb is not one of the available choices.'] });
    assert.deepEqual(await names('/crypto/certificatekeypairs/?search=client'), ['demo-client-ca']);
    const ca = await api(sb, 'GET', `/crypto/certificatekeypairs/${demoUuid('cert:demo-client-ca')}/`);
    assert.deepEqual(Object.keys(ca.json), schemaKeys('CertificateKeyPair'));
    assert.equal(ca.json['private_key_available'], false);
    assert.equal(ca.json['certificate_download_url'], `/api/v3/crypto/certificatekeypairs/${demoUuid('cert:demo-client-ca')}/view_certificate/?download`);
  });

  it('/propertymappings/all/ lists webhook and other mappings (name, managed, managed__isnull); /propertymappings/notification/ only webhook mappings', async () => {
    assert.deepEqual(await names('/propertymappings/all/'), [
      'authentik default LDAP Mapping: Name',
      'authentik default LDAP Mapping: mail',
      'demo-github-username',
      'demo-sms-webhook-mapping',
    ]);
    assert.deepEqual(await names('/propertymappings/all/?managed__isnull=true'), ['demo-github-username', 'demo-sms-webhook-mapping']);
    assert.deepEqual(await names('/propertymappings/all/?managed=goauthentik.io/sources/ldap/default-mail&managed=goauthentik.io/sources/ldap/default-name'), [
      'authentik default LDAP Mapping: Name',
      'authentik default LDAP Mapping: mail',
    ]);
    assert.deepEqual(await names('/propertymappings/all/?search=sms'), ['demo-sms-webhook-mapping']);
    const webhook = await api(sb, 'GET', `/propertymappings/all/${demoUuid('mapping:sms')}/`);
    assert.deepEqual(Object.keys(webhook.json), schemaKeys('PropertyMapping'));
    assert.deepEqual([webhook.json['meta_model_name'], webhook.json['component']], ['authentik_events.notificationwebhookmapping', 'ak-property-mapping-notification-form']);
    assert.deepEqual(await names('/propertymappings/notification/'), ['demo-sms-webhook-mapping']);
    const plain = await api(sb, 'GET', `/propertymappings/notification/${demoUuid('mapping:sms')}/`);
    assert.deepEqual(Object.keys(plain.json), schemaKeys('NotificationWebhookMapping'));
    assert.deepEqual((await api(sb, 'GET', `/propertymappings/notification/${demoUuid('mapping:ldap-name')}/`)).json, {
      detail: 'No NotificationWebhookMapping matches the given query.',
    });
  });

  it('/stages/authenticator/webauthn_device_types/: aaguid and description (search over both, filters), retrieved by AAGUID', async () => {
    const all = (await api(sb, 'GET', '/stages/authenticator/webauthn_device_types/')).json['results'] as Json[];
    assert.equal(all.length, 4);
    assert.deepEqual(Object.keys(all[0]!), ['aaguid', 'description']);
    assert.deepEqual(await names('/stages/authenticator/webauthn_device_types/?search=yubi', 'description'), ['YubiKey 5 Series']);
    assert.deepEqual(await names('/stages/authenticator/webauthn_device_types/?search=cb69481e', 'description'), ['YubiKey 5 Series']);
    assert.deepEqual(await names('/stages/authenticator/webauthn_device_types/?description=Windows%20Hello', 'aaguid'), ['08987058-cadc-4b81-b6e1-30de50dcbe96']);
    assert.deepEqual((await api(sb, 'GET', '/stages/authenticator/webauthn_device_types/?aaguid=nope')).json, { aaguid: ['Enter a valid UUID.'] });
    const one = await api(sb, 'GET', '/stages/authenticator/webauthn_device_types/CB69481E-8FF7-4039-93EC-0A2729A154A8/');
    assert.deepEqual(one.json, { aaguid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8', description: 'YubiKey 5 Series' });
    // A stage's `<field>_obj` shows the objects its references name.
    const mfa = await api(sb, 'GET', `/stages/authenticator/validate/${pk('default-authentication-mfa-validation')}/`);
    assert.deepEqual(
      (mfa.json['webauthn_allowed_device_types_obj'] as Json[]).map((d) => d['description']),
      ['YubiKey 5 Series', 'Windows Hello'],
    );
  });

  it('/endpoints/connectors/: connector_uuid as the pk, search by name, the connector_obj of an endpoint stage; absent from 2025.8', async () => {
    const connectors = (await api(sb, 'GET', '/endpoints/connectors/?search=agent')).json['results'] as Json[];
    assert.deepEqual(connectors, [
      {
        connector_uuid: demoUuid('connector:agent'),
        name: 'demo-agent-connector',
        enabled: true,
        component: 'ak-endpoints-connector-agent-form',
        verbose_name: 'Agent Connector',
        verbose_name_plural: 'Agent Connectors',
        meta_model_name: 'authentik_endpoints_connectors_agent.agentconnector',
      },
    ]);
    assert.deepEqual((await api(sb, 'GET', `/endpoints/connectors/${demoUuid('connector:agent')}/`)).json, connectors[0]);
    const stage = await api(sb, 'POST', '/stages/endpoints/', { body: { name: unique('endpoint'), connector: demoUuid('connector:agent') } });
    assert.equal(stage.status, 201, stage.text);
    assert.deepEqual(stage.json['connector_obj'], connectors[0]);
    const older = await startSandbox2025();
    try {
      assert.equal((await api(older, 'GET', '/endpoints/connectors/')).status, 404);
      assert.equal((await api(older, 'GET', '/policies/all/')).status, 200);
    } finally {
      await older.close();
    }
  });

  it('flows (designation a checked choice, slug, name, flow_uuid; search; retrieved by slug only), sources and prompts: filters, search, retrieve', async () => {
    assert.deepEqual(await names('/flows/instances/', 'slug'), ['default-authentication-flow', 'default-enrollment-flow', 'default-recovery-flow']);
    assert.deepEqual(await names('/flows/instances/?designation=enrollment', 'slug'), ['default-enrollment-flow']);
    assert.deepEqual((await api(sb, 'GET', '/flows/instances/?designation=login')).json, { designation: ['Select a valid choice. login is not one of the available choices.'] });
    assert.deepEqual(await names('/flows/instances/?slug=default-recovery-flow', 'title'), ['Reset your password']);
    assert.deepEqual(await names('/flows/instances/?name=Default%20enrollment%20Flow', 'slug'), ['default-enrollment-flow']);
    assert.deepEqual(await names(`/flows/instances/?flow_uuid=${demoUuid('flow:default-recovery-flow')}`, 'slug'), ['default-recovery-flow']);
    assert.deepEqual(await names('/flows/instances/?search=reset', 'slug'), ['default-recovery-flow']);
    assert.deepEqual(await names('/flows/instances/?search=recovery', 'slug'), ['default-recovery-flow']);
    const flow = await api(sb, 'GET', '/flows/instances/default-recovery-flow/');
    assert.equal(flow.json['pk'], demoUuid('flow:default-recovery-flow'));
    assert.deepEqual((await api(sb, 'GET', `/flows/instances/${demoUuid('flow:default-recovery-flow')}/`)).json, { detail: 'No Flow matches the given query.' });
    // Sources and prompts, likewise.
    assert.deepEqual(await names('/sources/all/', 'slug'), ['corporate-ldap', 'github']);
    assert.deepEqual(await names('/sources/all/?name=GitHub', 'slug'), ['github']);
    assert.deepEqual(await names('/sources/all/?slug=corporate-ldap', 'name'), ['Corporate LDAP']);
    assert.deepEqual(await names(`/sources/all/?pbm_uuid=${demoUuid('source:github')}`, 'slug'), ['github']);
    assert.deepEqual(await names('/sources/all/?search=corporate', 'slug'), ['corporate-ldap']);
    assert.equal((await api(sb, 'GET', '/sources/all/github/')).json['pk'], demoUuid('source:github'));
    assert.deepEqual(await names('/stages/prompt/prompts/?type=password'), ['default-enrollment-field-password']);
    assert.deepEqual((await api(sb, 'GET', '/stages/prompt/prompts/?type=secret')).json, { type: ['Select a valid choice. secret is not one of the available choices.'] });
    assert.deepEqual(await names('/stages/prompt/prompts/?field_key=username'), ['default-enrollment-field-username']);
  });

  it('the demo stages reference the seeded objects by pk, and used_by says so', async () => {
    const ident = await api(sb, 'GET', `/stages/identification/${pk('default-authentication-identification')}/`);
    assert.equal(ident.json['password_stage'], pk('default-authentication-password'));
    assert.deepEqual(ident.json['sources'], [demoUuid('source:github')]);
    assert.equal(ident.json['enrollment_flow'], demoUuid('flow:default-enrollment-flow'));
    assert.equal(ident.json['recovery_flow'], demoUuid('flow:default-recovery-flow'));
    const prompt = await api(sb, 'GET', `/stages/prompt/stages/${pk('default-enrollment-prompt')}/`);
    assert.deepEqual(prompt.json['validation_policies'], [demoUuid('policy:default-password-change-password-policy')]);
    const write = await api(sb, 'GET', `/stages/user_write/${pk('default-enrollment-user-write')}/`);
    assert.equal(write.json['create_users_group'], demoUuid('group:demo-enrolled-users'));
    // used_by says which stages reference an object, and what deleting it would do to them.
    assert.deepEqual((await api(sb, 'GET', `/core/groups/${demoUuid('group:demo-enrolled-users')}/used_by/`)).body, [
      { app: 'authentik_stages_user_write', model_name: 'userwritestage', pk: pk('default-enrollment-user-write'), name: 'default-enrollment-user-write', action: 'set_null' },
    ]);
    assert.deepEqual((await api(sb, 'GET', `/policies/all/${demoUuid('policy:default-password-change-password-policy')}/used_by/`)).body, [
      { app: 'authentik_stages_prompt', model_name: 'promptstage', pk: pk('default-enrollment-prompt'), name: 'default-enrollment-prompt', action: 'cascade_many' },
    ]);
    assert.deepEqual((await api(sb, 'GET', `/crypto/certificatekeypairs/${demoUuid('cert:demo-client-ca')}/used_by/`)).body, []);
  });
});

describe('sandbox: references on create and update (PrimaryKeyRelatedField)', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await start();
  });
  after(() => sb.close());
  const post = (path: string, body: Json): Promise<Reply> => api(sb, 'POST', path, { body: { name: unique('ref'), ...body } });
  const doesNotExist = (value: string): string[] => [`Invalid pk "${value}" - object does not exist.`];

  it('a pk of another model is refused on that field with DRF message, whatever the model', async () => {
    const group = demoUuid('group:demo-support');
    const policy = demoUuid('policy:demo-reputation');
    const ldapMapping = demoUuid('mapping:ldap-name');
    assert.deepEqual((await post('/stages/user_write/', { create_users_group: policy })).json, { create_users_group: doesNotExist(policy) });
    assert.deepEqual((await post('/stages/prompt/stages/', { fields: [demoUuid('prompt:username')], validation_policies: [group] })).json, { validation_policies: doesNotExist(group) });
    assert.deepEqual((await post('/stages/prompt/stages/', { fields: [pk('default-deny')] })).json, { fields: doesNotExist(pk('default-deny')) });
    // A source property mapping is a property mapping, but not a webhook mapping.
    assert.deepEqual((await post('/stages/authenticator/sms/', { provider: 'generic', from_number: '+1', account_sid: 'a', auth: 'b', mapping: ldapMapping })).json, {
      mapping: doesNotExist(ldapMapping),
    });
    assert.deepEqual((await post('/stages/mtls/', { mode: 'optional', cert_attribute: 'subject', user_attribute: 'email', certificate_authorities: [group] })).json, {
      certificate_authorities: doesNotExist(group),
    });
    assert.deepEqual((await post('/stages/authenticator/validate/', { webauthn_allowed_device_types: [demoUuid('cert:demo-client-ca')] })).json, {
      webauthn_allowed_device_types: doesNotExist(demoUuid('cert:demo-client-ca')),
    });
    assert.deepEqual((await post('/stages/endpoints/', { connector: policy })).json, { connector: doesNotExist(policy) });
    const ok = await post('/stages/user_write/', { create_users_group: group.toUpperCase() });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json['create_users_group'], group);
  });

  it("a concrete-typed stage field takes only that type (webauthn_stage is an authenticator-validate stage, as authentik's models.py says); flows of any designation", async () => {
    const setup = sb.store.addStage({ model: 'authentik_stages_authenticator_webauthn.authenticatorwebauthnstage', name: unique('webauthn-setup') });
    const wrong = await post('/stages/identification/', { user_fields: ['email'], webauthn_stage: setup.pk });
    assert.deepEqual(wrong.json, { webauthn_stage: doesNotExist(setup.pk) });
    const right = await post('/stages/identification/', { user_fields: ['email'], webauthn_stage: pk('default-authentication-mfa-validation') });
    assert.equal(right.status, 201, right.text);
    const consent = await api(sb, 'PATCH', `/stages/identification/${pk('default-authentication-identification')}/`, { body: { password_stage: pk('default-enrollment-consent') } });
    assert.deepEqual(consent.json, { password_stage: doesNotExist(pk('default-enrollment-consent')) });
    // Flow references take a flow of any designation: authentik's models put no limit_choices_to on them.
    const anyFlow = await post('/stages/identification/', { user_fields: ['email'], recovery_flow: demoUuid('flow:default-authentication-flow') });
    assert.equal(anyFlow.status, 201, anyFlow.text);
  });
});

describe('sandbox: the store API for referenced objects', () => {
  it('adds (with defaults), gets, finds, lists and deletes policies, groups, … ; deleting clears the references', async () => {
    const sb = await start({ seed: {} });
    try {
      const [first, second] = sb.store.addObjects('group', [{ name: 'ops' }, { name: 'dev', attributes: { team: 'dev' } }]);
      assert.deepEqual([first!.num_pk, second!.num_pk, first!['is_superuser'], first!['users']], [1, 2, false, []]);
      const policy = sb.store.addObject('policy', { name: 'strong', model: 'authentik_policies_password.passwordpolicy' });
      assert.equal(sb.store.getObject('policy', policy.pk.toUpperCase())?.name, 'strong');
      assert.equal(sb.store.findObject('group', 'dev')?.pk, second!.pk);
      assert.deepEqual(
        sb.store.listObjects('group').map((g) => g.name),
        ['ops', 'dev'],
      );
      assert.throws(() => sb.store.addObject('widget' as 'group', { name: 'x' }), /unknown object kind "widget" \(one of policy, group/);
      const listed = await api(sb, 'GET', '/policies/all/');
      assert.deepEqual(
        (listed.json['results'] as Json[]).map((p) => [p['name'], p['verbose_name']]),
        [['strong', 'Password Policy']],
      );
      const stage = sb.store.addStage({ model: 'authentik_stages_user_write.userwritestage', name: 'writer', create_users_group: first!.pk });
      assert.equal(sb.store.deleteObject('group', first!.pk), true);
      assert.equal(sb.store.getStage(stage.pk)?.['create_users_group'], null, 'a nullable reference is set to null');
      assert.equal((await api(sb, 'GET', `/core/groups/${first!.pk}/`)).status, 404);
    } finally {
      await sb.close();
    }
  });
});

describe('sandbox: faults and the request log', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await start();
  });
  after(() => sb.close());

  it('injects a delay, a status with a body, and a dropped connection, each for `times` requests', async () => {
    sb.faults.add({ path: '/stages/deny/', delayMs: 150 });
    const t0 = performance.now();
    assert.equal((await api(sb, 'GET', '/stages/deny/')).status, 200);
    assert.ok(performance.now() - t0 >= 140, 'delayed');
    assert.deepEqual(sb.faults.list(), [], 'the rule applied once (times defaults to 1)');

    sb.faults.add({ method: 'post', path: '^/api/v3/stages/email/$', status: 500, body: { detail: 'boom' }, times: 2 });
    assert.equal((await api(sb, 'GET', EMAIL)).status, 200, 'GET does not match a POST rule');
    for (let i = 0; i < 2; i++) {
      const failed = await api(sb, 'POST', EMAIL, { body: { name: unique('f') } });
      assert.equal(failed.status, 500);
      assert.deepEqual(failed.json, { detail: 'boom' });
    }
    assert.equal((await api(sb, 'POST', EMAIL, { body: { name: unique('f') } })).status, 201);

    sb.faults.add({ path: '/admin/version/', drop: true });
    await assert.rejects(api(sb, 'GET', '/admin/version/'), TypeError);
    assert.equal((await api(sb, 'GET', '/admin/version/')).status, 200);
    sb.faults.clear();
  });

  it('takes rules and a global latency over HTTP at /_sandbox/faults', async () => {
    const added = await call(sb, 'POST', '/_sandbox/faults', { body: { rules: [{ path: 'version', status: 503, times: 0 }], latencyMs: 60 } });
    assert.equal(added.status, 201);
    assert.equal(added.json['latencyMs'], 60);
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      assert.equal((await api(sb, 'GET', '/admin/version/')).status, 503, 'times: 0 means always');
      assert.ok(performance.now() - t0 >= 55);
    }
    assert.equal((await call(sb, 'DELETE', '/_sandbox/faults')).status, 204);
    assert.equal((await api(sb, 'GET', '/admin/version/')).status, 200);
    assert.equal(sb.faults.latencyMs, 0);
  });

  it('records every API request (method, path, query, status, body) and can be cleared', async () => {
    assert.equal((await call(sb, 'DELETE', '/_sandbox/requests')).status, 204);
    assert.equal(sb.requests.length, 0);
    await api(sb, 'GET', '/stages/all/?search=deny&page=1');
    await api(sb, 'POST', '/stages/deny/', { body: { name: unique('log') } });
    await api(sb, 'GET', '/stages/deny/', { token: null });
    const log = (await call(sb, 'GET', '/_sandbox/requests')).body as Json[];
    assert.deepEqual(
      log.map((r) => [r['method'], r['path'], r['status']]),
      [
        ['GET', '/api/v3/stages/all/', 200],
        ['POST', '/api/v3/stages/deny/', 201],
        ['GET', '/api/v3/stages/deny/', 403],
      ],
    );
    assert.deepEqual(log[0]!['query'], { search: 'deny', page: '1' });
    assert.match(String((log[1]!['body'] as Json)['name']), /^log-/);
    assert.equal(sb.requests.length, 3);
    sb.requests.clear();
    assert.deepEqual((await call(sb, 'GET', '/_sandbox/requests')).body, [], 'control requests are not recorded');
  });
});

describe('sandbox: state, seeds, other schema versions', () => {
  it('keeps its state in a JSON file across restarts (write-only values included)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
    const statePath = join(dir, 'state.json');
    const first = await start({ statePath });
    const created = await api(first, 'POST', EMAIL, { body: { name: 'persisted', password: 's3cret' } });
    assert.equal(created.status, 201);
    await api(first, 'DELETE', `/stages/deny/${pk('default-deny')}/`);
    const onDisk = JSON.parse(readFileSync(statePath, 'utf8')) as { stages: Json[] };
    assert.ok(onDisk.stages.some((s) => s['name'] === 'persisted' && s['password'] === 's3cret'));
    assert.ok(!onDisk.stages.some((s) => s['name'] === 'default-deny'));
    await first.close();
    const second = await start({ statePath });
    try {
      const read = await api(second, 'GET', `${EMAIL}${String(created.json['pk'])}/`);
      assert.equal(read.status, 200);
      assert.equal(read.json['name'], 'persisted');
      assert.equal(second.store.getStage(String(created.json['pk']))?.['password'], 's3cret');
      assert.equal((await api(second, 'GET', `/stages/deny/${pk('default-deny')}/`)).status, 404);
    } finally {
      await second.close();
    }
  });

  it('loads a seed file whose references name their objects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-seed-'));
    const seedPath = join(dir, 'seed.json');
    writeFileSync(
      seedPath,
      JSON.stringify({
        flows: [{ slug: 'login', designation: 'authentication' }],
        sources: [{ model: 'authentik_sources_saml.samlsource', slug: 'corp-saml' }],
        stages: [
          { model: 'authentik_stages_identification.identificationstage', name: 'ident', user_fields: ['email'], password_stage: 'pw', sources: ['corp-saml'] },
          { model: 'authentik_stages_password.passwordstage', name: 'pw', backends: ['authentik.core.auth.InbuiltBackend'] },
        ],
        bindings: [{ flow: 'login', stage: 'ident', order: 10 }],
      }),
    );
    const sb = await start({ seed: seedPath });
    try {
      const all = await api(sb, 'GET', '/stages/all/');
      assert.deepEqual(
        (all.json['results'] as Json[]).map((s) => s['name']),
        ['ident', 'pw'],
      );
      const ident = (await api(sb, 'GET', '/stages/identification/')).json['results'] as Json[];
      assert.equal(ident[0]!['password_stage'], sb.store.findStageByName('pw')!.pk);
      assert.deepEqual(ident[0]!['sources'], [sb.store.getSource('corp-saml')!.pk]);
      assert.deepEqual(
        (ident[0]!['flow_set'] as Json[]).map((f) => f['slug']),
        ['login'],
      );
    } finally {
      await sb.close();
    }
  });

  it("serves another authentik version's document (2025.8: flow_set writable in the schema → 500)", async () => {
    const sb = await startSandbox2025();
    try {
      assert.equal((await api(sb, 'GET', '/admin/version/')).json['version_current'], '2025.8.6');
      const nullName = await api(sb, 'POST', '/stages/authenticator/totp/', { body: { name: unique('t'), digits: 6, friendly_name: null } });
      assert.equal(nullName.status, 201, nullName.text);
      const nested = await api(sb, 'POST', '/stages/deny/', { body: { name: unique('n'), flow_set: [] } });
      assert.equal(nested.status, 500);
    } finally {
      await sb.close();
    }
  });
});

describe('sandbox: any OpenAPI document', () => {
  it("discovers stage types from the document and runs DRF's URL, float and list-item checks", async () => {
    const json = (ref: string): Json => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
    const doc = {
      openapi: '3.0.3',
      info: { version: '9.9.9' },
      paths: {
        '/stages/sample/': {
          get: { responses: { '200': json('PaginatedSampleStageList') } },
          post: { requestBody: json('SampleStageRequest'), responses: { '201': json('SampleStage') } },
        },
        '/stages/sample/{stage_uuid}/': {
          get: {
            parameters: [
              { in: 'path', name: 'stage_uuid', description: 'A UUID string identifying this Sample Stage.', required: true, schema: { type: 'string', format: 'uuid' } },
            ],
            responses: { '200': json('SampleStage') },
          },
          patch: { requestBody: json('SampleStageRequest'), responses: { '200': json('SampleStage') } },
        },
      },
      components: {
        schemas: {
          ModelEnum: { enum: ['authentik_core.user', 'authentik_stages_sample.samplestage'], type: 'string' },
          Pagination: { type: 'object', properties: { next: { type: 'number' } } },
          PaginatedSampleStageList: {
            type: 'object',
            properties: { pagination: { $ref: '#/components/schemas/Pagination' }, results: { type: 'array', items: { $ref: '#/components/schemas/SampleStage' } } },
            required: ['pagination', 'results'],
          },
          SampleStage: {
            type: 'object',
            properties: {
              pk: { type: 'string', format: 'uuid', readOnly: true },
              component: { type: 'string', readOnly: true },
              name: { type: 'string' },
              homepage: { type: 'string', format: 'uri' },
              ratio: { type: 'number' },
              tags: { type: 'array', items: { type: 'string' } },
            },
            required: ['pk', 'name'],
          },
          SampleStageRequest: {
            type: 'object',
            properties: {
              name: { type: 'string', minLength: 1 },
              homepage: { type: 'string', format: 'uri', minLength: 1 },
              ratio: { type: 'number', minimum: 0, maximum: 1 },
              tags: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 3 } },
            },
            required: ['name', 'homepage'],
          },
        },
      },
    };
    const path = join(mkdtempSync(join(tmpdir(), 'sandbox-doc-')), 'openapi.json');
    writeFileSync(path, JSON.stringify(doc));
    const sb = await startSandbox({ schemaPath: path, seed: {} });
    try {
      const bad = await api(sb, 'POST', '/stages/sample/', { body: { name: 's', homepage: 'example.com', ratio: 'abc', tags: ['ab', 'toolong', ''] } });
      assert.deepEqual(bad.json, {
        homepage: ['Enter a valid URL.'],
        ratio: ['A valid number is required.'],
        tags: { '1': ['Ensure this field has no more than 3 characters.'], '2': ['This field may not be blank.'] },
      });
      assert.deepEqual((await api(sb, 'POST', '/stages/sample/', { body: { name: 's', homepage: 'https://example.com/x', ratio: 2 } })).json, {
        ratio: ['Ensure this value is less than or equal to 1.'],
      });
      const created = await api(sb, 'POST', '/stages/sample/', { body: { name: 's', homepage: 'https://example.com/x', ratio: '0.25' } });
      assert.equal(created.status, 201, created.text);
      assert.deepEqual({ ...created.json, pk: '' }, { pk: '', component: 'ak-stage-sample-form', name: 's', homepage: 'https://example.com/x', ratio: 0.25, tags: [] });
      const types = (await api(sb, 'GET', '/stages/all/types/')).body as Json[];
      assert.deepEqual(
        types.map((t) => [t['name'], t['model_name']]),
        [['Sample Stage', 'samplestage']],
      );
      assert.equal((await api(sb, 'DELETE', `/stages/sample/${String(created.json['pk'])}/`)).status, 405, 'the document has no DELETE here');
      assert.equal((await api(sb, 'GET', '/admin/version/')).status, 200);
    } finally {
      await sb.close();
    }
  });
});

function startSandbox2025(): Promise<Sandbox> {
  return startSandbox({ schemaPath: olderOpenApi });
}

describe('sandbox: command line', () => {
  const bundle = join(repoRoot, 'dist', 'sandbox.js');
  before(() => {
    if (!existsSync(bundle)) {
      const built = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs'), '--only=sandbox'], { cwd: repoRoot, encoding: 'utf8' });
      assert.equal(built.status, 0, built.stderr);
    }
  });

  it('prints its URL and token, serves, logs one line per request without the token, and stops on SIGTERM', async () => {
    const refused = spawnSync(process.execPath, [bundle, '--bogus'], { encoding: 'utf8' });
    assert.equal(refused.status, 2, 'unknown options are refused');
    assert.match(refused.stderr, /unknown option --bogus/);
    const token = 'cli-Secr3t-token';
    const child = spawn(process.execPath, [bundle, '--port', '0', '--token', token], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed; stdout: ${stdout} stderr: ${stderr}`)), 20_000);
        const check = (): void => {
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
          if (m && stdout.includes('Token:')) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        };
        child.stdout.on('data', check);
        child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
      });
      assert.match(stdout, new RegExp(`Token:\\s+${token}`));
      const ok = await fetch(`${url}/api/v3/admin/version/`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(ok.status, 200);
      const denied = await fetch(`${url}/api/v3/stages/all/?q=${token}`);
      assert.equal(denied.status, 403);
      for (let i = 0; i < 100 && !/ 403 /.test(stderr); i++) await new Promise((r) => setTimeout(r, 50));
      assert.match(stderr, /^GET \/api\/v3\/admin\/version\/ 200 \d+\.\dms$/m);
      assert.match(stderr, /^GET \/api\/v3\/stages\/all\/\?q=\*\*\* 403 /m);
      assert.ok(!stderr.includes(token), 'the token never appears in the log');
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });
});
