/**
 * What a document is to the extension (stage file, blueprint, anything else) and what that starts:
 * a blueprint is never a stage file — not pushed on save, no code lenses, no push — whatever its
 * name; a plain YAML file starts nothing (no language server process, no connection).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blueprintOf, documentKind, isStage, pushRefusal, type DocumentFacts } from '../client/src/ui/documentKind';
import { StartWhenUsed } from '../client/src/ui/startWhenUsed';

const BLUEPRINT = `version: 1
metadata:
  name: Login
entries:
  - model: authentik_flows.flow
    id: flow
    identifiers:
      slug: login
`;
const STAGE = `model: authentik_stages_password.passwordstage
name: login-password
backends: [authentik.core.auth.InbuiltBackend]
`;
const COMPOSE = `services:
  server:
    image: ghcr.io/goauthentik/server
    environment:
      version: 3
      entries: none
`;

/** A document whose text counts how often it was read (the quick look is taken only when needed). */
function doc(languageId: string, path: string, text: string): DocumentFacts & { reads: number } {
  const facts = {
    languageId,
    path,
    reads: 0,
    text() {
      facts.reads++;
      return text;
    },
  };
  return facts;
}

describe('documentKind', () => {
  it('a YAML file whose top level has version and entries is a blueprint, whatever its name', () => {
    assert.equal(documentKind(doc('yaml', '/w/flows/login.yaml', BLUEPRINT)), 'blueprint');
    assert.equal(documentKind(doc('yaml', '/w/anything.yml', BLUEPRINT)), 'blueprint');
    assert.equal(documentKind(doc('yaml', 'Untitled-1', BLUEPRINT)), 'blueprint');
  });

  it('a blueprint named or marked as a stage file is still a blueprint, not a stage to push', () => {
    const named = doc('authentik-stage-yaml', '/w/login.stage.yaml', BLUEPRINT);
    assert.equal(documentKind(named), 'blueprint');
    assert.equal(isStage(named), false);
    assert.equal(isStage(doc('yaml', '/w/login.stage.yml', BLUEPRINT)), false);
  });

  it('stage files stay stage files: by language mode or name, YAML and JSON', () => {
    assert.equal(documentKind(doc('authentik-stage-yaml', '/w/login.stage.yaml', STAGE)), 'stage');
    assert.equal(documentKind(doc('yaml', '/w/login.stage.yml', STAGE)), 'stage');
    assert.equal(documentKind(doc('authentik-stage-yaml', '/w/renamed.yaml', STAGE)), 'stage');
    assert.equal(isStage(doc('authentik-stage-json', '/w/prompt.stage.json', '{"version": 1, "entries": []}')), true, 'JSON is never a blueprint');
  });

  it('a file matched by authentik.files.extraPatterns is a stage file, as the language server reads the patterns; a blueprint there is still a blueprint', () => {
    const patterns = ['**/authentik/stages/*.{yaml,json}', '[broken'];
    const under = (languageId: string, path: string, text: string): DocumentFacts => ({ ...doc(languageId, path, text), stagePatterns: patterns });
    assert.equal(documentKind(under('yaml', '/w/authentik/stages/password.yaml', STAGE)), 'stage');
    assert.equal(isStage(under('json', 'C:\\w\\authentik\\stages\\prompt.json', '{"model": "authentik_stages_prompt.promptstage"}')), true, 'Windows separators');
    assert.equal(documentKind(under('yaml', '/w/authentik/stages/login-flow.yaml', BLUEPRINT)), 'blueprint');
    assert.equal(documentKind(under('yaml', '/w/authentik/other/password.yaml', STAGE)), 'other');
    assert.equal(documentKind(doc('yaml', '/w/authentik/stages/password.yaml', STAGE)), 'other', 'without the setting');
  });

  it('any other YAML file is nothing of ours: nested version/entries keys are no top level', () => {
    assert.equal(documentKind(doc('yaml', '/w/docker-compose.yaml', COMPOSE)), 'other');
    assert.equal(documentKind(doc('yaml', '/w/only-version.yaml', 'version: 1\nitems: []\n')), 'other');
    assert.equal(documentKind(doc('yaml', '/w/prefix.yaml', 'versions: 1\nentries_x: []\n')), 'other');
    assert.equal(documentKind(doc('markdown', '/w/README.md', BLUEPRINT)), 'other');
  });

  it('decides as the language server does: the line starts say blueprint, the parse must agree', () => {
    // `entries:` starts a line, but of a second YAML document: the first one's top level has no entries key.
    const lookalike = 'version: 1\nname: a stage\n---\nentries: []\n';
    assert.equal(documentKind(doc('yaml', '/w/lookalike.yaml', lookalike)), 'other');
    assert.equal(isStage(doc('yaml', '/w/lookalike.stage.yaml', lookalike)), true);
    const parsed = blueprintOf(doc('authentik-stage-yaml', '/w/login.stage.yaml', BLUEPRINT));
    assert.deepEqual(
      parsed?.entries.map((e) => [e.model, e.id]),
      [['authentik_flows.flow', 'flow']],
    );
    assert.equal(blueprintOf(doc('yaml', '/w/docker-compose.yaml', COMPOSE)), undefined);
  });

  it('reads the text of a file that cannot be a stage only when it asks for the kind, and never for isStage', () => {
    const compose = doc('yaml', '/w/docker-compose.yaml', BLUEPRINT);
    assert.equal(isStage(compose), false);
    assert.equal(compose.reads, 0, 'isStage of a YAML file not named as a stage reads nothing');
    const markdown = doc('markdown', '/w/README.md', BLUEPRINT);
    documentKind(markdown);
    assert.equal(markdown.reads, 0);
  });
});

describe('pushRefusal', () => {
  it('refuses a blueprint, naming the file and saying what to do instead', () => {
    const refusal = pushRefusal('flows/login.stage.yaml', BLUEPRINT);
    assert.ok(refusal);
    assert.match(refusal, /^flows\/login\.stage\.yaml is an authentik blueprint/);
    assert.match(refusal, /not a stage file: push, pull and diff work on stage files/);
    assert.match(refusal, /blueprints folder|Blueprints/);
  });

  it('lets a stage file go ahead', () => {
    assert.equal(pushRefusal('login.stage.yaml', STAGE), undefined);
  });
});

describe('StartWhenUsed', () => {
  function gate(): { gate: StartWhenUsed; starts: string[] } {
    const starts: string[] = [];
    return { gate: new StartWhenUsed((reason) => starts.push(reason)), starts };
  }

  it('a plain YAML file starts nothing; a blueprint opened later starts it once, saying why', () => {
    const { gate: g, starts } = gate();
    g.document(doc('yaml', '/w/docker-compose.yaml', COMPOSE));
    g.document(doc('yaml', '/w/.github/workflows/ci.yml', 'on: push\njobs: {}\n'));
    assert.deepEqual(starts, []);
    assert.equal(g.reason, undefined);
    g.document(doc('yaml', '/w/flows/login.yaml', BLUEPRINT));
    g.document(doc('authentik-stage-yaml', '/w/login.stage.yaml', STAGE));
    assert.deepEqual(starts, ['/w/flows/login.yaml is an authentik blueprint']);
    assert.equal(g.reason, starts[0]);
  });

  it('a file of the user’s stage patterns starts it', () => {
    const { gate: g, starts } = gate();
    g.document({ ...doc('yaml', '/w/authentik/stages/password.yaml', STAGE), stagePatterns: ['**/authentik/stages/*.yaml'] });
    assert.deepEqual(starts, ['/w/authentik/stages/password.yaml is a stage file']);
  });

  it('a stage file, the Stages view or an added server starts it too', () => {
    const stage = gate();
    stage.gate.document(doc('authentik-stage-json', '/w/prompt.stage.json', '{}'));
    assert.deepEqual(stage.starts, ['/w/prompt.stage.json is a stage file']);
    const view = gate();
    view.gate.need('the Stages view is shown');
    view.gate.need('a server was added');
    assert.deepEqual(view.starts, ['the Stages view is shown']);
  });

  it('once started, reads no more documents', () => {
    const { gate: g } = gate();
    g.need('the workspace holds stage files');
    const later = doc('yaml', '/w/flows/login.yaml', BLUEPRINT);
    g.document(later);
    assert.equal(later.reads, 0);
  });
});
