/**
 * authentik blueprints in a real VS Code, told by their content: flows/login.yaml (no `.stage.` in
 * its name, language mode YAML) gets the language server's diagnostics, completion
 * and navigation; any other YAML file gets nothing from us; and saving a blueprint with
 * push-on-save on pushes nothing, also when it is named like a stage file.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { AuthentikStagesApi } from '../../../client/src/extension';
import { describeDiagnostics, EXTENSION_ID, pollFor, waitFor, workspaceFile } from './helpers';

/** A login flow with two mistakes authentik's importer stops at: an id no entry has, a tag it does not know. */
const LOGIN_BLUEPRINT = `version: 1
metadata:
  name: e2e - Login flow
entries:
  - model: authentik_flows.flow
    id: flow
    identifiers:
      slug: e2e-login
    attrs:
      name: e2e login
      title: Welcome!
      designation: authentication
  - model: authentik_stages_identification.identificationstage
    id: identification
    identifiers:
      name: e2e-login-identification
    attrs:
      user_fields: [username, email]
  - model: authentik_stages_password.passwordstage
    id: password
    identifiers:
      name: e2e-login-password
    attrs:
      backends:
        - authentik.core.auth.InbuiltBackend
  - model: authentik_stages_user_login.userloginstage
    id: login
    identifiers:
      name: e2e-login-login
  - model: authentik_flows.flowstagebinding
    identifiers:
      target: !KeyOf flow
      stage: !KeyOf identification
      order: 10
  - model: authentik_flows.flowstagebinding
    identifiers:
      target: !KeyOf flow
      stage: !KeyOf pasword
      order: 20
  - model: authentik_flows.flowstagebinding
    identifiers:
      target: !Foo flow
      stage: !KeyOf login
      order: 100
`;

function writeWorkspaceFile(written: string[], path: string, text: string): string {
  const file = workspaceFile(...path.split('/')).fsPath;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  written.push(file);
  return file;
}

/** Our diagnostics (source `authentik`), not another extension's. */
function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'authentik');
}

function lineOf(document: vscode.TextDocument, text: string): number {
  const line = document.getText().split('\n').findIndex((l) => l.includes(text));
  assert.ok(line >= 0, `${vscode.workspace.asRelativePath(document.uri)} has a line with "${text}"`);
  return line;
}

async function errorOn(document: vscode.TextDocument, line: number, what: string): Promise<vscode.Diagnostic> {
  return waitFor(`an error on line ${line + 1} (${what})`, () => ours(document.uri).find((d) => d.severity === vscode.DiagnosticSeverity.Error && d.range.start.line === line), {
    events: [vscode.languages.onDidChangeDiagnostics],
    describe: () => describeDiagnostics(document.uri),
    timeoutMs: 20_000,
  });
}

function labels(list: vscode.CompletionList | undefined): string[] {
  return (list?.items ?? []).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

/** Completion at `position`, asked again until `wanted` is among the labels (the server may still be starting). */
async function completionWith(uri: vscode.Uri, position: vscode.Position, wanted: string): Promise<string[]> {
  let seen: string[] = [];
  await pollFor(
    `completion offering ${wanted}`,
    async () => {
      seen = labels(await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position));
      return seen.some((l) => l.includes(wanted));
    },
    { describe: () => seen.slice(0, 30).join(', ') || 'no items' },
  );
  return seen;
}

/** Appends `text` at the end of the editor's document; returns the position at the end of its last line. */
async function append(editor: vscode.TextEditor, text: string): Promise<vscode.Position> {
  const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
  const prefix = editor.document.lineAt(end.line).text === '' ? '' : '\n';
  await editor.edit((edit) => edit.insert(end, `${prefix}${text}`));
  const last = editor.document.lineCount - 1;
  return editor.document.lineAt(last).range.end;
}

describe('blueprints, told by their content', () => {
  let api: AuthentikStagesApi;
  let blueprint: vscode.TextDocument;
  const written: string[] = [];

  before(async () => {
    // The window's settings turn VS Code's word completion off (lib/codeServer.ts): else the ids and
    // model names written in the file would be offered without the language server.
    assert.equal(vscode.workspace.getConfiguration('editor').get('wordBasedSuggestions'), 'off');
    api = (await vscode.extensions.getExtension<AuthentikStagesApi>(EXTENSION_ID)!.activate()) as AuthentikStagesApi;
    blueprint = await vscode.workspace.openTextDocument(writeWorkspaceFile(written, 'flows/login.yaml', LOGIN_BLUEPRINT));
    await vscode.window.showTextDocument(blueprint);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('authentik').update('pushOnSave', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const path of written) rmSync(path, { force: true });
    rmSync(workspaceFile('flows').fsPath, { recursive: true, force: true });
  });

  it('opens flows/login.yaml in the YAML language mode: no renaming, no language of ours', () => {
    assert.equal(blueprint.languageId, 'yaml');
  });

  it('reports a !KeyOf naming an id no entry has as an error on its line', async () => {
    const line = lineOf(blueprint, '!KeyOf pasword');
    const error = await errorOn(blueprint, line, '!KeyOf pasword');
    assert.match(error.message, /pasword/, `the message names the id: ${error.message}`);
  });

  it('reports a tag authentik’s loader does not have as an error on its line', async () => {
    const line = lineOf(blueprint, '!Foo flow');
    const error = await errorOn(blueprint, line, '!Foo');
    assert.match(error.message, /!Foo\b/, `the message names the tag: ${error.message}`);
  });

  it('completes models after `model: ` in a new entry', async () => {
    const editor = await vscode.window.showTextDocument(blueprint);
    try {
      const at = await append(editor, '  - model: ');
      const offered = await completionWith(blueprint.uri, at, 'authentik_stages_password.passwordstage');
      assert.ok(offered.some((l) => l.includes('authentik_flows.flow')), `flows are models too: ${offered.slice(0, 30).join(', ')}`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('completes !KeyOf with the ids of the entries before it', async () => {
    const editor = await vscode.window.showTextDocument(blueprint);
    try {
      const at = await append(editor, '  - model: authentik_flows.flowstagebinding\n    identifiers:\n      target: !KeyOf ');
      const offered = await completionWith(blueprint.uri, at, 'identification');
      for (const id of ['flow', 'password', 'login']) assert.ok(offered.includes(id), `${id} is offered: ${offered.join(', ')}`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('goes from a !KeyOf to the entry whose id it names', async () => {
    const line = lineOf(blueprint, 'stage: !KeyOf identification');
    const position = new vscode.Position(line, blueprint.lineAt(line).text.indexOf('identification') + 3);
    const target = lineOf(blueprint, 'id: identification');
    const locations = await pollFor('a definition', async () => {
      const found = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>('vscode.executeDefinitionProvider', blueprint.uri, position);
      return found?.length ? found : undefined;
    });
    const first = locations[0]!;
    const range = 'targetUri' in first ? (first.targetSelectionRange ?? first.targetRange) : first.range;
    assert.equal(range.start.line, target, `the definition is the entry's id line ${target + 1}`);
  });

  it('gives any other YAML file nothing: no diagnostics, no symbols, no hover', async () => {
    // Not docker-compose.yaml: VS Code gives that its own language mode (dockercompose), so it never reaches us.
    const plainPath = writeWorkspaceFile(written, 'app-settings.yaml', 'version: 3\nserver:\n  image: ghcr.io/goauthentik/server:2026.8\n  command: server\n  ports: ["9000:9000"]\n  unknown: !Foo bar\nitems:\n  entries: []\n');
    const plain = await vscode.workspace.openTextDocument(plainPath);
    await vscode.window.showTextDocument(plain);
    assert.equal(plain.languageId, 'yaml');
    // The language server validates in the order documents arrive: once a blueprint opened after
    // the plain file has its diagnostics, the plain file's turn has passed too.
    const later = await vscode.workspace.openTextDocument({ language: 'yaml', content: 'version: 1\nentries:\n  - model: authentik_flows.flow\n    identifiers:\n      slug: !Foo x\n' });
    await errorOn(later, 4, 'the unknown tag of an untitled blueprint');
    assert.deepEqual(ours(plain.uri), [], describeDiagnostics(plain.uri));
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', plain.uri);
    assert.deepEqual(symbols ?? [], []);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', plain.uri, new vscode.Position(2, 4));
    assert.deepEqual(hovers ?? [], []);
  });

  it('saving a blueprint with push-on-save on pushes nothing, also when it is named like a stage file; Push refuses it', async () => {
    const namedLikeStage = writeWorkspaceFile(written, 'login-flow.stage.yaml', LOGIN_BLUEPRINT);
    await vscode.workspace.getConfiguration('authentik').update('pushOnSave', true, vscode.ConfigurationTarget.Workspace);
    // Any message a push on save would show (its failure, a question) is recorded, not shown.
    const shown: string[] = [];
    const w = vscode.window as { -readonly [K in 'showErrorMessage' | 'showWarningMessage' | 'showInformationMessage']: (typeof vscode.window)[K] };
    const original = { showErrorMessage: w.showErrorMessage, showWarningMessage: w.showWarningMessage, showInformationMessage: w.showInformationMessage };
    const record = (async (message: string) => {
      shown.push(message);
      return undefined;
    }) as unknown as typeof vscode.window.showErrorMessage;
    Object.assign(w, { showErrorMessage: record, showWarningMessage: record, showInformationMessage: record });
    try {
      for (const uri of [blueprint.uri, vscode.Uri.file(namedLikeStage)]) {
        const editor = await vscode.window.showTextDocument(uri);
        await editor.edit((edit) => edit.insert(new vscode.Position(editor.document.lineCount, 0), '# saved\n'));
        assert.ok(await editor.document.save(), `${uri.fsPath} was saved`);
        await api.pushOnSave.idle();
      }
      assert.deepEqual(shown, [], 'no push was tried (a push would have said how it went)');
      // Asked for by name, the push refuses, saying why and what to do instead.
      await vscode.commands.executeCommand('authentikStages.push', vscode.Uri.file(namedLikeStage));
    } finally {
      Object.assign(w, original);
    }
    assert.equal(shown.length, 1, shown.join(' | '));
    assert.match(shown[0]!, /login-flow\.stage\.yaml is an authentik blueprint .*not a stage file.*Blueprints/);
    assert.match(readFileSync(namedLikeStage, 'utf8'), /# saved\n$/);
  });
});
