/** Diagnostics, spoken to the built server over stdio as an editor would. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol';
import type { LspClient } from '../tools/lsp-client/lspClient';
import { byCode, diagnose, only, rangeOf, startStageServer, textDiagnostics } from './support/stageServer';

const EMAIL = 'model: authentik_stages_email.emailstage\nname: recovery-email\n';

describe('diagnostics over LSP', () => {
  let client: LspClient;
  before(async () => {
    client = await startStageServer();
  });
  after(async () => {
    await client.shutdown();
  });

  it('a valid stage has no diagnostics', async () => {
    const text = `${EMAIL}use_global_settings: true\nport: 587\ntoken_expiry: hours=1;minutes=30\nfrom_address: auth@example.com\ntemplate: email/password_reset.html\npassword: !Env SMTP_PASSWORD\n`;
    const { diagnostics } = await diagnose(client, text);
    assert.deepEqual(diagnostics, []);
  });

  it('syntax errors are errors at the broken spot', async () => {
    const text = `${EMAIL}host: [smtp.example.com\n`;
    const { diagnostics } = await diagnose(client, text);
    const syntax = byCode(diagnostics, 'syntax');
    assert.ok(syntax.length >= 1, JSON.stringify(diagnostics));
    assert.equal(syntax[0]!.severity, DiagnosticSeverity.Error);
    assert.ok(syntax[0]!.range.start.line >= 2);
  });

  it('a missing model is an error on the first key; an unknown one lists the valid models', async () => {
    const missing = await diagnose(client, 'name: x\n');
    assert.deepEqual(only(missing.diagnostics, 'model-missing').range, rangeOf('name: x\n', 'name'));
    const text = 'model: authentik_stages_emial.emailstage\nname: x\n';
    const unknown = only((await diagnose(client, text)).diagnostics, 'model-unknown');
    assert.equal(unknown.severity, DiagnosticSeverity.Error);
    assert.deepEqual(unknown.range, rangeOf(text, 'authentik_stages_emial.emailstage'));
    assert.match(unknown.message, /Did you mean authentik_stages_email\.emailstage\?/);
    assert.match(unknown.message, /authentik_stages_user_login\.userloginstage/);
    assert.equal((unknown.data as { field: string }).field, 'model');
  });

  it('wrong types are errors on the value, naming the field and DRF rule', async () => {
    const text = `${EMAIL}port: abc\nuse_tls: maybe\ntimeout: 1.5\n`;
    const { diagnostics } = await diagnose(client, text);
    const types = byCode(diagnostics, 'type');
    assert.equal(types.length, 3, JSON.stringify(diagnostics));
    const port = types.find((d) => d.message.startsWith('port:'))!;
    assert.deepEqual(port.range, rangeOf(text, 'abc'));
    assert.match(port.message, /A valid integer is required/);
    assert.deepEqual(types.find((d) => d.message.startsWith('use_tls:'))!.range, rangeOf(text, 'maybe'));
    assert.deepEqual(types.find((d) => d.message.startsWith('timeout:'))!.range, rangeOf(text, '1.5'));
  });

  it('a missing required field is an error on the model key', async () => {
    const text = 'model: authentik_stages_email.emailstage\nhost: smtp\n';
    const required = only((await diagnose(client, text)).diagnostics, 'required');
    assert.equal(required.severity, DiagnosticSeverity.Error);
    assert.deepEqual(required.range, rangeOf(text, 'model'));
    assert.match(required.message, /name.*This field is required/);
  });

  it('a required secret may be left out of a stage that exists: the server keeps its value', async () => {
    const duo = 'model: authentik_stages_authenticator_duo.authenticatorduostage\nname: duo\napi_hostname: api-1.duosecurity.com\nclient_id: DI123\n';
    const created = await diagnose(client, duo);
    assert.match(only(created.diagnostics, 'required').message, /client_secret/);
    const existing = await diagnose(client, duo.replace('name: duo', 'pk: 0b5d7c9e-1f2a-4b3c-8d4e-5f6a7b8c9d0e\nname: duo'));
    assert.deepEqual(existing.diagnostics, []);
  });

  it('enum values outside the choices are errors listing the valid ones', async () => {
    const text = 'model: authentik_stages_prompt.prompt\nname: p\nfield_key: username\nlabel: Username\ntype: textbox\n';
    const d = only((await diagnose(client, text)).diagnostics, 'enum');
    assert.deepEqual(d.range, rangeOf(text, 'textbox'));
    assert.match(d.message, /"textbox" is not a valid choice/);
    assert.match(d.message, /"text_area"/);
  });

  it('int32 and other ranges', async () => {
    const text = `${EMAIL}timeout: 2147483648\nrecovery_max_attempts: -1\n`;
    const ranges = byCode((await diagnose(client, text)).diagnostics, 'range');
    assert.equal(ranges.length, 2);
    assert.deepEqual(ranges[0]!.range, rangeOf(text, '2147483648'));
    assert.match(ranges[0]!.message, /less than or equal to 2147483647/);
    assert.deepEqual(ranges[1]!.range, rangeOf(text, '-1'));
    assert.match(ranges[1]!.message, /greater than or equal to 0/);
  });

  it('blank (minLength 1, after trimming) and maxLength', async () => {
    const long = `${'a'.repeat(250)}@example.com`;
    const text = `model: authentik_stages_email.emailstage\nname: "   "\nfrom_address: ${long}\n`;
    const { diagnostics } = await diagnose(client, text);
    const blank = only(diagnostics, 'blank');
    assert.deepEqual(blank.range, rangeOf(text, '"   "'));
    assert.match(blank.message, /name: This field may not be blank/);
    const length = only(diagnostics, 'length');
    assert.deepEqual(length.range, rangeOf(text, long));
    assert.match(length.message, /no more than 254 characters/);
  });

  it('formats: email and uuid', async () => {
    const text = 'model: authentik_stages_authenticator_email.authenticatoremailstage\nname: e\nfrom_address: someone@\nconfigure_flow: not-a-uuid\n';
    const formats = byCode((await diagnose(client, text)).diagnostics, 'format');
    assert.equal(formats.length, 2);
    assert.deepEqual(formats[0]!.range, rangeOf(text, 'someone@'));
    assert.match(formats[0]!.message, /Enter a valid email address/);
    assert.deepEqual(formats[1]!.range, rangeOf(text, 'not-a-uuid'));
    assert.match(formats[1]!.message, /is not a valid UUID/);
  });

  it('unknown keys are warnings on the key with the closest valid name', async () => {
    const text = `${EMAIL}hots: smtp.example.com\n`;
    const d = only((await diagnose(client, text)).diagnostics, 'unknown-key');
    assert.equal(d.severity, DiagnosticSeverity.Warning);
    assert.deepEqual(d.range, rangeOf(text, 'hots'));
    assert.match(d.message, /Did you mean host\?/);
  });

  it('read-only keys are information: never sent', async () => {
    const text = `${EMAIL}component: ak-stage-email-form\n`;
    const d = only((await diagnose(client, text)).diagnostics, 'read-only');
    assert.equal(d.severity, DiagnosticSeverity.Information);
    assert.deepEqual(d.range, rangeOf(text, 'component'));
  });

  it('plain-text secrets are warnings; !Env is accepted where a string goes', async () => {
    const text = `${EMAIL}password: hunter2\n`;
    const d = only((await diagnose(client, text)).diagnostics, 'plain-secret');
    assert.equal(d.severity, DiagnosticSeverity.Warning);
    assert.deepEqual(d.range, rangeOf(text, 'hunter2'));
    const env = await diagnose(client, `${EMAIL}password: !Env SMTP_PASSWORD\nhost: !Env SMTP_HOST\nport: !Env SMTP_PORT\n`);
    assert.deepEqual(env.diagnostics, []);
  });

  it('other blueprint tags and !Env on a list are errors', async () => {
    // !Find is allowed in reference fields (issue 10); anywhere else it is still a blueprint tag the API never resolves.
    const text = `model: authentik_stages_identification.identificationstage\nname: id\nsources: !Env SOURCES\nuser_fields: !Find [authentik_stages_password.passwordstage, [name, pw]]\n`;
    const tags = byCode((await diagnose(client, text)).diagnostics, 'tag');
    assert.equal(tags.length, 2);
    assert.match(tags[0]!.message, /sources: !Env gives a text value/);
    assert.match(tags[1]!.message, /!Find is a blueprint tag/);
  });

  it('durations are checked like authentik parses them', async () => {
    const text = `${EMAIL}token_expiry: hours=3,minutes=17\nrecovery_cache_timeout: minutes=5;fortnights=1\n`;
    const { diagnostics } = await diagnose(client, text);
    const comma = only(diagnostics, 'duration');
    assert.equal(comma.severity, DiagnosticSeverity.Error);
    assert.deepEqual(comma.range, rangeOf(text, 'hours=3,minutes=17'));
    assert.match(comma.message, /splits durations on ";" only/);
    const ignored = only(diagnostics, 'duration-ignored');
    assert.equal(ignored.severity, DiagnosticSeverity.Warning);
    assert.deepEqual(ignored.range, rangeOf(text, 'fortnights=1'));
    for (const bad of ['hours=1;', 'hours', 'hours=x', 'fortnights=2', 'hours=1=2']) {
      const result = await diagnose(client, `${EMAIL}token_expiry: "${bad}"\n`);
      assert.equal(only(result.diagnostics, 'duration').severity, DiagnosticSeverity.Error, bad);
    }
    for (const good of ['hours=1', 'Hours=1.5;MINUTES=2', 'days=-1', 'seconds= 30', 'weeks=1_0']) {
      const result = await diagnose(client, `${EMAIL}token_expiry: "${good}"\n`);
      assert.deepEqual(result.diagnostics, [], good);
    }
  });

  it('values DRF converts are warnings that say what is stored', async () => {
    const text = `${EMAIL}port: "25"\nuse_tls: yes\nhost: " smtp.example.com "\nsubject: 42\n`;
    const converted = byCode((await diagnose(client, text)).diagnostics, 'converted');
    assert.equal(converted.length, 4, JSON.stringify(converted));
    for (const d of converted) assert.equal(d.severity, DiagnosticSeverity.Warning);
    assert.deepEqual(converted[0]!.range, rangeOf(text, '"25"'));
    assert.match(converted[0]!.message, /stores it as 25/);
    assert.match(converted[1]!.message, /stores it as true/);
    assert.match(converted[2]!.message, /trims/);
    assert.match(converted[3]!.message, /"42"/);
    const totp = await diagnose(client, 'model: authentik_stages_authenticator_totp.authenticatortotpstage\nname: t\ndigits: 6\n');
    assert.match(only(totp.diagnostics, 'converted').message, /stores it as "6"/);
  });

  it('null where the field is not nullable is an error; where it is, fine', async () => {
    const text = `${EMAIL}host:\nport: null\n`;
    const nulls = byCode((await diagnose(client, text)).diagnostics, 'null');
    assert.equal(nulls.length, 2);
    assert.deepEqual(nulls[0]!.range, rangeOf(text, 'host'));
    const ok = await diagnose(client, 'model: authentik_stages_authenticator_email.authenticatoremailstage\nname: e\nconfigure_flow: null\n');
    assert.deepEqual(ok.diagnostics, []);
  });

  it('a document that is a list or a scalar is an error', async () => {
    assert.equal(only((await diagnose(client, '- a\n- b\n')).diagnostics, 'not-a-mapping').severity, DiagnosticSeverity.Error);
    assert.equal(only((await diagnose(client, 'just text\n')).diagnostics, 'not-a-mapping').severity, DiagnosticSeverity.Error);
  });

  it('multi-document YAML: each document checked, ranges in the whole file', async () => {
    const text = `# two stages\n${EMAIL}---\nmodel: authentik_stages_deny.denystage\nname: deny\ndeny_message: 5\nfoo: 1\n---\n# only a comment\n`;
    const { diagnostics } = await diagnose(client, text);
    assert.deepEqual(only(diagnostics, 'unknown-key').range, rangeOf(text, 'foo'));
    assert.deepEqual(only(diagnostics, 'converted').range, rangeOf(text, '5', 0));
  });

  it('rules the server checks beyond its OpenAPI document', async () => {
    const ident = 'model: authentik_stages_identification.identificationstage\nname: id\n';
    assert.match(only((await diagnose(client, ident)).diagnostics, 'rule').message, /at least one source must be selected/);
    assert.deepEqual((await diagnose(client, `${ident}user_fields: [username]\n`)).diagnostics, []);
    const redirect = 'model: authentik_stages_redirect.redirectstage\nname: r\nmode: static\n';
    const r = only((await diagnose(client, redirect)).diagnostics, 'rule');
    assert.deepEqual(r.range, rangeOf(redirect, 'static'));
    assert.match(r.message, /Target URL should be present when mode is Static/);
    const validate = 'model: authentik_stages_authenticator_validate.authenticatorvalidatestage\nname: v\nnot_configured_action: configure\ndevice_classes: []\n';
    const vd = (await diagnose(client, validate)).diagnostics;
    assert.match(only(vd, 'rule').message, /you must set a configuration stage/);
    assert.deepEqual(only(vd, 'items').range, rangeOf(validate, '[]'));
    assert.match(only(vd, 'items').message, /device_classes: This list may not be empty/);
    const template = `${EMAIL}template: email/custom.html\n`;
    const t = only((await diagnose(client, template)).diagnostics, 'template');
    assert.equal(t.severity, DiagnosticSeverity.Warning);
    assert.deepEqual(t.range, rangeOf(template, 'email/custom.html'));
    const gdtc = 'model: authentik_stages_authenticator_endpoint_gdtc.authenticatorendpointgdtcstage\nname: g\ncredentials: [1]\n';
    assert.match(only((await diagnose(client, gdtc)).diagnostics, 'type').message, /Value must be a dictionary/);
  });

  it('JSON: the same checks, plus JSON syntax', async () => {
    const text = '{\n  "model": "authentik_stages_email.emailstage",\n  "name": "mail",\n  "port": "x",\n  "nmae": 1,\n  "token_expiry": "hours=1,minutes=2"\n}\n';
    const { diagnostics } = await diagnose(client, text, 'json');
    assert.deepEqual(only(diagnostics, 'type').range, rangeOf(text, '"x"'));
    assert.deepEqual(only(diagnostics, 'unknown-key').range, rangeOf(text, '"nmae"'));
    assert.deepEqual(only(diagnostics, 'duration').range, rangeOf(text, 'hours=1,minutes=2'));
    const broken = await diagnose(client, '{"model": "authentik_stages_deny.denystage", "name": "d",}\n', 'json');
    assert.match(only(broken.diagnostics, 'syntax').message, /Invalid JSON/);
  });

  it('re-validates on incremental edits, for the version edited', async () => {
    const { uri } = await diagnose(client, `${EMAIL}port: 25\n`);
    const text = `${EMAIL}port: 25\n`;
    const since = client.diagnosticsMarker();
    client.change(uri, 2, [{ range: rangeOf(text, '25'), text: 'abc' }]);
    const record = await client.waitForDiagnostics(uri, { since, afterVersion: 2 });
    assert.equal(record.version, 2);
    assert.equal(only(textDiagnostics(record.diagnostics), 'type').message.startsWith('port:'), true);
  });
});
