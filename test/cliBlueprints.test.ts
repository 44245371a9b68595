/** `authentik-stages validate` on authentik blueprints, and the sync commands refusing them, run as a user would. */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { cli } from './support/cliRun';
import { corpusDir } from './support/paths';

const UNKNOWN_TAG = `version: 1
metadata:
  name: unknown tag
entries:
  - model: authentik_stages_deny.denystage
    identifiers:
      name: !Lookup deny
`;

const FORWARD_KEYOF = `version: 1
metadata:
  name: forward reference
entries:
  - model: authentik_flows.flowstagebinding
    identifiers:
      target: !KeyOf flow
      stage: !Find [authentik_stages_deny.denystage, [name, forward-deny]]
      order: 10
  - model: authentik_flows.flow
    id: flow
    identifiers:
      slug: forward-flow
    attrs:
      name: Forward
      title: Forward
      designation: authentication
`;

const MUST_CREATED = `version: 1
metadata:
  name: must be created
entries:
  - model: authentik_flows.flow
    state: must_created
    identifiers:
      slug: brand-new-flow
    attrs:
      name: Brand new
      title: Brand new
`;

const COMPOSE = `version: "3.4"
services:
  server:
    image: ghcr.io/goauthentik/server:2026.8
    entries: not a blueprint
`;

const CORPUS_FILE = 'example__flows-enrollment-2-stage.yaml';

interface Problem {
  file: string;
  line: number;
  column: number;
  severity: string;
  message: string;
}

describe('authentik-stages validate with blueprints', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'authentik-stages-blueprints-'));
    mkdirSync(join(dir, 'repo', 'blueprints'), { recursive: true });
    mkdirSync(join(dir, 'repo', 'stages'));
    copyFileSync(join(corpusDir(), CORPUS_FILE), join(dir, 'repo', 'blueprints', CORPUS_FILE));
    writeFileSync(join(dir, 'repo', 'stages', 'deny.stage.yaml'), 'model: authentik_stages_deny.denystage\nname: deny\nnmae: x\n');
    writeFileSync(join(dir, 'repo', 'docker-compose.yaml'), COMPOSE);
    writeFileSync(join(dir, 'repo', 'values.yml'), 'replicas: 2\n');
    mkdirSync(join(dir, 'broken'));
    writeFileSync(join(dir, 'broken', 'tag.yaml'), UNKNOWN_TAG);
    writeFileSync(join(dir, 'broken', 'forward.yml'), FORWARD_KEYOF);
    writeFileSync(join(dir, 'broken', 'created.yaml'), MUST_CREATED);
    mkdirSync(join(dir, 'nothing'));
    writeFileSync(join(dir, 'nothing', 'docker-compose.yaml'), COMPOSE);
  });

  it('a folder: its blueprints and stage files are checked, its other YAML files (docker-compose.yaml) left out silently; a corpus blueprint passes with warnings only', async () => {
    const result = await cli(dir, ['validate', '--format', 'json', 'repo'], {});
    assert.equal(result.status, 0, result.stderr);
    const problems = JSON.parse(result.stdout) as Problem[];
    const files = [...new Set(problems.map((p) => p.file))].sort();
    assert.deepEqual(files, [`repo/blueprints/${CORPUS_FILE}`, 'repo/stages/deny.stage.yaml']);
    const corpus = problems.filter((p) => p.file.endsWith(CORPUS_FILE));
    assert.ok(corpus.length > 0);
    for (const p of corpus) assert.ok(p.severity === 'warning' || p.severity === 'info', `${p.line}:${p.column} ${p.severity}: ${p.message}`);
    assert.equal(result.stderr, '');
    const text = await cli(dir, ['validate', 'repo/'], {});
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stderr, /^2 files checked against authentik \S+: 0 errors, \d+ other findings$/m);
    assert.doesNotMatch(text.stdout + text.stderr, /docker-compose|values\.yml/);
    // A folder with nothing of ours is an argument error (exit 2), never an empty success.
    const nothing = await cli(dir, ['validate', 'nothing'], {});
    assert.equal(nothing.status, 2);
    assert.match(nothing.stderr, /^authentik-stages: nothing is a directory, not a stage file: name a regular file, or a glob such as nothing\/\*\*\/\*\.stage\.yaml$/m);
    assert.equal(nothing.stdout, '');
  });

  it('a broken blueprint fails as a stage file does: exit 1, each error at its line and column', async () => {
    const result = await cli(dir, ['validate', 'broken'], {});
    assert.equal(result.status, 1, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.ok(lines.includes('broken/created.yaml:5:5: error: Missing required field designation of Flow: This field is required. [designation]'), result.stdout);
    assert.ok(lines.some((l) => l.startsWith("broken/tag.yaml:7:13: error: !Lookup is not a blueprint tag: authentik's loader knows only !KeyOf")), result.stdout);
    assert.ok(lines.some((l) => l.startsWith('broken/forward.yml:7:15: error: !KeyOf flow: the entry with this id is entry 2, after this one (1)')), result.stdout);
    assert.match(result.stderr, /^3 files checked against authentik \S+: 3 errors, 0 other findings$/m);
  });
});

describe('push and diff never take a blueprint for a stage file', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'authentik-stages-blueprint-push-'));
    writeFileSync(join(dir, 'flow.yaml'), MUST_CREATED);
    // Named like a stage file, a blueprint by content: the engine reads it as a blueprint, so must push.
    writeFileSync(join(dir, 'odd.stage.yaml'), MUST_CREATED);
    writeFileSync(join(dir, 'deny.stage.yaml'), 'model: authentik_stages_deny.denystage\nname: deny\n');
  });

  for (const command of ['push', 'diff']) {
    it(`${command} refuses a named blueprint before connecting, saying how blueprints are applied`, async () => {
      for (const file of ['flow.yaml', 'odd.stage.yaml']) {
        const result = await cli(dir, [command, file], { AUTHENTIK_URL: 'http://127.0.0.1:9', AUTHENTIK_TOKEN: 'x' });
        assert.equal(result.status, 2, result.stderr);
        assert.match(result.stderr, new RegExp(`^authentik-stages: ${file.replace('.', '\\.')} is an authentik blueprint, not a stage file: ${command} sends stage files to the API, and blueprints are applied by authentik itself: .*blueprints folder.*/api/v3/managed/blueprints/`, 'm'));
        assert.doesNotMatch(result.stderr, /cannot reach/);
      }
    });
  }

  it('a glob matching a blueprint leaves it out with a note and goes on with the stage files', async () => {
    const result = await cli(dir, ['push', '--dry-run', '*.yaml'], { AUTHENTIK_URL: 'http://127.0.0.1:9', AUTHENTIK_TOKEN: 'x' });
    assert.match(result.stderr, /^authentik-stages: skipped flow\.yaml: an authentik blueprint, not a stage file \(push reads stage files only\)$/m);
    assert.match(result.stderr, /^authentik-stages: skipped odd\.stage\.yaml: an authentik blueprint/m);
    // On to the connection with deny.stage.yaml.
    assert.match(result.stderr, /cannot reach authentik at http:\/\/127\.0\.0\.1:9/);
    assert.equal(result.status, 2);
  });
});
