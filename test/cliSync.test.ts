/** The command line's pull, push, diff and list against the sandbox: output and exit codes. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type Sandbox } from '../tools/sandbox/server';
import { cli } from './support/cliRun';

describe('authentik-stages pull / push / diff / list', () => {
  let sandbox: Sandbox;
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    sandbox = await startSandbox({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'authentik-cli-sync-'));
    env = { AUTHENTIK_URL: sandbox.url, AUTHENTIK_TOKEN: sandbox.token };
  });
  after(async () => {
    await sandbox.close();
  });

  it('list prints pk, model and name per stage', async () => {
    const result = await cli(dir, ['list', '--model', 'authentik_stages_password.passwordstage'], env);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.ok(lines.length >= 1);
    assert.match(lines[0]!, /^[0-9a-f-]{36} {2}authentik_stages_password\.passwordstage {2}\S+/);
    const all = await cli(dir, ['list', '--search', lines[0]!.split('  ')[2]!], env);
    assert.equal(all.status, 0);
    assert.match(all.stdout, /authentik_stages_password\.passwordstage/);
  });

  it('pull writes files, diff says same (0), an edit makes diff say differs (1), push sends it (0)', async () => {
    const pulled = await cli(dir, ['pull', '--model', 'authentik_stages_deny.denystage', '--out', 'stages'], env);
    assert.equal(pulled.status, 0, pulled.stderr);
    const [line] = pulled.stdout.trim().split('\n');
    const file = line!.split(/\s+/)[1]!;
    assert.ok(existsSync(join(dir, file)), file);
    assert.ok(existsSync(join(dir, '.authentik', 'bases')));
    assert.equal((await cli(dir, ['diff', file], env)).status, 0);
    const text = readFileSync(join(dir, file), 'utf8');
    writeFileSync(join(dir, file), `${text.replace(/^deny_message:.*$/m, '')}deny_message: Changed by the CLI test\n`);
    const diff = await cli(dir, ['diff', file], env);
    assert.equal(diff.status, 1);
    assert.match(diff.stdout, /\+ deny_message: "Changed by the CLI test"   \(file\)/);
    const pushed = await cli(dir, ['push', file], env);
    assert.equal(pushed.status, 0, pushed.stderr);
    assert.match(pushed.stdout, /^updated/m);
    const pk = /^pk: (\S+)$/m.exec(text)![1]!;
    assert.equal(sandbox.store.getStage(pk)!['deny_message'], 'Changed by the CLI test');
  });

  it('push exits 1 on validation, server and conflict errors, with path:line:col messages', async () => {
    writeFileSync(join(dir, 'bad.stage.yaml'), 'model: authentik_stages_email.emailstage\nname: cli-bad\nport: abc\n');
    const invalid = await cli(dir, ['push', 'bad.stage.yaml'], env);
    assert.equal(invalid.status, 1);
    assert.match(invalid.stderr, /^bad\.stage\.yaml:3:7: error: port: A valid integer is required/m);
    sandbox.store.addStage({ model: 'authentik_stages_deny.denystage', name: 'cli-taken' });
    writeFileSync(join(dir, 'taken.stage.yaml'), 'model: authentik_stages_deny.denystage\nname: cli-taken\n');
    const rejected = await cli(dir, ['push', 'taken.stage.yaml'], env);
    assert.equal(rejected.status, 1);
    assert.match(rejected.stderr, /^taken\.stage\.yaml:2:7: error: authentik rejected name: stage with this name already exists/m);
  });

  it('reads the token from stdin, never from a flag', async () => {
    const result = await cli(dir, ['list', '--token-stdin'], { AUTHENTIK_URL: sandbox.url }, `${sandbox.token}\n`);
    assert.equal(result.status, 0, result.stderr);
    const flag = await cli(dir, ['list', '--token', sandbox.token], { AUTHENTIK_URL: sandbox.url });
    assert.equal(flag.status, 2);
    assert.doesNotMatch(flag.stderr + flag.stdout, new RegExp(sandbox.token));
  });

  it('exits 2 without a token, without a server, or with a bad selection', async () => {
    assert.equal((await cli(dir, ['list'], { AUTHENTIK_URL: sandbox.url })).status, 2);
    const unreachable = await cli(dir, ['list'], { AUTHENTIK_URL: 'http://127.0.0.1:9', AUTHENTIK_TOKEN: 'x' });
    assert.equal(unreachable.status, 2);
    assert.match(unreachable.stderr, /cannot reach authentik at http:\/\/127\.0\.0\.1:9/);
    assert.equal((await cli(dir, ['list'], { AUTHENTIK_TOKEN: 'x' })).status, 2);
    assert.equal((await cli(dir, ['pull'], env)).status, 2);
    assert.equal((await cli(dir, ['pull', '--model', 'nope'], env)).status, 2);
    const refused = await cli(dir, ['list'], { AUTHENTIK_URL: sandbox.url, AUTHENTIK_TOKEN: 'wrong' });
    assert.equal(refused.status, 2);
    assert.doesNotMatch(refused.stderr, /wrong/);
  });
});
