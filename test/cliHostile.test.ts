/**
 * The command line against hostile input (issue 8): globs over symlink loops, FIFOs, devices and
 * files reached twice (class 8); names, messages and files holding terminal escapes, forged line
 * breaks and bidi overrides, and failures that must end in one clear line, not a stack or the
 * usage text (class 9). Every run is bounded: a hang is a failure, not a stuck suite.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeFailure, EXIT_FINDINGS, printable, usageError } from '../client/src/cli/output';
import { startSandbox, type Sandbox } from '../tools/sandbox/server';
import { json, startHostileServer, type HostileServer } from './support/hostileServer';
import { cliModule } from './support/paths';
import { cli, type CliRun } from './support/cliRun';

/** Long enough for a slow machine, short enough that a hang fails the test rather than the suite. */
const HANG_MS = 15_000;
const BOUNDED = { timeout: 30_000 };
const DENY = 'authentik_stages_deny.denystage';
const GOOD = `model: ${DENY}\nname: glob-good\n`;
/** A finding per file validated: each file's name is a field no Deny Stage has. */
const warns = (field: string): string => `model: ${DENY}\nname: ${field}-name\n${field}: 1\n`;

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'authentik-cli-hostile-'));
  mkdirSync(join(dir, '.git'));
  return dir;
}

function mkfifo(path: string): void {
  const made = spawnSync('mkfifo', [path]);
  assert.equal(made.status, 0, `mkfifo ${path}: ${made.stderr}`);
}

function finished(run: CliRun): void {
  assert.equal(run.timedOut, false, `the command hung; stderr so far: ${run.stderr}`);
}

/** No stack frame, no usage text: the failure is the one line. */
function oneLineFailure(run: CliRun): string {
  finished(run);
  assert.doesNotMatch(run.stderr, /^\s+at /m, run.stderr);
  assert.doesNotMatch(run.stderr, /Usage:/);
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  return lines[0]!;
}

describe('authentik-stages globs (issue 8, class 8)', () => {
  it('ends on symlink loops, walking each real folder once', BOUNDED, async () => {
    const dir = workspace();
    mkdirSync(join(dir, 'stages', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'stages', 'sub', 'loopy.stage.yaml'), warns('loopy'));
    // Two links back up at each level: following them unguarded branches 2^40 ways before ELOOP.
    symlinkSync('..', join(dir, 'stages', 'sub', 'up'));
    symlinkSync('../..', join(dir, 'stages', 'sub', 'top'));
    symlinkSync('sub', join(dir, 'stages', 'again'));
    const run = await cli(dir, ['validate', '**/*.stage.yaml'], {}, undefined, HANG_MS);
    finished(run);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trimEnd().split('\n').length, 1, run.stdout);
    assert.match(run.stdout, /^stages\/(again|sub)\/loopy\.stage\.yaml:3:1: warning: loopy is not a field/);
    assert.match(run.stderr, /^1 file checked/m);
  });

  it('never opens a FIFO a glob matches: it is skipped with a note, the regular files are read', BOUNDED, async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'good.stage.yaml'), GOOD);
    mkfifo(join(dir, 'pipe.stage.yaml'));
    symlinkSync('missing.stage.yaml', join(dir, 'dangling.stage.yaml'));
    const run = await cli(dir, ['validate', '*.stage.yaml'], {}, undefined, HANG_MS);
    finished(run);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /^authentik-stages: skipped pipe\.stage\.yaml: a FIFO \(named pipe\); only regular files are read$/m);
    assert.match(run.stderr, /^authentik-stages: skipped dangling\.stage\.yaml: a symbolic link that leads nowhere/m);
    assert.match(run.stderr, /^1 file checked/m);
  });

  it('a named FIFO, directory, device or dangling link is a clear usage error (2), not a hang', BOUNDED, async () => {
    const dir = workspace();
    mkfifo(join(dir, 'pipe.stage.yaml'));
    mkdirSync(join(dir, 'folder.stage.yaml'));
    mkdirSync(join(dir, 'stages'));
    symlinkSync('nowhere', join(dir, 'dangling.stage.yaml'));
    const expected: Array<[string, RegExp]> = [
      ['pipe.stage.yaml', /^authentik-stages: pipe\.stage\.yaml is a FIFO \(named pipe\), not a stage file: name a regular file$/],
      ['folder.stage.yaml', /^authentik-stages: folder\.stage\.yaml is a directory, not a stage file: name a regular file, or a glob such as folder\.stage\.yaml\/\*\*\/\*\.stage\.yaml$/],
      ['/dev/null', /^authentik-stages: \/dev\/null is a device, not a stage file/],
      ['dangling.stage.yaml', /^authentik-stages: dangling\.stage\.yaml is a symbolic link that leads nowhere .*: fix the link/],
    ];
    for (const [path, message] of expected) {
      const run = await cli(dir, ['validate', path], {}, undefined, HANG_MS);
      assert.match(oneLineFailure(run), message);
      assert.equal(run.status, 2);
    }
    for (const command of ['push', 'diff']) {
      // The files are checked before any connection: no server is configured here.
      const run = await cli(dir, [command, 'stages', 'pipe.stage.yaml'], {}, undefined, HANG_MS);
      assert.match(oneLineFailure(run), /^authentik-stages: stages is a directory, not a stage file/);
      assert.equal(run.status, 2);
    }
    const schema = await cli(dir, ['validate', '--schema', 'pipe.stage.yaml', '/dev/null'], {}, undefined, HANG_MS);
    assert.match(oneLineFailure(schema), /pipe\.stage\.yaml is a FIFO \(named pipe\), not a schema file/);
    assert.equal(schema.status, 2);
  });

  it('validates a file reached twice once, under its first spelling', BOUNDED, async () => {
    const dir = workspace();
    mkdirSync(join(dir, 'stages'));
    writeFileSync(join(dir, 'stages', 'twice.stage.yaml'), warns('twice'));
    symlinkSync('twice.stage.yaml', join(dir, 'stages', 'alias.stage.yaml'));
    const run = await cli(dir, ['validate', './stages/twice.stage.yaml', 'stages/twice.stage.yaml', 'stages/*.stage.yaml', '**/*.yaml'], {}, undefined, HANG_MS);
    finished(run);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, './stages/twice.stage.yaml:3:1: warning: twice is not a field of Deny Stage: the server ignores it. [twice]\n');
    assert.match(run.stderr, /^1 file checked/m);
  });

  it('expands an absolute glob', BOUNDED, async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'abs.stage.yaml'), warns('abs'));
    const run = await cli(tmpdir(), ['validate', `${dir}/*.stage.yaml`], {}, undefined, HANG_MS);
    finished(run);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `${dir}/abs.stage.yaml:3:1: warning: abs is not a field of Deny Stage: the server ignores it. [abs]\n`);
  });
});

describe('authentik-stages output against hostile servers and files (issue 8, class 9)', () => {
  const EVIL = 'evil\u001b[2J\nforged 00000000-0000-0000-0000-000000000000  authentik_stages_deny.denystage  fake';
  let sandbox: Sandbox;
  let fake: HostileServer;
  let env: Record<string, string>;
  before(async () => {
    sandbox = await startSandbox({ port: 0 });
    fake = await startHostileServer({ upstream: sandbox.url });
    env = { AUTHENTIK_URL: sandbox.url, AUTHENTIK_TOKEN: sandbox.token };
  });
  after(async () => {
    await fake.close();
    await sandbox.close();
  });

  const denyCount = (): number => sandbox.store.listStages(DENY).length;
  const noEscapes = (text: string): void => {
    assert.doesNotMatch(text, /\u001b/);
    assert.doesNotMatch(text, /^forged/m);
  };

  it('list, pull, diff and push print one line per stage for a name holding escapes and a newline', BOUNDED, async () => {
    const evil = sandbox.store.addStage({ model: DENY, name: EVIL });
    const dir = workspace();
    const listed = await cli(dir, ['list', '--model', DENY], env);
    assert.equal(listed.status, 0, listed.stderr);
    noEscapes(listed.stdout);
    assert.equal(listed.stdout.trimEnd().split('\n').length, denyCount());
    assert.ok(listed.stdout.includes(`${evil.pk}  ${DENY}  evil\\x1b[2J\\nforged 00000000-0000-0000-0000-000000000000`), listed.stdout);

    const pulled = await cli(dir, ['pull', '--model', DENY, '--out', 'stages'], env);
    assert.equal(pulled.status, 0, pulled.stderr);
    noEscapes(pulled.stdout);
    const lines = pulled.stdout.trimEnd().split('\n');
    assert.equal(lines.length, denyCount());
    const line = lines.find((l) => l.includes(String(evil.pk)))!;
    assert.match(line, /evil\\x1b\[2J\\nforged /);
    const file = line.split(/\s+/)[1]!;

    const diffed = await cli(dir, ['diff', file], env);
    assert.equal(diffed.status, 0, diffed.stdout + diffed.stderr);
    noEscapes(diffed.stdout);
    assert.equal(diffed.stdout.trimEnd().split('\n').length, 1, diffed.stdout);

    writeFileSync(join(dir, file), readFileSync(join(dir, file), 'utf8').replace(/^deny_message:.*\n/m, '') + 'deny_message: "\\u202eredirected\\u009b2J"\n');
    const changed = await cli(dir, ['diff', file], env);
    assert.equal(changed.status, 1);
    noEscapes(changed.stdout);
    assert.doesNotMatch(changed.stdout, /[\u202e\u009b]/);
    assert.match(changed.stdout, /^ {2}\+ deny_message: "\\u202eredirected\\x9b2J" {3}\(file\)$/m);
    assert.equal(changed.stdout.trimEnd().split('\n').length, 3, changed.stdout);

    const pushed = await cli(dir, ['push', file], env);
    assert.equal(pushed.status, 0, pushed.stderr);
    noEscapes(pushed.stdout);
    assert.equal(pushed.stdout.trimEnd().split('\n').length, 1, pushed.stdout);
    assert.match(pushed.stdout, /^updated +\S+ {2}\S+ authentik_stages_deny\.denystage "?evil\\x1b\[2J\\nforged /);
    assert.equal(sandbox.store.getStage(String(evil.pk))!['name'], EVIL);
  });

  it('a server message with escapes and line breaks, or a non-JSON answer, prints as one escaped line (exit 1)', BOUNDED, async () => {
    fake.route({ method: 'GET', path: '/stages/all/', reply: json({ non_field_errors: ['bad\u001b]0;owned\u0007\nauthentik-stages: all good'] }, 400) });
    try {
      const run = await cli(workspace(), ['list'], { AUTHENTIK_URL: fake.url, AUTHENTIK_TOKEN: sandbox.token });
      const line = oneLineFailure(run);
      assert.equal(run.status, 1);
      assert.ok(line.includes('bad\\x1b]0;owned\\x07\\nauthentik-stages: all good'), line);
      noEscapes(run.stderr);
      fake.route({ method: 'GET', path: '/stages/all/', reply: { kind: 'text', text: '<html>\n\u001b[1mMaintenance</html>' } });
      const html = await cli(workspace(), ['list'], { AUTHENTIK_URL: fake.url, AUTHENTIK_TOKEN: sandbox.token });
      assert.match(oneLineFailure(html), /^authentik-stages: .*127\.0\.0\.1/);
      assert.equal(html.status, 1);
      noEscapes(html.stderr);
    } finally {
      fake.reset();
    }
  });

  it('a push names a pushed file once however often it is named (one create on the server)', BOUNDED, async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'new.stage.yaml'), `model: ${DENY}\nname: cli-pushed-once\n`);
    const run = await cli(dir, ['push', 'new.stage.yaml', './new.stage.yaml', '*.stage.yaml'], env);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trimEnd().split('\n').length, 1, run.stdout);
    assert.match(run.stdout, /^created +new\.stage\.yaml /);
    assert.equal(sandbox.store.listStages(DENY).filter((s) => s['name'] === 'cli-pushed-once').length, 1);
  });

  it('file findings print escaped, the JSON format exact', BOUNDED, async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'odd.stage.yaml'), `model: ${DENY}\nname: odd\n"x\\e[31m\\u202e\\r": 1\n`);
    const text = await cli(dir, ['validate', 'odd.stage.yaml'], {});
    assert.equal(text.status, 0, text.stderr);
    assert.doesNotMatch(text.stdout, /[\u001b\u202e\r]/);
    assert.equal(text.stdout.trimEnd().split('\n').length, 1);
    assert.match(text.stdout, /\[x\\x1b\[31m\\u202e\\r\]$/m);
    const asJson = await cli(dir, ['validate', '--format', 'json', 'odd.stage.yaml'], {});
    const [finding] = JSON.parse(asJson.stdout) as Array<{ field: string }>;
    assert.equal(finding!.field, 'x\u001b[31m\u202e\r');
  });

  it('a connection error prints one line, not the usage text (exit 2); so does a server answering non-JSON', BOUNDED, async () => {
    fake.route({ path: '/admin/version/', reply: json({ detail: 'You must log in: usage of this API needs a session' }, 401) });
    try {
      const refused = await cli(workspace(), ['list'], { AUTHENTIK_URL: fake.url, AUTHENTIK_TOKEN: sandbox.token });
      assert.match(oneLineFailure(refused), /^authentik-stages: cannot reach authentik at /);
      assert.equal(refused.status, 2);
      fake.route({ path: '/admin/version/', reply: { kind: 'text', text: '<html>You must sign in</html>' } });
      const html = await cli(workspace(), ['list'], { AUTHENTIK_URL: fake.url, AUTHENTIK_TOKEN: sandbox.token });
      assert.match(oneLineFailure(html), /^authentik-stages: cannot reach authentik at /);
      assert.equal(html.status, 2);
    } finally {
      fake.reset();
    }
  });

  it('a base that cannot be written (.authentik is a file) is one line naming it (exit 1), no stack', BOUNDED, async () => {
    const dir = workspace();
    writeFileSync(join(dir, '.authentik'), 'not a folder\n');
    const run = await cli(dir, ['pull', '--model', DENY, '--out', 'stages'], env);
    const line = oneLineFailure(run);
    assert.equal(run.status, 1);
    assert.match(line, /^authentik-stages: cannot \S+.*\.authentik.*: (a part of the path is a file, not a folder: move that file|something else is already there: move it) out of the way \((ENOTDIR|EEXIST)\)$/);
  });

  it('a reader closing the pipe early (| head -1) ends the run quietly, without a stack', BOUNDED, async () => {
    const dir = workspace();
    // Output well beyond a pipe's buffer, so writes go on after the reader has gone.
    for (let i = 0; i < 1500; i++) writeFileSync(join(dir, `s${i}.stage.yaml`), warns(`field_${i}_${'x'.repeat(60)}`));
    const child = spawn(process.execPath, [cliModule, 'validate', '*.stage.yaml'], { cwd: dir, env: { PATH: process.env['PATH'] } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const timer = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
    const [status] = (await once(child, 'close')) as [number | null];
    clearTimeout(timer);
    assert.notEqual(status, null, 'the command hung');
    assert.doesNotMatch(stderr, /EPIPE|Unhandled|^\s+at /m, stderr);
  });

  it('--schema that is not YAML, or not OpenAPI, is one line naming the file (exit 2)', BOUNDED, async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'good.stage.yaml'), GOOD);
    writeFileSync(join(dir, 'broken.yml'), 'openapi: [\n');
    writeFileSync(join(dir, 'other.yml'), 'name: not an API\n');
    for (const schema of ['broken.yml', 'other.yml']) {
      const run = await cli(dir, ['validate', '--schema', schema, 'good.stage.yaml'], {});
      assert.match(oneLineFailure(run), new RegExp(`^authentik-stages: cannot load the schema ${schema.replace('.', '\\.')}: .*Pass --schema an authentik OpenAPI document`));
      assert.equal(run.status, 2);
    }
  });
});

describe('printable and describeFailure (issue 8, class 9)', () => {
  it('escapes C0, DEL, C1, line separators and bidi controls visibly, and nothing else', () => {
    assert.equal(printable('a\u001b[2Jb\nc\rd\te\u0000f\u007fg\u009bh'), 'a\\x1b[2Jb\\nc\\rd\\te\\x00f\\x7fg\\x9bh');
    assert.equal(printable('\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u200f'), '\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u2028\\u200f');
    assert.equal(printable('Zürich — 認証 ✓ "quoted" \\ back'), 'Zürich — 認証 ✓ "quoted" \\ back');
  });

  it('an unexpected error is an internal error with a hint, its stack only with AUTHENTIK_STAGES_DEBUG=1', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'pk')");
    const plain = describeFailure(bug, 'Usage: …', {});
    assert.equal(plain.status, EXIT_FINDINGS);
    assert.match(plain.text, /^authentik-stages: internal error: Cannot read properties of undefined \(reading 'pk'\)\nThis is a bug in authentik-stages: please report it/);
    assert.doesNotMatch(plain.text, /\n\s+at /);
    const debug = describeFailure(bug, 'Usage: …', { AUTHENTIK_STAGES_DEBUG: '1' });
    assert.match(debug.text, /\n\s+at /);
    assert.equal(describeFailure(usageError('missing command'), 'Usage: …', {}).text, 'authentik-stages: missing command\n\nUsage: …');
  });
});
