/** Blueprints over LSP: opened as plain `yaml` under any name, diagnosed with exact ranges; other YAML gets nothing. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LspClient } from '../tools/lsp-client/lspClient';
import { rangeOf, startStageServer, textDiagnostics, type TextDiagnostic } from './support/stageServer';

let counter = 0;
function yamlUri(name: string): string {
  return `file:///tmp/authentik-blueprint-tests/${process.pid}-${++counter}/${name}`;
}

async function open(client: LspClient, name: string, text: string): Promise<{ uri: string; diagnostics: TextDiagnostic[] }> {
  const uri = yamlUri(name);
  const since = client.diagnosticsMarker();
  client.open(uri, 'yaml', text, 1);
  const record = await client.waitForDiagnostics(uri, { since, afterVersion: 1 });
  return { uri, diagnostics: textDiagnostics(record.diagnostics) };
}

const BLUEPRINT = `version: 1
metadata:
  name: login
entries:
  - model: authentik_flows.flowstagebinding
    identifiers:
      target: !KeyOf flow
      stage: !KeyOf password
      order: 10
  - model: authentik_flows.flow
    id: flow
    identifiers:
      slug: login
    attrs:
      name: Login
      title: !Fromat ["%s", x]
      designation: authentication
  - model: authentik_stages_password.passwordstage
    id: password
    state: must_created
    identifiers:
      name: login-password
`;

describe('blueprints over LSP', () => {
  let client: LspClient;
  before(async () => {
    client = await startStageServer();
  });
  after(async () => {
    await client.shutdown();
  });

  it('a blueprint under its own name gets diagnostics with exact ranges', async () => {
    const { diagnostics } = await open(client, 'flows/login.yaml', BLUEPRINT);
    const summary = diagnostics.map((d) => ({ severity: d.severity, range: d.range, code: d.code, start: d.message.slice(0, 40) }));
    assert.deepEqual(summary, [
      { severity: 1, range: rangeOf(BLUEPRINT, '!KeyOf flow'), code: 'key-of', start: '!KeyOf flow: the entry with this id is e' },
      { severity: 1, range: rangeOf(BLUEPRINT, '!KeyOf password'), code: 'key-of', start: '!KeyOf password: the entry with this id ' },
      { severity: 1, range: rangeOf(BLUEPRINT, '!Fromat ["%s", x]'), code: 'tag', start: diagnostics[2]!.message.slice(0, 40) },
      { severity: 1, range: rangeOf(BLUEPRINT, 'model', 2), code: 'required', start: 'Missing required field backends of Passw' },
    ]);
    assert.match(diagnostics[2]!.message, /!Fromat/);
    assert.match(diagnostics[2]!.message, /!Format/, 'the closest tag is named');
  });

  it('an edit is diagnosed again: the entries put in order, the !KeyOf errors go', async () => {
    const { uri } = await open(client, 'login.yaml', BLUEPRINT);
    const [header, binding, ...rest] = BLUEPRINT.split(/(?= {2}- model: )/);
    const reordered = `${header}${rest.join('')}${binding}`;
    const since = client.diagnosticsMarker();
    client.change(uri, 2, [{ text: reordered }]);
    const record = await client.waitForDiagnostics(uri, { since, afterVersion: 2 });
    const after = textDiagnostics(record.diagnostics);
    assert.deepEqual(after.filter((d) => d.code === 'key-of'), []);
    assert.equal(after.filter((d) => d.code === 'tag').length, 1, 'the other problems stay');
  });

  it('other YAML files get nothing: a compose file, a Helm values file, a YAML with version but no entries', async () => {
    for (const [name, text] of [
      ['docker-compose.yaml', 'services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n'],
      ['values.yaml', 'replicaCount: 1\nimage:\n  tag: !Unknown x\n'],
      ['config.yaml', 'version: 1\nname: x\n'],
    ] as const) {
      const { diagnostics } = await open(client, name, text);
      assert.deepEqual(diagnostics, [], name);
    }
  });

  it('a stage file is still a stage file, and a blueprint named .stage.yaml a blueprint', async () => {
    const { diagnostics } = await open(client, 'x.stage.yaml', BLUEPRINT);
    assert.equal(diagnostics.filter((d) => d.code === 'key-of').length, 2);
  });
});
