/** Completion, hover, code actions, symbols and the run-time schema switch, over LSP. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, CompletionItem, CompletionList, Diagnostic, DocumentSymbol, Hover, MarkupContent, TextEdit } from 'vscode-languageserver-protocol';
import { applyContentChanges, positionOf, type LspClient } from '../tools/lsp-client/lspClient';
import { diagnose, only, startStageServer, textDiagnostics } from './support/stageServer';
import { sampleStageDocument } from './support/syntheticOpenApi';

const EMAIL = 'model: authentik_stages_email.emailstage\nname: recovery-email\n';

async function completionAt(client: LspClient, text: string, needle: string, offsetInNeedle: number, language: 'yaml' | 'json' = 'yaml'): Promise<CompletionItem[]> {
  const { uri } = await diagnose(client, text, language);
  const result = await client.request<CompletionList | CompletionItem[] | null>('textDocument/completion', { textDocument: { uri }, position: positionOf(text, needle, offsetInNeedle) });
  return Array.isArray(result) ? result : (result?.items ?? []);
}

async function hoverAt(client: LspClient, text: string, needle: string, offsetInNeedle = 1): Promise<string> {
  const { uri } = await diagnose(client, text);
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, needle, offsetInNeedle) });
  assert.ok(hover, `no hover at ${needle}`);
  return (hover.contents as MarkupContent).value;
}

/** Asks for fixes for one diagnostic and applies the one titled `title` (by prefix). */
async function applyFix(client: LspClient, uri: string, text: string, diagnostic: Diagnostic, title: string): Promise<string> {
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
  const action = actions.find((a) => a.title.startsWith(title));
  assert.ok(action, `no action "${title}" among ${JSON.stringify(actions.map((a) => a.title))}`);
  const edits: TextEdit[] = action.edit?.changes?.[uri] ?? [];
  // Apply bottom-up so earlier ranges stay valid.
  const sorted = [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
  return applyContentChanges(text, sorted.map((e) => ({ range: e.range, text: e.newText })));
}

describe('language features over LSP', () => {
  let client: LspClient;
  before(async () => {
    client = await startStageServer();
  });
  after(async () => {
    await client.shutdown();
  });

  describe('completion', () => {
    it('offers model values with each type title', async () => {
      const items = await completionAt(client, 'model: \n', 'model: ', 7);
      const email = items.find((i) => i.label === 'authentik_stages_email.emailstage');
      assert.equal(email?.detail, 'Email Stage');
      assert.equal(items.filter((i) => i.kind === 7 /* Class */).length, 27);
    });

    it('offers keys not yet present, required first, with type, docs and a placeholder of the right shape', async () => {
      const text = 'model: authentik_stages_prompt.prompt\nlabel: x\n\n';
      const items = await completionAt(client, text, 'label: x\n\n', 'label: x\n'.length);
      const labels = items.map((i) => i.label);
      assert.ok(!labels.includes('label'), 'present keys are not offered');
      assert.ok(!labels.includes('model'));
      const sorted = [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
      assert.deepEqual(sorted.slice(0, 3).map((i) => i.label).sort(), ['field_key', 'name', 'type']);
      const type = items.find((i) => i.label === 'type')!;
      assert.match(type.detail ?? '', /required/);
      assert.match((type.textEdit as TextEdit).newText, /^type: \$\{1\|text,text_area,/);
      const order = items.find((i) => i.label === 'order')!;
      assert.equal((order.textEdit as TextEdit).newText, 'order: ${1:0}');
      assert.match((order.documentation as MarkupContent).value, /integer/);
      const required = items.find((i) => i.label === 'required')!;
      assert.equal((required.textEdit as TextEdit).newText, 'required: ${1|true,false|}');
    });

    it('offers enum values, booleans, null where nullable, and a duration snippet', async () => {
      const prompt = await completionAt(client, 'model: authentik_stages_prompt.prompt\ntype: \n', 'type: ', 6);
      assert.ok(prompt.some((i) => i.label === 'dropdown'));
      const bool = await completionAt(client, `${EMAIL}use_tls: \n`, 'use_tls: ', 9);
      assert.deepEqual(bool.map((i) => i.label).sort(), ['false', 'true']);
      const nullable = await completionAt(client, 'model: authentik_stages_authenticator_webauthn.authenticatorwebauthnstage\nname: w\nauthenticator_attachment: \n', 'authenticator_attachment: ', 26);
      assert.ok(nullable.some((i) => i.label === 'platform'));
      assert.ok(nullable.some((i) => i.label === 'null'));
      const duration = await completionAt(client, `${EMAIL}token_expiry: \n`, 'token_expiry: ', 14);
      const snippet = duration.find((i) => i.kind === 15 /* Snippet */)!;
      assert.equal((snippet.textEdit as TextEdit).newText, 'hours=${1:1};minutes=${2:0}');
      const templates = await completionAt(client, `${EMAIL}template: \n`, 'template: ', 10);
      assert.ok(templates.some((i) => i.label === 'email/password_reset.html'));
      const items = await completionAt(client, 'model: authentik_stages_authenticator_validate.authenticatorvalidatestage\nname: v\ndevice_classes:\n  - \n', '  - ', 4);
      assert.ok(items.some((i) => i.label === 'totp'), 'list items of an enum array');
    });

    it('offers a new document snippet with model and the required fields', async () => {
      const items = await completionAt(client, '\n', '\n', 0);
      const snippet = items.find((i) => i.label === 'New Prompt')!;
      assert.ok(snippet, JSON.stringify(items.map((i) => i.label).slice(0, 5)));
      const newText = (snippet.textEdit as TextEdit).newText;
      assert.match(newText, /^model: authentik_stages_prompt\.prompt\n/);
      for (const field of ['name:', 'field_key:', 'label:', 'type: ${']) assert.ok(newText.includes(field), `${field} in ${newText}`);
      assert.ok(items.find((i) => i.label === 'New Email Stage'));
    });

    it('numbers the tab stop of a list or mapping field in a new document snippet as a whole placeholder', async () => {
      const items = await completionAt(client, '\n', '\n', 0);
      const password = items.find((i) => i.label === 'New Password Stage');
      assert.equal((password?.textEdit as TextEdit | undefined)?.newText, 'model: authentik_stages_password.passwordstage\nbackends:\n  - $1\nname: ${2:my-password-stage}\n$0');
    });

    it('works in JSON: keys with quotes, values', async () => {
      const text = '{\n  "model": "authentik_stages_email.emailstage",\n  "\n}';
      const keys = await completionAt(client, text, '  "\n', 3, 'json');
      const host = keys.find((i) => i.label === 'host')!;
      assert.equal((host.textEdit as TextEdit).newText, '"host": "$1"');
      const values = await completionAt(client, '{"model": "authentik_stages_email.emailstage", "use_tls": }', '"use_tls": ', 11, 'json');
      assert.deepEqual(values.map((i) => i.label).sort(), ['false', 'true']);
    });
  });

  describe('hover', () => {
    it('on a key: description, type, limits, secret and read-only notes, and the schema version', async () => {
      const md = await hoverAt(client, `${EMAIL}from_address: a@example.com\npassword: !Env X\n`, 'from_address');
      assert.match(md, /\*\*from_address\*\*/);
      assert.match(md, /string \(email\)/);
      assert.match(md, /at most 254 characters/);
      assert.match(md, /authentik 2026\.8\.3/);
      const secret = await hoverAt(client, `${EMAIL}password: !Env X\n`, 'password: ', 12);
      assert.match(secret, /Taken from the environment variable `X`/);
      assert.match(secret, /Write-only secret/);
    });

    it('on enums, durations and the model', async () => {
      const md = await hoverAt(client, 'model: authentik_stages_authenticator_validate.authenticatorvalidatestage\nname: v\nnot_configured_action: skip\n', 'not_configured_action');
      assert.match(md, /Values:\n- `"skip"`/);
      const duration = await hoverAt(client, `${EMAIL}token_expiry: hours=1;minutes=30\n`, 'hours=1');
      assert.match(duration, /`hours=1;minutes=30` = 1 hour 30 minutes/);
      const model = await hoverAt(client, EMAIL, 'authentik_stages_email');
      assert.match(model, /\*\*Email Stage\*\*/);
      assert.match(model, /\/api\/v3\/stages\/email\//);
    });
  });

  describe('code actions', () => {
    it('renames an unknown key to the suggestion', async () => {
      const text = `${EMAIL}hots: smtp\n`;
      const { uri, diagnostics } = await diagnose(client, text);
      assert.equal(await applyFix(client, uri, text, only(diagnostics, 'unknown-key'), 'Rename to host'), `${EMAIL}host: smtp\n`);
    });

    it('removes a read-only key, in YAML and JSON', async () => {
      const text = `${EMAIL}component: x\nport: 25\n`;
      const { uri, diagnostics } = await diagnose(client, text);
      assert.equal(await applyFix(client, uri, text, only(diagnostics, 'read-only'), 'Remove component'), `${EMAIL}port: 25\n`);
      const json = '{"model": "authentik_stages_deny.denystage", "name": "d", "verbose_name": "x"}';
      const result = await diagnose(client, json, 'json');
      const fixed = await applyFix(client, result.uri, json, only(result.diagnostics, 'read-only'), 'Remove verbose_name');
      assert.deepEqual(JSON.parse(fixed), { model: 'authentik_stages_deny.denystage', name: 'd' });
    });

    it('moves a plain-text secret to !Env', async () => {
      const text = `${EMAIL}password: hunter2\n`;
      const { uri, diagnostics } = await diagnose(client, text);
      const fixed = await applyFix(client, uri, text, only(diagnostics, 'plain-secret'), 'Take password from the environment');
      assert.equal(fixed, `${EMAIL}password: !Env RECOVERY_EMAIL_PASSWORD\n`);
      assert.deepEqual((await diagnose(client, fixed)).diagnostics, []);
    });

    it('adds the missing required fields, leaving a valid shape', async () => {
      const text = 'model: authentik_stages_prompt.prompt\nlabel: Name\n';
      const { uri, diagnostics } = await diagnose(client, text);
      const required = diagnostics.filter((d) => d.code === 'required');
      assert.equal(required.length, 3);
      const fixed = await applyFix(client, uri, text, required[0]!, 'Add missing required fields');
      assert.match(fixed, /^model: authentik_stages_prompt\.prompt\nlabel: Name\n/);
      assert.match(fixed, /\nname: /);
      assert.match(fixed, /\nfield_key: /);
      assert.match(fixed, /\ntype: text\n/);
      const after = (await diagnose(client, fixed)).diagnostics;
      assert.equal(after.filter((d) => d.code === 'required').length, 0, JSON.stringify(after));
    });

    it('writes a converted value canonically', async () => {
      const text = `${EMAIL}port: "25"\nuse_tls: yes\n`;
      const { uri, diagnostics } = await diagnose(client, text);
      const [port, tls] = diagnostics.filter((d) => d.code === 'converted');
      let fixed = await applyFix(client, uri, text, port!, 'Write 25');
      assert.equal(fixed, `${EMAIL}port: 25\nuse_tls: yes\n`);
      fixed = await applyFix(client, uri, text, tls!, 'Write true');
      assert.equal(fixed, `${EMAIL}port: "25"\nuse_tls: true\n`);
    });

    it('replaces an unknown model with the closest one', async () => {
      const text = 'model: authentik_stages_pasword.passwordstage\nname: p\n';
      const { uri, diagnostics } = await diagnose(client, text);
      assert.equal(await applyFix(client, uri, text, only(diagnostics, 'model-unknown'), 'Change to'), 'model: authentik_stages_password.passwordstage\nname: p\n');
    });
  });

  it('document symbols: one per stage, with name and model', async () => {
    const text = `${EMAIL}---\nmodel: authentik_stages_deny.denystage\nname: no-entry\n---\nmodel: authentik_stages_prompt.prompt\nfield_key: email\n`;
    const { uri } = await diagnose(client, text);
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(symbols.map((s) => [s.name, s.detail]), [
      ['recovery-email', 'Email Stage'],
      ['no-entry', 'Deny Stage'],
      ['email', 'Prompt'],
    ]);
    assert.equal(symbols[1]!.range.start.line, 3);
    assert.deepEqual(symbols[1]!.children?.map((c) => c.name), ['model', 'name']);
  });

  it('accepts another OpenAPI document at run time and goes back to the bundled one', async () => {
    const openapi = JSON.stringify(
      sampleStageDocument({ type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, pattern: '^[a-z]+$' }, home: { type: 'string', format: 'uri' } } }),
    );
    const text = 'model: authentik_stages_sample.samplestage\nname: Not-Lower\nhome: gopher://x\n';
    const { uri } = await diagnose(client, text);
    assert.equal(only(textDiagnostics(client.lastDiagnostics(uri)!.diagnostics), 'model-unknown').severity, 1);
    const since = client.diagnosticsMarker();
    const info = await client.request<{ version: string; models: number }>('authentikStages/setSchema', { openapi, source: 'test' });
    assert.deepEqual(info, { version: '9.9.9', source: 'test', models: 1 });
    const record = await client.waitForDiagnostics(uri, { since });
    assert.match(only(textDiagnostics(record.diagnostics), 'pattern').message, /name: This value does not match the required pattern/);
    assert.match(only(textDiagnostics(record.diagnostics), 'format').message, /Enter a valid URL/);
    await assert.rejects(client.request('authentikStages/setSchema', { openapi: 'nope: 1', source: 'bad' }), /cannot be used/);
    const reset = await client.request<{ version: string }>('authentikStages/resetSchema', {});
    assert.equal(reset.version, '2026.8.3');
  });
});
