/**
 * A guided LSP session with the built server on examples/broken.stage.yaml: what VS Code shows
 * as squiggles, completion lists, hovers and quick fixes, printed as text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, CompletionList, Hover, MarkupContent, TextEdit } from 'vscode-languageserver-protocol';
import { SERVER_NODE_FLAGS } from '@authentik-stages/protocol';
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
  } finally {
    await client.shutdown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
