// Tests of the test/bench LSP client itself, against the floor server (bench/floor-server.ts).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspClient, applyContentChanges, fileUri, positionOf } from '../tools/lsp-client/lspClient';

// The built test is dist/test/lspClient.test.js: the repository root is two levels up.
const root = resolve(__dirname, '..', '..');
const floorServer = join(root, 'dist', 'tools', 'floor-server.js');

describe('positionOf / applyContentChanges', () => {
  it('finds positions and applies incremental and full changes', () => {
    const text = 'a: 1\nport: 25\nb: 2\n';
    assert.deepEqual(positionOf(text, 'port: 25', 6), { line: 1, character: 6 });
    assert.deepEqual(positionOf(text, 'b', 0, 5), { line: 2, character: 0 });
    assert.throws(() => positionOf(text, 'nope'));
    const edited = applyContentChanges(text, [
      { range: { start: { line: 1, character: 6 }, end: { line: 1, character: 8 } }, text: '"abc"' },
    ]);
    assert.equal(edited, 'a: 1\nport: "abc"\nb: 2\n');
    assert.equal(applyContentChanges(edited, [{ text: 'x' }]), 'x');
    assert.match(fileUri('/tmp/a b.stage.yaml'), /^file:\/\/\/tmp\/a%20b\.stage\.yaml$/);
  });
});

describe('LspClient against the floor server', { skip: existsSync(floorServer) ? false : `${floorServer} not built` }, () => {
  let client: LspClient;

  before(async () => {
    client = await LspClient.start({ command: process.execPath, args: [floorServer, '--stdio'], cwd: root });
    const result = await client.initialize();
    assert.equal(result.serverInfo?.name, 'lsp-floor-server');
  });

  after(async () => {
    if (client?.alive) await client.shutdown();
  });

  it('open → diagnostics arrives with the version of the open', async () => {
    const uri = fileUri(join(root, '.bench', 'client-test.stage.yaml'));
    const since = client.diagnosticsMarker();
    client.open(uri, 'authentik-stage-yaml', 'model: authentik_stages_email.emailstage\nname: x\n', 3);
    const record = await client.waitForDiagnostics(uri, { since, timeoutMs: 5_000 });
    assert.equal(record.uri, uri);
    assert.equal(record.version, 3);
    assert.deepEqual(record.diagnostics, []);
    assert.ok(record.seq > since);
    assert.equal(client.lastDiagnostics(uri), record);
  });

  it('change → the diagnostics for that version, not an earlier one', async () => {
    const uri = fileUri(join(root, '.bench', 'client-test.stage.yaml'));
    const since = client.diagnosticsMarker();
    client.change(uri, 4, [{ range: { start: { line: 1, character: 6 }, end: { line: 1, character: 7 } }, text: 'y' }]);
    client.change(uri, 5, [{ text: 'model: authentik_stages_email.emailstage\nname: z\n' }]);
    const record = await client.waitForDiagnostics(uri, { since, afterVersion: 5, timeoutMs: 5_000 });
    assert.equal(record.version, 5);
    assert.equal(client.document(uri)?.text, 'model: authentik_stages_email.emailstage\nname: z\n');
    // A version already received counts for nextDiagnostics({afterVersion}) too.
    assert.equal((await client.nextDiagnostics(uri, { afterVersion: 5, timeoutMs: 1_000 })).version, 5);
  });

  it('times out a wait with a useful message', async () => {
    await assert.rejects(client.nextDiagnostics('file:///never-opened.stage.yaml', { timeoutMs: 50 }), /no matching diagnostics/);
  });

  it('answers completion and hover, and reports memory', async () => {
    const uri = fileUri(join(root, '.bench', 'client-test.stage.yaml'));
    const items = await client.request<unknown[]>('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 0 } });
    assert.deepEqual(items, []);
    const hover = await client.request<unknown>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
    assert.equal(hover, null);
    const peak = client.peakRssBytes();
    const rss = client.rssBytes();
    assert.ok(peak !== undefined && peak > 1_000_000, `peak ${peak}`);
    assert.ok(rss !== undefined && rss > 1_000_000 && rss <= peak, `rss ${rss}`);
  });

  it('shutdown ends the process', async () => {
    assert.equal(client.alive, true);
    const result = await client.shutdown();
    assert.equal(client.alive, false);
    assert.equal(result.killed, false);
    assert.equal(result.code, 0);
    await assert.rejects(client.request('textDocument/hover', {}), /not running/);
  });
});

describe('LspClient start failures', () => {
  it('rejects when the command cannot be started', async () => {
    await assert.rejects(LspClient.start({ command: join(root, 'no-such-server-binary') }), /cannot start/);
  });

  it('fails a pending wait when the server dies', async () => {
    const client = await LspClient.start({ command: process.execPath, args: ['-e', 'setTimeout(() => process.exit(3), 100)'] });
    await assert.rejects(client.nextDiagnostics('file:///x.yaml', { timeoutMs: 5_000 }), /exited \(code 3/);
    assert.equal(client.alive, false);
    assert.equal(client.exitCode, 3);
    await client.shutdown();
  });
});
