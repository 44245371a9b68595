/**
 * `authentik.files.extraPatterns`: VS Code's glob syntax, matched against a document's file path,
 * and the language server deciding by it which YAML documents are stage files.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { globToRegExp } from '../server/engine/util/glob';
import { documentPath, stageFileTest } from '../server/src/filePatterns';
import { readSettings } from '../server/src/settings';
import { DEFAULT_SETTINGS, SERVER_NODE_FLAGS } from '../server/src/protocol';
import { LspClient } from '../tools/lsp-client/lspClient';
import { serverModule } from './support/paths';
import { textDiagnostics } from './support/stageServer';

const matches = (pattern: string, path: string): boolean => globToRegExp(pattern).test(path);

describe('glob patterns as VS Code reads them', () => {
  it('** is any number of whole segments, none included; * and ? stay within a segment', () => {
    assert.ok(matches('**/authentik/stages/*.yaml', '/home/me/repo/authentik/stages/login.yaml'));
    assert.ok(matches('**/authentik/stages/*.yaml', 'authentik/stages/login.yaml'), '** matches no segment at all');
    assert.ok(!matches('**/authentik/stages/*.yaml', '/home/me/repo/authentik/stages/old/login.yaml'), '* never crosses a /');
    assert.ok(matches('/srv/**/flows/**', '/srv/a/b/flows/x/y.yaml'));
    assert.ok(matches('/srv/**', '/srv/a.yaml'));
    assert.ok(matches('**/stage-?.yaml', '/a/stage-1.yaml'));
    assert.ok(!matches('**/stage-?.yaml', '/a/stage-10.yaml'));
    assert.ok(!matches('stage?yaml', 'stage/yaml'), '? is never a /');
    assert.ok(matches('**/a**b.yaml', '/x/aZZb.yaml'), '** inside a segment is a *');
    assert.ok(!matches('**/a**b.yaml', '/x/a/b.yaml'));
  });

  it('{a,b} alternatives (nested, with globs inside) and [...] classes, negated with ! or ^, never a /', () => {
    assert.ok(matches('**/*.{yaml,yml}', '/a/b.yml'));
    assert.ok(!matches('**/*.{yaml,yml}', '/a/b.json'));
    assert.ok(matches('**/{stages,flows/{login,logout}}/*.yaml', '/r/flows/logout/x.yaml'));
    assert.ok(matches('**/{stage-*,*-stage}.yaml', '/r/login-stage.yaml'));
    assert.ok(matches('**/v[0-9].yaml', '/r/v7.yaml'));
    assert.ok(!matches('**/v[0-9].yaml', '/r/vx.yaml'));
    assert.ok(matches('**/v[!0-9].yaml', '/r/vx.yaml'));
    assert.ok(!matches('**/v[^0-9].yaml', '/r/v1.yaml'));
    assert.ok(!matches('a[/]b', 'a/b'), 'a class never matches the separator');
  });

  it('everything else is itself: dots, parentheses, plus signs, an unclosed brace or bracket', () => {
    assert.ok(matches('**/my (old)+stages.yaml', '/r/my (old)+stages.yaml'));
    assert.ok(!matches('**/a.yaml', '/r/abyaml'));
    assert.ok(matches('**/{a.yaml', '/r/{a.yaml'));
    assert.ok(matches('**/[a.yaml', '/r/[a.yaml'));
    assert.ok(matches('C:\\work\\**\\*.yaml', 'C:/work/x/y.yaml'), 'backslashes in a pattern are separators');
  });

  it('a document is matched by its file path: percent-decoded, any scheme; an invalid pattern matches nothing and spares the others', () => {
    assert.equal(documentPath('file:///home/me/my%20repo/a.yaml'), '/home/me/my repo/a.yaml');
    assert.equal(documentPath('untitled:Untitled-1'), 'Untitled-1');
    assert.equal(documentPath('not a uri'), undefined);
    const test = stageFileTest(['**/authentik/stages/*.yaml', '**/v[z-a].yaml']);
    assert.ok(test('file:///home/me/my%20repo/authentik/stages/login.yaml', 'yaml'));
    assert.ok(!test('file:///home/me/repo/docker-compose.yaml', 'yaml'));
    assert.ok(test('file:///home/me/repo/x.stage.yaml', 'yaml'), 'the .stage. name still counts');
    assert.ok(test('file:///home/me/repo/x.yaml', 'authentik-stage-yaml'), 'and the language');
  });

  it('the setting: a list of text patterns, others dropped; absent, the previous ones stay', () => {
    const read = readSettings({ files: { extraPatterns: ['**/a/*.yaml', 3, '', null, '**/b/*.yml'] } });
    assert.deepEqual(read.files.extraPatterns, ['**/a/*.yaml', '**/b/*.yml']);
    assert.deepEqual(readSettings({ validation: { enable: true } }, read).files.extraPatterns, ['**/a/*.yaml', '**/b/*.yml']);
    assert.deepEqual(readSettings({ files: { extraPatterns: 'x' } }, read).files.extraPatterns, []);
    assert.deepEqual(DEFAULT_SETTINGS.files.extraPatterns, []);
  });
});

describe('the language server and authentik.files.extraPatterns', () => {
  const STAGE = 'model: authentik_stages_email.emailstage\nname: mail\nport: abc\n';
  let client: LspClient;
  before(async () => {
    client = await LspClient.start({ command: process.execPath, args: [...SERVER_NODE_FLAGS, serverModule, '--stdio'], name: 'authentik stage server' });
    client.settings = { authentik: { files: { extraPatterns: ['**/authentik/stages/*.yaml'] } } };
    await client.initialize();
    // The server pulls its settings once initialized, as from VS Code.
    await client.waitForServerRequest('workspace/configuration');
  });
  after(async () => {
    await client.shutdown();
  });

  const open = async (uri: string, text: string, version = 1): Promise<string[]> => {
    const since = client.diagnosticsMarker();
    client.open(uri, 'yaml', text, version);
    const record = await client.waitForDiagnostics(uri, { since, afterVersion: version });
    return textDiagnostics(record.diagnostics).map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);
  };

  it('a yaml document at a path matching a pattern is validated as a stage file; one matching none and no blueprint gets nothing', async () => {
    const inside = await open(`file:///tmp/authentik-patterns-${process.pid}/authentik/stages/mail.yaml`, STAGE);
    assert.ok(inside.some((d) => d.startsWith('3:7 port: A valid integer is required')), inside.join('\n'));
    assert.deepEqual(await open(`file:///tmp/authentik-patterns-${process.pid}/ops/mail.yaml`, STAGE), []);
    assert.deepEqual(await open(`file:///tmp/authentik-patterns-${process.pid}/docker-compose.yaml`, 'services:\n  server:\n    image: ghcr.io/goauthentik/server\n'), []);
  });

  it('a changed setting re-analyses the open documents: what now matches is a stage file, what no longer does gets nothing', async () => {
    const ops = `file:///tmp/authentik-patterns-${process.pid}/ops2/mail.yaml`;
    const stages = `file:///tmp/authentik-patterns-${process.pid}/authentik/stages/mail2.yaml`;
    assert.deepEqual(await open(ops, STAGE), []);
    assert.notDeepEqual(await open(stages, STAGE), []);
    const since = client.diagnosticsMarker();
    client.settings = { authentik: { files: { extraPatterns: ['**/ops2/*.yaml'] } } };
    await client.notify('workspace/didChangeConfiguration', { settings: client.settings });
    const [opsAfter, stagesAfter] = await Promise.all([client.waitForDiagnostics(ops, { since }), client.waitForDiagnostics(stages, { since })]);
    assert.ok(textDiagnostics(opsAfter.diagnostics).some((d) => d.message.startsWith('port: A valid integer is required')));
    assert.deepEqual(stagesAfter.diagnostics, []);
  });
});
