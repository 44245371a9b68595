/** `authentik-stages validate`: exit codes and both output formats, run as a user would. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { cliModule, olderOpenApi } from './support/paths';

function run(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cliModule, ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('authentik-stages validate', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'authentik-stages-cli-'));
    mkdirSync(join(dir, 'stages'));
    writeFileSync(join(dir, 'stages', 'good.stage.yaml'), 'model: authentik_stages_deny.denystage\nname: deny\n');
    writeFileSync(join(dir, 'stages', 'warn.stage.yml'), 'model: authentik_stages_deny.denystage\nname: deny2\nnmae: x\n');
    writeFileSync(join(dir, 'stages', 'bad.stage.json'), '{\n  "model": "authentik_stages_email.emailstage",\n  "name": "mail",\n  "port": "abc"\n}\n');
    writeFileSync(join(dir, 'lockdown.stage.yaml'), 'model: authentik_stages_account_lockdown.accountlockdownstage\nname: lock\n');
  });

  it('exits 0 without errors (warnings allowed), printing path:line:col: severity: message [field]', () => {
    const result = run(dir, 'validate', 'stages/good.stage.yaml', 'stages/warn.stage.yml');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'stages/warn.stage.yml:3:1: warning: nmae is not a field of Deny Stage: the server ignores it. Did you mean name? [nmae]\n');
    assert.match(result.stderr, /2 files checked against authentik 2026\.8\.3: 0 errors, 1 other finding/);
  });

  it('exits 1 when any error, and expands globs itself', () => {
    const result = run(dir, 'validate', 'stages/*.stage.*');
    assert.equal(result.status, 1);
    assert.match(result.stdout, /^stages\/bad\.stage\.json:4:11: error: port: A valid integer is required \(got "abc"\)\. \[port\]$/m);
    assert.equal(result.stdout.trim().split('\n').length, 2);
  });

  it('--format json prints one array of {file, line, column, endLine, endColumn, severity, message, field}', () => {
    const result = run(dir, 'validate', '--format', 'json', '**/*.stage.{yaml,yml,json}');
    assert.equal(result.status, 1);
    const parsed = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    assert.equal(parsed.length, 2);
    assert.deepEqual(parsed.find((d) => d['severity'] === 'error'), {
      file: 'stages/bad.stage.json',
      line: 4,
      column: 11,
      endLine: 4,
      endColumn: 16,
      severity: 'error',
      message: 'port: A valid integer is required (got "abc").',
      field: 'port',
    });
  });

  it('--schema validates against another authentik version', () => {
    assert.equal(run(dir, 'validate', 'lockdown.stage.yaml').status, 0);
    const result = run(dir, 'validate', '--schema', olderOpenApi, 'lockdown.stage.yaml');
    assert.equal(result.status, 1);
    assert.match(result.stdout, /lockdown\.stage\.yaml:1:8: error: model: "authentik_stages_account_lockdown\.accountlockdownstage" is not a stage model of authentik 2025\.8\.6/);
  });

  it('exits 2 on bad usage', () => {
    for (const args of [[], ['lint', 'x'], ['validate'], ['validate', 'missing.stage.yaml'], ['validate', 'nothing/*.yaml'], ['validate', '--format', 'xml', 'lockdown.stage.yaml'], ['validate', '--bogus', 'x'], ['validate', '--schema', 'nope.yml', 'lockdown.stage.yaml']]) {
      const result = run(dir, ...args);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^authentik-stages: /, args.join(' '));
    }
    const help = run(dir, '--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /authentik-stages validate <files or globs…>/);
  });
});
