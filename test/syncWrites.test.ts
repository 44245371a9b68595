/**
 * Never lose: what a server says about a stage is checked before it names a file (issue 8 class
 * 2), bases follow the file (3), files are rewritten atomically (4) and never over an edit saved
 * meanwhile (5), byte-order marks are kept (10). Through the command line and the sync engine,
 * against the sandbox behind the hostile fake authentik.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AuthentikClient } from '../client/src/api/authentikClient';
import { BaseStore, serverKey } from '../client/src/sync/baseStore';
import { engineValidator } from '../client/src/sync/validator';
import { pushFile } from '../client/src/sync/push';
import { SchemaCatalog } from '../server/engine/schema/catalog';
import { startSandbox, type Sandbox } from '../tools/sandbox/server';
import { runCli, type CliRunOptions } from './support/cliRun';
import { json, page, startHostileServer, type HostileServer } from './support/hostileServer';
import { schemaDir } from './support/paths';

const DENY = 'authentik_stages_deny.denystage';
const BOM = '\uFEFF';

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('sync writes against a hostile server, failing disks and concurrent edits', () => {
  let sandbox: Sandbox;
  let hostile: HostileServer;
  let env: Record<string, string>;
  let dir: string;
  before(async () => {
    sandbox = await startSandbox({ port: 0 });
    hostile = await startHostileServer({ upstream: sandbox.url });
    env = { AUTHENTIK_URL: hostile.url, AUTHENTIK_TOKEN: sandbox.token };
  });
  after(async () => {
    await hostile.close();
    await sandbox.close();
  });
  beforeEach(() => {
    hostile.reset();
    dir = mkdtempSync(join(tmpdir(), 'authentik-writes-'));
  });

  const cli = (args: string[], options: CliRunOptions = {}) => runCli(dir, args, env, options);
  const basePath = (pk: string): string => join(dir, '.authentik', 'bases', serverKey(hostile.url), `${pk}.json`);
  /** The stage as the API sends it. */
  const apiStage = async (apiPath: string, pk: string): Promise<Record<string, unknown>> =>
    (await (await fetch(`${sandbox.url}/api/v3${apiPath}${pk}/`, { headers: { Authorization: `Bearer ${sandbox.token}` } })).json()) as Record<string, unknown>;
  const noCrash = (stderr: string): void => {
    assert.doesNotMatch(stderr, /unexpected error|TypeError|\n\s+at /);
  };

  describe('class 2: pks and names from the server', () => {
    it('pull --model: crafted and non-string pks are refused with the server, endpoint and field named; nothing outside --out', async () => {
      const good = sandbox.store.addStage({ model: DENY, name: 'writes-good' });
      const real = await apiStage('/stages/deny/', good.pk);
      hostile.route({
        method: 'GET',
        path: '/stages/deny/',
        reply: page([
          { ...real, pk: '../../../tmp/evil', name: 'evil' },
          { ...real, pk: 42, name: 'n42' },
          { ...real, pk: null, name: 'nnull' },
          { ...real, pk: { x: 1 }, name: 'nobj' },
          { ...real, pk: 'a/b', name: 'ab' },
          { ...real, pk: '5d0c2b8e-1111-4c1e-9e1a-0123456789ab', name: 7 },
          42,
          real,
        ]),
      });
      const result = await cli(['pull', '--model', DENY, '--out', 'out']);
      noCrash(result.stderr);
      assert.equal(result.status, 1, result.stderr);
      for (const shown of ['"../../../tmp/evil"', '42', 'null', '{"x":1}', '"a/b"']) {
        assert.ok(result.stderr.includes(`the server ${hostile.url} sent pk ${shown} for a stage of /stages/deny/: not a UUID; nothing was written for it.`), `${shown}:\n${result.stderr}`);
      }
      assert.match(result.stderr, /sent name 7 for the stage 5d0c2b8e-1111-4c1e-9e1a-0123456789ab of \/stages\/deny\/: not a string/);
      assert.match(result.stderr, /sent 42 for a stage of \/stages\/deny\/: not an object/);
      // The one good stage is still pulled; nothing else is written anywhere.
      assert.deepEqual(filesUnder(join(dir, 'out')), ['writes-good.stage.yaml']);
      assert.deepEqual(filesUnder(dir).filter((f) => !f.startsWith('out/') && !f.startsWith('.authentik/')), []);
      assert.deepEqual(readdirSync(join(dir, '.authentik', 'bases', serverKey(hostile.url))), [`${good.pk}.json`]);
      assert.ok(!existsSync('/tmp/evil.stage.yaml') && !existsSync(join(dir, '..', 'evil.stage.yaml')));
    });

    it('pull by pk: a pk the server changes, a model that is not a string and a pk that is not a UUID are errors; the other pks are pulled', async () => {
      const lied = sandbox.store.addStage({ model: DENY, name: 'writes-lied' });
      const odd = sandbox.store.addStage({ model: DENY, name: 'writes-odd' });
      const fine = sandbox.store.addStage({ model: DENY, name: 'writes-fine' });
      const real = await apiStage('/stages/deny/', lied.pk);
      hostile.route(
        { method: 'GET', path: `/stages/deny/${lied.pk}/`, reply: json({ ...real, pk: '../../x' }) },
        { method: 'GET', path: `/stages/all/${odd.pk}/`, reply: json({ ...real, pk: odd.pk, meta_model_name: 42 }) },
      );
      const result = await cli(['pull', lied.pk, odd.pk, '../../y', fine.pk, '--out', 'out']);
      noCrash(result.stderr);
      assert.equal(result.status, 1, result.stderr);
      assert.ok(result.stderr.includes(`the server ${hostile.url} sent pk "../../x" for a stage of /stages/deny/: not a UUID; nothing was written.`), result.stderr);
      assert.ok(result.stderr.includes(`the server ${hostile.url} sent meta_model_name 42 for the stage ${odd.pk} of /stages/all/: not a string; nothing was written.`), result.stderr);
      assert.match(result.stderr, /"\.\.\/\.\.\/y" is not a stage's pk/);
      assert.deepEqual(filesUnder(join(dir, 'out')), ['writes-fine.stage.yaml']);
    });

    it('pull --all: a type whose list holds a stage without a pk is reported; every other stage is pulled', async () => {
      hostile.route({ method: 'GET', path: '/stages/dummy/', reply: page([{ name: 'no-pk', pk: null }]) });
      const result = await cli(['pull', '--all', '--out', 'out']);
      noCrash(result.stderr);
      assert.equal(result.status, 1, result.stderr);
      assert.ok(result.stderr.includes(`the server ${hostile.url} sent pk null for a stage of /stages/dummy/: not a UUID`), result.stderr);
      assert.ok(filesUnder(join(dir, 'out')).length > 10);
    });

    it('push: a created stage answered with a crafted pk writes nothing into the file and no base', async () => {
      const text = 'model: authentik_stages_deny.denystage\nname: writes-crafted-create\n';
      writeFileSync(join(dir, 'c.stage.yaml'), text);
      hostile.route({ method: 'POST', path: '/stages/deny/', reply: json({ pk: '../../../evil', name: 'writes-crafted-create' }, 201) });
      const result = await cli(['push', 'c.stage.yaml']);
      noCrash(result.stderr);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /^c\.stage\.yaml:1:1: error: .*sent pk "\.\.\/\.\.\/\.\.\/evil" for a stage of \/stages\/deny\/: not a UUID; nothing was written into the file/m);
      assert.equal(readFileSync(join(dir, 'c.stage.yaml'), 'utf8'), text);
      assert.ok(!existsSync(join(dir, '.authentik', 'bases')) || filesUnder(join(dir, '.authentik', 'bases')).length === 0);
    });
  });

  describe('classes 3 and 4: failed writes leave the old bytes, and the base agrees with the file', () => {
    it('a read-only file is not rewritten after a PUT that took a colleague\'s change, and the next push does not revert that change', async () => {
      // As root, file modes stop nobody: run as an ordinary user (when it can run the CLI here) so
      // the mode is enforced by the system too, not only by the program's own check.
      const nobody = { user: { uid: 65534, gid: 65534 } };
      const user = process.getuid?.() === 0 && (await cli(['--help'], nobody)).status === 0 ? nobody : {};
      chmodSync(dir, 0o777);
      const stage = sandbox.store.addStage({ model: DENY, name: 'writes-ro', deny_message: 'one' });
      assert.equal((await cli(['pull', stage.pk, '--out', '.'], user)).status, 0);
      const file = join(dir, 'writes-ro.stage.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('name: writes-ro', 'name: writes-ro-renamed'));
      sandbox.store.updateStage(stage.pk, { deny_message: 'colleague' });
      chmodSync(file, 0o444);
      const before = readFileSync(file);
      const baseBefore = readFileSync(basePath(stage.pk));

      const pushed = await cli(['push', 'writes-ro.stage.yaml'], user);
      noCrash(pushed.stderr);
      assert.equal(pushed.status, 1, pushed.stderr);
      assert.match(pushed.stderr, /writes-ro\.stage\.yaml:\d+:\d+: error: .*is read-only \(it has no write permission\), so it was not rewritten/);
      assert.deepEqual(readFileSync(file), before, 'the file keeps its bytes');
      assert.equal(statSync(file).mode & 0o777, 0o444);
      assert.deepEqual(readFileSync(basePath(stage.pk)), baseBefore, 'the base still agrees with the file');
      assert.equal(sandbox.store.getStage(stage.pk)!['name'], 'writes-ro-renamed');

      chmodSync(file, 0o644);
      const again = await cli(['push', 'writes-ro.stage.yaml'], user);
      assert.equal(again.status, 0, again.stderr);
      assert.equal(sandbox.store.getStage(stage.pk)!['deny_message'], 'colleague', "the colleague's change survives");
      assert.match(readFileSync(file, 'utf8'), /deny_message: colleague/);
      const base = JSON.parse(readFileSync(basePath(stage.pk), 'utf8')) as { fields: Record<string, unknown> };
      assert.equal(base.fields['deny_message'], 'colleague');
      assert.equal(base.fields['name'], 'writes-ro-renamed');
    });

    it('a full disk (file-size limit) during the rewrite after a create: the file keeps its bytes, the new pk is told, no base', async () => {
      const padding = `${'# a comment long enough that the file does not fit in the size limit\n'.repeat(12)}`;
      const text = `model: ${DENY}\nname: writes-full-disk\n${padding}`;
      writeFileSync(join(dir, 'full.stage.yaml'), text);
      // Connection state (sync folder, schema cache) first, so only the stage file's write hits the limit.
      assert.equal((await cli(['list', '--model', DENY])).status, 0);
      const result = await cli(['push', 'full.stage.yaml'], { fileSizeLimitBlocks: 1 });
      noCrash(result.stderr);
      assert.equal(result.status, 1, result.stderr);
      const created = sandbox.store.findStageByName('writes-full-disk');
      assert.ok(created, 'the server created it');
      assert.equal(readFileSync(join(dir, 'full.stage.yaml'), 'utf8'), text);
      assert.ok(result.stderr.includes(`was created on the server with pk ${created.pk}, but`), result.stderr);
      assert.match(result.stderr, /the disk is full or the file is over the size limit/);
      assert.ok(result.stderr.includes(`Add \`pk: ${created.pk}\` to this document (or pull ${created.pk})`), result.stderr);
      assert.ok(!existsSync(basePath(created.pk)));
      assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'no temp file left');
    });

    it('a process killed between the request and the write leaves the file and its base as they were', async () => {
      const stage = sandbox.store.addStage({ model: DENY, name: 'writes-killed', deny_message: 'one' });
      assert.equal((await cli(['pull', stage.pk, '--out', '.'])).status, 0);
      const file = join(dir, 'writes-killed.stage.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('deny_message: one', 'deny_message: edited'));
      sandbox.store.updateStage(stage.pk, { name: 'writes-killed-remote' });
      const before = readFileSync(file);
      const baseBefore = readFileSync(basePath(stage.pk));
      let child: ChildProcess | undefined;
      hostile.route({
        method: 'PUT',
        path: `/stages/deny/${stage.pk}/`,
        reply: async () => {
          const exited = new Promise((resolve) => child!.once('exit', resolve));
          child!.kill('SIGKILL');
          await exited;
          return { kind: 'pass' };
        },
      });
      const killed = await cli(['push', 'writes-killed.stage.yaml'], { onSpawn: (c) => (child = c) });
      assert.equal(killed.signal, 'SIGKILL');
      assert.deepEqual(readFileSync(file), before);
      assert.deepEqual(readFileSync(basePath(stage.pk)), baseBefore);
      assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), []);
      hostile.reset();
      const again = await cli(['push', 'writes-killed.stage.yaml']);
      assert.equal(again.status, 0, again.stderr);
      assert.equal(sandbox.store.getStage(stage.pk)!['name'], 'writes-killed-remote');
      assert.equal(sandbox.store.getStage(stage.pk)!['deny_message'], 'edited');
    });
  });

  describe('class 5: an edit saved while a push is in flight', () => {
    it('is kept: the push does not rewrite the file and says so (create: with the new pk; update: with what the file misses)', async () => {
      const file = join(dir, 'busy.stage.yaml');
      writeFileSync(file, `model: ${DENY}\nname: writes-busy\n`);
      const saved = `model: ${DENY}\nname: writes-busy\ndeny_message: saved meanwhile\n`;
      hostile.route({
        method: 'POST',
        path: '/stages/deny/',
        reply: () => {
          writeFileSync(file, saved);
          return { kind: 'pass' };
        },
      });
      const created = await cli(['push', 'busy.stage.yaml']);
      noCrash(created.stderr);
      assert.equal(created.status, 1, created.stderr);
      assert.equal(readFileSync(file, 'utf8'), saved);
      const stage = sandbox.store.findStageByName('writes-busy')!;
      assert.ok(created.stderr.includes(`changed on disk while this ran, so it was not rewritten: the newer text is kept. Add \`pk: ${stage.pk}\``), created.stderr);

      // An update that takes a server change into the file, with a save during the PUT.
      writeFileSync(file, `${saved.replace('name: writes-busy', `pk: ${stage.pk}\nname: writes-busy`)}`);
      assert.equal((await cli(['pull', stage.pk, '--out', '.'])).status, 0);
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^deny_message:.*$/m, 'deny_message: second'));
      sandbox.store.updateStage(stage.pk, { name: 'writes-busy-remote' });
      const savedAgain = readFileSync(file, 'utf8').replace('deny_message: second', 'deny_message: third');
      hostile.route({
        method: 'PUT',
        path: `/stages/deny/${stage.pk}/`,
        reply: () => {
          writeFileSync(file, savedAgain);
          return { kind: 'pass' };
        },
      });
      const baseBefore = readFileSync(basePath(stage.pk));
      const updated = await cli(['push', 'busy.stage.yaml']);
      assert.equal(updated.status, 1, updated.stderr + updated.stdout);
      assert.equal(readFileSync(file, 'utf8'), savedAgain);
      assert.match(updated.stderr, /changed on disk while this ran, so it was not rewritten: the newer text is kept\. The next push or pull takes the server's values into the file/);
      assert.deepEqual(readFileSync(basePath(stage.pk)), baseBefore);
      // A later run knows nothing of the first push: the field sent then and changed since is a conflict, nothing is overwritten.
      hostile.reset();
      const later = await cli(['push', 'busy.stage.yaml']);
      assert.equal(later.status, 1);
      assert.match(later.stderr, /deny_message: changed on the server \("" → "second"\) and in the file \(→ "third"\)/);
      assert.equal(sandbox.store.getStage(stage.pk)!['deny_message'], 'second');
      assert.equal(readFileSync(file, 'utf8'), savedAgain);
    });

    it('push-on-save: the next push of the newer save updates the stage the first one created, and writes its pk', async () => {
      const catalog = SchemaCatalog.fromDirectory(schemaDir);
      const client = new AuthentikClient({ baseUrl: hostile.url, token: sandbox.token });
      const bases = new BaseStore(dir, hostile.url);
      const file = join(dir, 'saved.stage.yaml');
      writeFileSync(file, `model: ${DENY}\nname: writes-saved\ndeny_message: first save\n`);
      const second = `model: ${DENY}\nname: writes-saved\ndeny_message: second save\n`;
      hostile.route({
        method: 'POST',
        path: '/stages/deny/',
        reply: () => {
          writeFileSync(file, second);
          return { kind: 'pass' };
        },
      });
      const first = await pushFile(file, { api: client, catalog, validate: engineValidator(catalog), bases, env: {} });
      assert.equal(first.outcomes[0]!.status, 'created');
      assert.equal(first.rewritten, false);
      assert.match(first.writeError ?? '', /changed on disk/);
      assert.equal(readFileSync(file, 'utf8'), second);
      const pk = first.outcomes[0]!.pk!;
      assert.ok(!existsSync(basePath(pk)), 'no base on disk for a file that does not show the push');
      hostile.reset();
      const again = await pushFile(file, { api: client, catalog, validate: engineValidator(catalog), bases, env: {}, adopt: first.unwritten });
      assert.deepEqual(again.problems, []);
      assert.deepEqual(
        again.outcomes.map((o) => o.status),
        ['updated'],
      );
      assert.deepEqual(again.unwritten, []);
      assert.equal(sandbox.store.listStages(DENY).filter((s) => s['name'] === 'writes-saved').length, 1, 'created once');
      assert.equal(sandbox.store.getStage(pk)!['deny_message'], 'second save');
      assert.equal(readFileSync(file, 'utf8'), `model: ${DENY}\npk: ${pk}\nname: writes-saved\ndeny_message: second save\n`);
      assert.ok(existsSync(basePath(pk)));

      // An update taking a colleague's change into the file, saved again during the PUT.
      sandbox.store.updateStage(pk, { name: 'writes-saved-colleague' });
      writeFileSync(file, readFileSync(file, 'utf8').replace('second save', 'third save'));
      const fourth = readFileSync(file, 'utf8').replace('third save', 'fourth save');
      hostile.route({
        method: 'PUT',
        path: `/stages/deny/${pk}/`,
        reply: () => {
          writeFileSync(file, fourth);
          return { kind: 'pass' };
        },
      });
      const third = await pushFile(file, { api: client, catalog, validate: engineValidator(catalog), bases, env: {} });
      assert.deepEqual(third.outcomes.map((o) => o.status), ['updated']);
      assert.equal(readFileSync(file, 'utf8'), fourth);
      assert.equal(third.unwritten.length, 1);
      hostile.reset();
      const last = await pushFile(file, { api: client, catalog, validate: engineValidator(catalog), bases, env: {}, adopt: third.unwritten });
      client.close();
      assert.deepEqual(last.problems, []);
      assert.deepEqual(last.outcomes.map((o) => o.status), ['updated']);
      assert.deepEqual(last.unwritten, []);
      assert.equal(sandbox.store.getStage(pk)!['deny_message'], 'fourth save', 'the server holds the latest save');
      assert.equal(sandbox.store.getStage(pk)!['name'], 'writes-saved-colleague', "and the colleague's change");
      assert.equal(readFileSync(file, 'utf8'), fourth.replace('name: writes-saved', 'name: writes-saved-colleague'));
    });
  });

  describe('class 10: byte-order marks', () => {
    it('validate reports line-1 positions exactly, in YAML and JSON', async () => {
      writeFileSync(join(dir, 'bom.stage.yaml'), `${BOM}port: abc\nmodel: authentik_stages_email.emailstage\nname: bom-yaml\n`);
      const jsonText = '{"port": "abc", "model": "authentik_stages_email.emailstage", "name": "bom-json"}\n';
      writeFileSync(join(dir, 'bom.stage.json'), `${BOM}${jsonText}`);
      const result = await cli(['validate', 'bom.stage.yaml', 'bom.stage.json']);
      assert.equal(result.status, 1);
      assert.match(result.stdout, /^bom\.stage\.yaml:1:7: error: port: A valid integer is required/m);
      assert.match(result.stdout, new RegExp(`^bom\\.stage\\.json:1:${jsonText.indexOf('"abc"') + 1}: error: port: A valid integer is required`, 'm'));
      assert.equal(result.stdout.split('\n').filter(Boolean).length, 2, result.stdout);
    });

    it('push works on files with a BOM, reports line-1 positions exactly, and the rewrite keeps the BOM', async () => {
      writeFileSync(join(dir, 'bad.stage.yaml'), `${BOM}port: abc\nmodel: authentik_stages_email.emailstage\nname: bom-bad\n`);
      const bad = await cli(['push', 'bad.stage.yaml']);
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /^bad\.stage\.yaml:1:7: error: port: A valid integer is required/m);

      writeFileSync(join(dir, 'new.stage.yaml'), `${BOM}model: ${DENY}\nname: bom-new-yaml\n`);
      writeFileSync(join(dir, 'new.stage.json'), `${BOM}{\n  "model": "${DENY}",\n  "name": "bom-new-json"\n}\n`);
      const pushed = await cli(['push', 'new.stage.yaml', 'new.stage.json']);
      assert.equal(pushed.status, 0, pushed.stderr);
      const yamlPk = sandbox.store.findStageByName('bom-new-yaml')!.pk;
      const jsonPk = sandbox.store.findStageByName('bom-new-json')!.pk;
      assert.equal(readFileSync(join(dir, 'new.stage.yaml'), 'utf8'), `${BOM}model: ${DENY}\npk: ${yamlPk}\nname: bom-new-yaml\n`);
      const jsonFile = readFileSync(join(dir, 'new.stage.json'), 'utf8');
      assert.ok(jsonFile.startsWith(BOM));
      assert.equal((JSON.parse(jsonFile.slice(1)) as Record<string, unknown>)['pk'], jsonPk);
      // Pulled again, in place: the BOM stays.
      sandbox.store.updateStage(yamlPk, { deny_message: 'from the server' });
      assert.equal((await cli(['pull', yamlPk, '--out', '.'])).status, 0);
      assert.match(readFileSync(join(dir, 'new.stage.yaml'), 'utf8'), new RegExp(`^${BOM}model: [\\s\\S]*deny_message: from the server`));
    });
  });
});
