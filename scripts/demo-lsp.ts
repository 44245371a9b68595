/**
 * A guided LSP session with the built server on examples/broken.stage.yaml: what VS Code shows
 * as squiggles, completion lists, hovers and quick fixes, printed as text; then references, with
 * the server's objects as the extension hands them over; then a blueprint, under its own name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, CompletionList, Hover, MarkupContent, TextEdit } from 'vscode-languageserver-protocol';
import type { IndexedObject, ObjectIndex } from '@authentik-stages/engine';
import { SERVER_NODE_FLAGS, SetObjectIndexNotification } from '@authentik-stages/protocol';
import { applyContentChanges, fileUri, LspClient, positionOf } from '../tools/lsp-client/lspClient';

const root = join(__dirname, '..', '..');
const SEVERITY = ['', 'error', 'warning', 'info', 'hint'];

async function main(): Promise<void> {
  const path = join(root, 'examples', 'broken.stage.yaml');
  let text = readFileSync(path, 'utf8');
  const uri = fileUri(path);
  const client = await LspClient.start({ command: process.execPath, args: [...SERVER_NODE_FLAGS, join(root, 'dist', 'server.js'), '--stdio'], name: 'authentik stage server' });
  try {
    const init = await client.initialize();
    console.log(`  started ${init.serverInfo?.name ?? 'server'} ${init.serverInfo?.version ?? ''}`);
    const since = client.diagnosticsMarker();
    client.open(uri, 'authentik-stage-yaml', text);
    const published = await client.waitForDiagnostics(uri, { since, afterVersion: 1 });
    console.log(`\n  diagnostics for examples/broken.stage.yaml (${published.diagnostics.length}):`);
    for (const d of published.diagnostics) {
      const message = typeof d.message === 'string' ? d.message : d.message.value;
      console.log(`    ${d.range.start.line + 1}:${d.range.start.character + 1} ${SEVERITY[d.severity ?? 1]} ${message.length > 110 ? `${message.slice(0, 107)}…` : message}`);
    }

    const completion = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: positionOf(text, 'type: e-mail', 6) });
    console.log(`\n  completion after "type: " (${completion.items.length} items): ${completion.items.slice(0, 8).map((i) => i.label).join(', ')}, …`);

    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'token_expiry', 2) });
    console.log('\n  hover on token_expiry:');
    for (const line of ((hover?.contents as MarkupContent | undefined)?.value ?? '(none)').split('\n')) console.log(`    │ ${line}`);

    const unknown = published.diagnostics.find((d) => d.code === 'unknown-key')!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: unknown.range, context: { diagnostics: [unknown] } });
    const fix = actions[0]!;
    const edits: TextEdit[] = fix.edit?.changes?.[uri] ?? [];
    text = applyContentChanges(text, edits.map((e) => ({ range: e.range, text: e.newText })));
    const after = client.diagnosticsMarker();
    client.change(uri, 2, edits.map((e) => ({ range: e.range, text: e.newText })));
    const fixed = await client.waitForDiagnostics(uri, { since: after, afterVersion: 2 });
    console.log(`\n  quick fix "${fix.title}" applied: ${published.diagnostics.length} → ${fixed.diagnostics.length} diagnostics; line 4 now reads "${text.split('\n')[3]!.trimEnd()}"`);
    await references(client);
    await blueprint(client);
  } finally {
    await client.shutdown();
  }
}

/** Connected, VS Code hands the server's objects to the language server: references by name. */
async function references(client: LspClient): Promise<void> {
  const server = 'https://auth.example.com';
  const stage = (pk: string, name: string): IndexedObject => ({ pk, model: 'authentik_stages_password.passwordstage', label: name, fields: { name, pk } });
  const objects = [stage('0610dbdd-61b9-5dd3-9003-1b3669da642f', 'login-password'), stage('1d1d6b7e-1a48-4b6e-9b1f-58f5a3c7d0a1', 'recovery-password')];
  const index: ObjectIndex = { server, models: { 'authentik_stages_password.passwordstage': { complete: true, objects }, 'authentik_flows.stage': { complete: true, objects } } };
  await client.notify(SetObjectIndexNotification.method, index);
  const text = 'model: authentik_stages_identification.identificationstage\nname: login\nuser_fields: [username]\npassword_stage: 9f8e7d6c-0000-4000-8000-000000000000\n';
  const uri = fileUri(join(root, 'examples', 'references-demo.stage.yaml'));
  const since = client.diagnosticsMarker();
  client.open(uri, 'authentik-stage-yaml', text);
  const published = await client.waitForDiagnostics(uri, { since, afterVersion: 1 });
  console.log(`\n  with the objects of ${server} (two password stages), a pk that names nothing:`);
  for (const d of published.diagnostics) console.log(`    ${d.range.start.line + 1}:${d.range.start.character + 1} ${SEVERITY[d.severity ?? 1]} ${typeof d.message === 'string' ? d.message : d.message.value}`);
  const completion = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: positionOf(text, 'password_stage: ', 'password_stage: '.length) });
  console.log('  completion of password_stage, by name:');
  for (const item of completion.items) console.log(`    ${item.label} → ${item.textEdit && 'newText' in item.textEdit ? item.textEdit.newText : item.label}`);
}

/** A blueprint under its own name, opened as plain YAML: the importer's view, !KeyOf ids completed, hovered and renamed. */
async function blueprint(client: LspClient): Promise<void> {
  const path = join(root, 'examples', 'blueprints', 'enrollment-draft.yaml');
  const text = readFileSync(path, 'utf8');
  const uri = fileUri(path);
  const since = client.diagnosticsMarker();
  client.open(uri, 'yaml', text);
  const published = await client.waitForDiagnostics(uri, { since, afterVersion: 1 });
  console.log(`\n  a blueprint, examples/blueprints/enrollment-draft.yaml, opened as plain YAML (${published.diagnostics.length} diagnostics):`);
  for (const d of published.diagnostics) {
    const message = typeof d.message === 'string' ? d.message : d.message.value;
    console.log(`    ${d.range.start.line + 1}:${d.range.start.character + 1} ${SEVERITY[d.severity ?? 1]} ${message.length > 110 ? `${message.slice(0, 107)}…` : message}`);
  }
  const needle = '        - !KeyOf username';
  const completion = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: positionOf(text, needle, needle.length) });
  console.log(`  completion after "!KeyOf " (the ids of the entries above): ${completion.items.map((i) => i.label).join(', ')}`);
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, needle, needle.length - 2) });
  const meaning = ((hover?.contents as MarkupContent | undefined)?.value ?? '(none)').split('\n').find((line) => line.includes('Resolves to')) ?? '(none)';
  console.log(`  hover on !KeyOf username: ${meaning}`);
  const rename = await client.request<{ changes?: Record<string, TextEdit[]> } | null>('textDocument/rename', { textDocument: { uri }, position: positionOf(text, 'id: username', 5), newName: 'username-field' });
  console.log(`  rename of the id "username" to "username-field": ${rename?.changes?.[uri]?.length ?? 0} edits (the id and every !KeyOf naming it)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
