/**
 * The language features through VS Code's own provider commands, the way the editor asks for them:
 * hover on a duration field and key completion on an empty line of a stage.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { EXTENSION_ID, pollFor, workspaceFile } from './helpers';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

describe('language features in the editor', () => {
  it('hovers the token_expiry key with its duration docs', async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const document = await vscode.workspace.openTextDocument(workspaceFile('examples', 'recovery-email.stage.yaml'));
    const line = document.getText().split('\n').findIndex((l) => l.startsWith('token_expiry:'));
    assert.ok(line >= 0);
    const position = new vscode.Position(line, 2);
    // The language server may still be starting: ask again until it answers with content.
    let last = '';
    const text = await pollFor(
      'a hover on token_expiry',
      async () => {
        last = hoverText((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position)) ?? []);
        return last.trim() ? last : undefined;
      },
      { describe: () => last || 'no hover' },
    );
    assert.match(text, /duration/i);
  });

  it('completes the missing keys of a stage on an empty line, required ones first', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('examples', 'login.stage.yaml'));
    const editor = await vscode.window.showTextDocument(document);
    const nameLine = document.getText().split('\n').findIndex((l) => l.startsWith('name: login-identification'));
    assert.ok(nameLine >= 0);
    await editor.edit((edit) => edit.insert(new vscode.Position(nameLine + 1, 0), '\n'));
    const position = new vscode.Position(nameLine + 1, 0);
    assert.equal(document.lineAt(position.line).text, '');
    let labels: string[] = [];
    await pollFor(
      'completion items for the identification stage',
      async () => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
        labels = (list?.items ?? []).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
        return labels.includes('password_stage');
      },
      { describe: () => labels.join(', ') || 'no items' },
    );
    assert.ok(!labels.includes('user_fields'), `a key already present is not offered again: ${labels.join(', ')}`);
    assert.ok(!labels.includes('name'), 'name is present already');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
