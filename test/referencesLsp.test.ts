/**
 * References over LSP: `!Find` checked offline, and with the connected server's objects (an
 * ObjectIndex sent as the extension sends it) completion by name, hover, inlay hints, the errors
 * in the server's words with their exact ranges, and the quick fixes — in YAML and JSON.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, CompletionItem, CompletionList, Diagnostic, Hover, InlayHint, MarkupContent, TextEdit } from 'vscode-languageserver-protocol';
import type { IndexedObject, ObjectIndex } from '../server/engine/references/objectIndex';
import { SetObjectIndexNotification } from '../server/src/protocol';

import { applyContentChanges, LspClient, positionOf } from '../tools/lsp-client/lspClient';
import { SERVER_NODE_FLAGS } from '../server/src/protocol';
import { serverModule } from './support/paths';
import { byCode, diagnose, rangeOf, startStageServer, textDiagnostics, type TextDiagnostic } from './support/stageServer';

const SERVER = 'https://auth.example.test';
const PK = {
  authFlow: '11111111-1111-4111-8111-111111111111',
  enrollFlow: '11111111-1111-4111-8111-222222222222',
  password: '22222222-2222-4222-8222-222222222222',
  consent: '33333333-3333-4333-8333-333333333333',
  github: '44444444-4444-4444-8444-444444444444',
  githubEnterprise: '55555555-5555-4555-8555-555555555555',
  nothing: '99999999-9999-4999-8999-999999999999',
};

const flow = (pk: string, title: string, slug: string, designation: string): IndexedObject => ({ pk, model: 'authentik_flows.flow', label: title, fields: { title, slug, designation, name: title } });
const stage = (pk: string, model: string, name: string, usedBy?: string[]): IndexedObject => ({ pk, model, label: name, fields: { name }, ...(usedBy ? { usedBy } : {}) });
const source = (pk: string, name: string, slug: string): IndexedObject => ({ pk, model: 'authentik_sources_oauth.oauthsource', label: name, fields: { name, slug } });

const INDEX: ObjectIndex = {
  server: SERVER,
  models: {
    'authentik_flows.flow': {
      complete: true,
      objects: [flow(PK.authFlow, 'Welcome to authentik!', 'default-authentication-flow', 'authentication'), flow(PK.enrollFlow, 'Sign up', 'default-enrollment-flow', 'enrollment')],
    },
    'authentik_flows.stage': {
      complete: true,
      objects: [stage(PK.password, 'authentik_stages_password.passwordstage', 'default-authentication-password', ['default-authentication-flow']), stage(PK.consent, 'authentik_stages_consent.consentstage', 'default-consent')],
    },
    'authentik_core.source': { complete: true, objects: [source(PK.github, 'GitHub', 'github'), source(PK.githubEnterprise, 'GitHub', 'github-enterprise')] },
  },
  emailTemplates: ['email/password_reset.html', 'email/account_confirmation.html', 'custom/welcome.html'],
};

const IDENTIFICATION = [
  'model: authentik_stages_identification.identificationstage',
  'name: my-identification',
  'user_fields: [username]',
  `password_stage: ${PK.password}`,
  `enrollment_flow: ${PK.nothing}`,
  'recovery_flow: !Find [authentik_flows.flow, [slug, default-enrollment-flow]]',
  'sources:',
  `  - ${PK.consent}`,
  '  - !Find [authentik_core.source, [name, GitHub]]',
  '  - !Find [authentik_core.source, [slug, githib]]',
  '',
].join('\n');

const REFERENCE_CODES = ['reference', 'find-match', 'name-taken'];

async function setIndex(client: LspClient, index: ObjectIndex | null, uri: string): Promise<TextDiagnostic[]> {
  const since = client.diagnosticsMarker();
  await client.notify(SetObjectIndexNotification.method, index);
  return textDiagnostics((await client.waitForDiagnostics(uri, { since })).diagnostics);
}

async function openWithIndex(client: LspClient, text: string, language: 'yaml' | 'json' = 'yaml'): Promise<{ uri: string; diagnostics: TextDiagnostic[] }> {
  const { uri } = await diagnose(client, text, language);
  return { uri, diagnostics: await setIndex(client, INDEX, uri) };
}

async function completion(client: LspClient, uri: string, text: string, needle: string, offsetInNeedle: number): Promise<CompletionList> {
  const result = await client.request<CompletionList | CompletionItem[] | null>('textDocument/completion', { textDocument: { uri }, position: positionOf(text, needle, offsetInNeedle) });
  return Array.isArray(result) ? { isIncomplete: false, items: result } : (result ?? { isIncomplete: false, items: [] });
}

function sorted(items: CompletionItem[]): CompletionItem[] {
  return [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
}

function newText(item: CompletionItem | undefined): string | undefined {
  return (item?.textEdit as TextEdit | undefined)?.newText;
}

async function hover(client: LspClient, uri: string, text: string, needle: string, offsetInNeedle = 1): Promise<Hover> {
  const result = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, needle, offsetInNeedle) });
  assert.ok(result, `no hover at ${needle}`);
  return result;
}

async function actionsAt(client: LspClient, uri: string, range: Diagnostic['range'], diagnostics: Diagnostic[] = []): Promise<CodeAction[]> {
  return client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics } });
}

function apply(text: string, uri: string, action: CodeAction | undefined): string {
  assert.ok(action, 'no such action');
  const edits = action.edit?.changes?.[uri] ?? [];
  return applyContentChanges(text, [...edits].reverse().map((e) => ({ range: e.range, text: e.newText })));
}

function one(diagnostics: TextDiagnostic[], code: string, includes: string): TextDiagnostic {
  const found = diagnostics.filter((d) => d.code === code && d.message.includes(includes));
  assert.equal(found.length, 1, `one ${code} with "${includes}" among ${JSON.stringify(diagnostics.map((d) => [d.code, d.message]), null, 1)}`);
  return found[0]!;
}

describe('references over LSP', () => {
  let client: LspClient;
  before(async () => {
    client = await startStageServer();
  });
  after(async () => {
    await client.shutdown();
  });

  it('announces inlay hints and asks a client that can refresh them to do so when the objects change', async () => {
    const refreshing = await LspClient.start({ command: process.execPath, args: [...SERVER_NODE_FLAGS, serverModule, '--stdio'], name: 'authentik stage server (inlay refresh)' });
    try {
      const result = await refreshing.initialize({ capabilities: { workspace: { inlayHint: { refreshSupport: true } } } });
      assert.equal(result.capabilities.inlayHintProvider, true);
      const { uri } = await diagnose(refreshing, IDENTIFICATION);
      await setIndex(refreshing, INDEX, uri);
      await refreshing.waitForServerRequest('workspace/inlayHint/refresh');
      assert.equal(refreshing.requestCount('workspace/inlayHint/refresh'), 1);
    } finally {
      await refreshing.shutdown();
    }
  });

  describe('offline (no index)', () => {
    it('accepts !Find in single and list reference fields and claims nothing about pks', async () => {
      const { diagnostics } = await diagnose(client, IDENTIFICATION);
      assert.deepEqual(
        diagnostics.map((d) => [d.code, d.message]),
        [],
        'a pk is not claimed to name nothing, and !Find of the right shape is no error',
      );
    });

    it('marks the part of a !Find that is wrong: the model, a field, a single !Find in a list field', async () => {
      const text = [
        'model: authentik_stages_identification.identificationstage',
        'name: x',
        'user_fields: [username]',
        'password_stage: !Find [authentik_flows.flow, [slug, x]]',
        'captcha_stage: !Find [authentik_stages_captcha.captchastage, [slug, x]]',
        'sources: !Find [authentik_core.source, [slug, github]]',
        '',
      ].join('\n');
      const { diagnostics } = await diagnose(client, text);
      const model = one(diagnostics, 'find', 'takes a Password Stage');
      assert.deepEqual(model.range, rangeOf(text, 'authentik_flows.flow'));
      assert.equal(model.severity, 1);
      const field = one(diagnostics, 'find', 'has no field slug');
      assert.deepEqual(field.range, rangeOf(text, 'slug', 1));
      const single = one(diagnostics, 'find', 'sources takes a list');
      assert.deepEqual(single.range, rangeOf(text, '!Find [authentik_core.source, [slug, github]]'));
      assert.equal(byCode(diagnostics, 'type').length, 0, 'the tag is not also a type error');
    });

    it('refuses other tags in a reference field, naming !Find', async () => {
      const text = 'model: authentik_stages_identification.identificationstage\nname: x\nuser_fields: [username]\npassword_stage: !Ref other\nsources:\n  - !KeyOf src\n';
      const { diagnostics } = await diagnose(client, text);
      const tags = byCode(diagnostics, 'tag');
      assert.equal(tags.length, 2);
      assert.deepEqual(tags[0]!.range, rangeOf(text, '!Ref other'));
      assert.match(tags[0]!.message, /password_stage: !Ref is a blueprint tag; .* in a reference field, !Find\. Write the pk or !Find \[authentik_stages_password\.passwordstage, \[name, …\]\]\./);
      assert.deepEqual(tags[1]!.range, rangeOf(text, '!KeyOf src'));
      const env = byCode((await diagnose(client, 'model: authentik_stages_identification.identificationstage\nname: x\nuser_fields: [username]\nsources:\n  - !Env SOURCE\n')).diagnostics, 'tag');
      assert.match(env[0]!.message, /^sources: !Env gives a field's whole value, not a list item/);
    });

    it('still allows !Env as a !Find value', async () => {
      const text = 'model: authentik_stages_identification.identificationstage\nname: x\nuser_fields: [username]\nenrollment_flow: !Find [authentik_flows.flow, [slug, !Env ENROLL_FLOW]]\n';
      const { diagnostics } = await diagnose(client, text);
      assert.deepEqual(diagnostics, []);
    });
  });

  describe('with the server objects', () => {
    it('reports each reference error in the server words, at its exact place', async () => {
      const { diagnostics } = await openWithIndex(client, IDENTIFICATION);
      const missing = one(diagnostics, 'reference', PK.nothing);
      assert.equal(missing.message, `enrollment_flow: Invalid pk "${PK.nothing}" - object does not exist. No Flow on ${SERVER} has this pk: pick one (completion lists them) or write !Find by name.`);
      assert.deepEqual(missing.range, rangeOf(IDENTIFICATION, PK.nothing));
      assert.equal(missing.severity, 1);

      const wrongModel = one(diagnostics, 'reference', PK.consent);
      assert.equal(wrongModel.message, `sources: Invalid pk "${PK.consent}" - object does not exist. On ${SERVER} it is a Consent Stage "default-consent"; sources takes a Source.`);
      assert.deepEqual(wrongModel.range, rangeOf(IDENTIFICATION, PK.consent));

      const several = one(diagnostics, 'find-match', 'matches 2 objects');
      assert.match(several.message, /^sources: !Find \[authentik_core\.source, \[name, GitHub\]\] matches 2 objects on https:\/\/auth\.example\.test \("GitHub", "GitHub"\); the push takes exactly one/);
      assert.deepEqual(several.range, rangeOf(IDENTIFICATION, '!Find [authentik_core.source, [name, GitHub]]'));
      assert.equal(several.severity, 1);

      const none = one(diagnostics, 'find-match', 'matches no');
      assert.equal(none.message, `sources: !Find [authentik_core.source, [slug, githib]] matches no Source on ${SERVER}: the push would stop here and send nothing. Did you mean github?`);
      assert.deepEqual(none.range, rangeOf(IDENTIFICATION, '!Find [authentik_core.source, [slug, githib]]'));

      assert.equal(diagnostics.length, 4, JSON.stringify(diagnostics.map((d) => d.message)));

      const notUuid = await openWithIndex(client, 'model: authentik_stages_identification.identificationstage\nname: x\nuser_fields: [username]\npassword_stage: not-a-pk\n');
      assert.deepEqual(notUuid.diagnostics.map((d) => d.code), ['format'], 'a value that is no UUID gets Django\'s format error only');
    });

    it('reports a new stage whose name another stage has, and an email template the server lacks', async () => {
      const text = 'model: authentik_stages_email.emailstage\nname: default-consent\ntemplate: custom/welcom.html\n';
      const { diagnostics } = await openWithIndex(client, text);
      const name = one(diagnostics, 'name-taken', 'stage with this name already exists.');
      assert.equal(name.message, `name: stage with this name already exists. ${SERVER} has a Consent Stage "default-consent" (pk ${PK.consent}); stage names are unique across all types, so choose another name.`);
      assert.deepEqual(name.range, rangeOf(text, 'default-consent'));
      assert.equal(name.severity, 1);
      const template = one(diagnostics, 'template', 'Invalid template');
      assert.equal(template.message, `template: Invalid template 'custom/welcom.html' specified. ${SERVER} offers email/password_reset.html, email/account_confirmation.html, custom/welcome.html. Did you mean custom/welcome.html?`);
      assert.deepEqual(template.range, rangeOf(text, 'custom/welcom.html'));
      assert.equal(template.severity, 1);

      const fine = await openWithIndex(client, `model: authentik_stages_email.emailstage\npk: ${PK.consent}\nname: default-consent\ntemplate: custom/welcome.html\n`);
      assert.deepEqual(fine.diagnostics, [], 'a custom template the server has and a stage updating itself are fine');
    });

    it('claims no missing pk or !Find where the index is incomplete or lacks the model, and checks a base !Find by type', async () => {
      const text = [
        'model: authentik_stages_identification.identificationstage',
        'name: x',
        'user_fields: [username]',
        `enrollment_flow: ${PK.nothing}`,
        'recovery_flow: !Find [authentik_flows.flow, [slug, nowhere]]',
        `captcha_stage: ${PK.nothing}`,
        'password_stage: !Find [authentik_flows.stage, [name, default-consent]]',
        '---',
        'model: authentik_stages_user_write.userwritestage',
        'name: uw',
        `create_users_group: ${PK.nothing}`,
        '',
      ].join('\n');
      const { uri } = await diagnose(client, text);
      const partial: ObjectIndex = { ...INDEX, models: { ...INDEX.models, 'authentik_flows.flow': { ...INDEX.models['authentik_flows.flow']!, complete: false } } };
      const diagnostics = await setIndex(client, partial, uri);
      assert.deepEqual(
        diagnostics.map((d) => [d.code, d.message]),
        [
          ['reference', `captcha_stage: Invalid pk "${PK.nothing}" - object does not exist. No Captcha Stage on ${SERVER} has this pk: pick one (completion lists them) or write !Find by name.`],
          ['reference', `password_stage: !Find [authentik_flows.stage, [name, default-consent]] finds a Consent Stage "default-consent" on ${SERVER}; password_stage takes a Password Stage.`],
        ],
        'a flow listing that stopped early proves nothing missing, nor does an index without groups; the complete listing of all stages does',
      );
    });

    it('forgets the objects when sent null: no reference error is claimed again', async () => {
      const { uri, diagnostics } = await openWithIndex(client, IDENTIFICATION);
      assert.ok(diagnostics.some((d) => REFERENCE_CODES.includes(String(d.code))));
      const cleared = await setIndex(client, null, uri);
      assert.deepEqual(cleared, []);
    });

    it('completes a single reference by name, !Find first by default, pk first when the setting says so', async () => {
      const text = 'model: authentik_stages_identification.identificationstage\nname: x\nuser_fields: [username]\npassword_stage: \n';
      const { uri } = await openWithIndex(client, text);
      const list = await completion(client, uri, text, 'password_stage: ', 'password_stage: '.length);
      const stages = list.items.filter((i) => i.kind === 18 /* Reference */);
      assert.deepEqual(
        sorted(stages).map((i) => newText(i)),
        ['!Find [authentik_stages_password.passwordstage, [name, default-authentication-password]]', PK.password],
        'only the password stage (not the consent stage), both forms, !Find first',
      );
      assert.equal(stages[0]!.label, 'default-authentication-password');
      assert.match(stages[0]!.detail ?? '', /Password Stage · used by default-authentication-flow/);

      client.settings = { authentik: { references: { insert: 'pk' } } };
      await client.notify('workspace/didChangeConfiguration', { settings: client.settings });
      const pkFirst = await completion(client, uri, text, 'password_stage: ', 'password_stage: '.length);
      assert.equal(newText(sorted(pkFirst.items.filter((i) => i.kind === 18))[0]), PK.password);
      client.settings = {};
      await client.notify('workspace/didChangeConfiguration', { settings: { authentik: { references: {} } } });
    });

    it('completes flows by title and slug with their designation, and list items of a list field', async () => {
      const text = 'model: authentik_stages_identification.identificationstage\nname: x\nuser_fields: [username]\nenrollment_flow: sign\nsources:\n  - \n';
      const { uri } = await openWithIndex(client, text);
      const flows = (await completion(client, uri, text, 'enrollment_flow: sign', 'enrollment_flow: sign'.length)).items.filter((i) => i.kind === 18);
      assert.deepEqual(flows.map((i) => i.label), ['Sign up', 'Sign up'], 'filtered by what is typed');
      assert.deepEqual(flows[0]!.labelDetails?.detail, ' default-enrollment-flow');
      assert.match(flows[0]!.labelDetails?.description ?? '', /enrollment/);
      assert.ok(flows.some((i) => newText(i) === '!Find [authentik_flows.flow, [slug, default-enrollment-flow]]'));
      const all = sorted((await completion(client, uri, text.replace('enrollment_flow: sign', 'enrollment_flow: '), 'enrollment_flow: ', 'enrollment_flow: '.length)).items.filter((i) => i.kind === 18));
      assert.deepEqual(all.map((i) => i.label), ['Sign up', 'Welcome to authentik!', 'Sign up', 'Welcome to authentik!'], 'enrollment flows first, as the admin UI suggests; !Find forms before pks');
      const sources = (await completion(client, uri, text, '  - \n', 4)).items.filter((i) => i.kind === 18);
      assert.deepEqual(new Set(sources.map((i) => newText(i))), new Set([PK.github, PK.githubEnterprise, '!Find [authentik_core.source, [slug, github]]', '!Find [authentik_core.source, [slug, github-enterprise]]']));
    });

    it('completes only pks in JSON, where !Find cannot be written', async () => {
      const text = '{\n  "model": "authentik_stages_identification.identificationstage",\n  "name": "x",\n  "password_stage": ""\n}\n';
      const { uri } = await openWithIndex(client, text, 'json');
      const items = (await completion(client, uri, text, '"password_stage": "', '"password_stage": "'.length)).items.filter((i) => i.kind === 18);
      assert.deepEqual(items.map((i) => newText(i)), [JSON.stringify(PK.password)]);
      const list = '{\n  "model": "authentik_stages_identification.identificationstage",\n  "name": "x",\n  "sources": ["\n}\n';
      const opened = await openWithIndex(client, list, 'json');
      const sources = (await completion(client, opened.uri, list, '"sources": ["', '"sources": ["'.length)).items.filter((i) => i.kind === 18);
      assert.deepEqual(new Set(sources.map((i) => newText(i))), new Set([JSON.stringify(PK.github), JSON.stringify(PK.githubEnterprise)]));
    });

    it('hovers a pk and a !Find with the object, its key, its users and an admin link; JSON says !Find is YAML only', async () => {
      const { uri } = await openWithIndex(client, IDENTIFICATION);
      const stageHover = (await hover(client, uri, IDENTIFICATION, PK.password)).contents as MarkupContent;
      assert.match(stageHover.value, /\*\*Password Stage\*\* default-authentication-password/);
      assert.match(stageHover.value, /- name: `default-authentication-password`/);
      assert.match(stageHover.value, /- used by: default-authentication-flow/);
      assert.match(stageHover.value, new RegExp(`\\[Open in authentik\\]\\(${SERVER}/if/admin/#/flow/stages\\)`));
      assert.match(stageHover.value, /---\n\n[\s\S]*shows a password field/, "the field's own documentation follows the object");
      const wrongHover = ((await hover(client, uri, IDENTIFICATION, PK.consent)).contents as MarkupContent).value;
      assert.match(wrongHover, /\*\*Consent Stage\*\* default-consent[\s\S]*\/if\/admin\/#\/flow\/stages\)[\s\S]*`sources` takes a Source/, 'a pk of the wrong model shows what it is, linked as what it is');
      const findHover = await hover(client, uri, IDENTIFICATION, 'default-enrollment-flow');
      assert.match((findHover.contents as MarkupContent).value, /\*\*Flow\*\* Sign up/);
      assert.match((findHover.contents as MarkupContent).value, new RegExp(`${SERVER}/if/admin/#/flow/flows/default-enrollment-flow`));
      assert.deepEqual(findHover.range, rangeOf(IDENTIFICATION, '!Find [authentik_flows.flow, [slug, default-enrollment-flow]]'));

      const json = `{\n  "model": "authentik_stages_identification.identificationstage",\n  "name": "x",\n  "password_stage": "${PK.password}"\n}\n`;
      const opened = await openWithIndex(client, json, 'json');
      const jsonHover = (await hover(client, opened.uri, json, PK.password)).contents as MarkupContent;
      assert.match(jsonHover.value, /default-authentication-password/);
      assert.match(jsonHover.value, /JSON has no tags, so `!Find` can only be written in YAML/);
    });

    it('shows an inlay hint after each pk: the name, or "not found" where the index lists every object', async () => {
      for (const language of ['yaml', 'json'] as const) {
        const text =
          language === 'yaml'
            ? IDENTIFICATION
            : `{\n  "model": "authentik_stages_identification.identificationstage",\n  "name": "x",\n  "password_stage": "${PK.password}",\n  "enrollment_flow": "${PK.nothing}"\n}\n`;
        const { uri } = await openWithIndex(client, text, language);
        const hints = await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: positionOf(text, text, text.length) } });
        const byLabel = new Map(hints.map((h) => [String(h.label), h.position]));
        const quote = language === 'json' ? 1 : 0;
        assert.deepEqual(byLabel.get('default-authentication-password'), positionOf(text, PK.password, PK.password.length + quote), language);
        assert.deepEqual(byLabel.get('not found'), positionOf(text, PK.nothing, PK.nothing.length + quote), language);
        if (language === 'yaml') assert.deepEqual(byLabel.get('default-consent (Consent Stage, not a Source)'), positionOf(text, PK.consent, PK.consent.length));
        assert.equal(hints.length, language === 'yaml' ? 3 : 2, 'one hint per pk, none after !Find');
      }
    });

    it('quick fixes: a pk to !Find, a !Find to its pk, a !Find value to the closest name', async () => {
      const { uri, diagnostics } = await openWithIndex(client, IDENTIFICATION);
      const toFind = (await actionsAt(client, uri, rangeOf(IDENTIFICATION, PK.password))).find((a) => a.title.startsWith('Write as !Find'));
      assert.match(apply(IDENTIFICATION, uri, toFind), /\npassword_stage: !Find \[authentik_stages_password\.passwordstage, \[name, default-authentication-password\]\]\n/);

      const toPk = (await actionsAt(client, uri, rangeOf(IDENTIFICATION, 'default-enrollment-flow'))).find((a) => a.title.startsWith('Replace !Find with the pk'));
      assert.match(apply(IDENTIFICATION, uri, toPk), new RegExp(`\\nrecovery_flow: ${PK.enrollFlow}\\n`));

      const none = diagnostics.find((d) => d.code === 'find-match' && d.message.includes('matches no'))!;
      const closest = (await actionsAt(client, uri, none.range, [none as Diagnostic])).find((a) => a.title === 'Change to github');
      assert.match(apply(IDENTIFICATION, uri, closest), /\n {2}- !Find \[authentik_core\.source, \[slug, github\]\]\n/);
    });

    it('checks pks in JSON the same way', async () => {
      const text = `{\n  "model": "authentik_stages_identification.identificationstage",\n  "name": "x",\n  "user_fields": ["username"],\n  "sources": ["${PK.consent}"]\n}\n`;
      const { diagnostics } = await openWithIndex(client, text, 'json');
      const wrong = one(diagnostics, 'reference', PK.consent);
      assert.deepEqual(wrong.range, rangeOf(text, `"${PK.consent}"`));
    });
  });
});
