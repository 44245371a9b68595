/**
 * The extension in a real VS Code (code-server), on a workspace holding the repository's examples/:
 * it activates, claims stage files, validates them through its language server and registers its
 * command.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { recordMetric } from './metrics';
import { describeDiagnostics, EXTENSION_ID, markSpan, waitFor, workspaceFile } from './helpers';

describe('activation on the examples workspace', () => {
  let document: vscode.TextDocument;
  let extension: vscode.Extension<unknown>;

  before(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is installed`);
    extension = found;
    document = await vscode.workspace.openTextDocument(workspaceFile('examples', 'broken.stage.yaml'));
    await vscode.window.showTextDocument(document);
  });

  it('activates the extension', async () => {
    await extension.activate();
    assert.equal(extension.isActive, true);
    // activate() called → its promise resolved, as the extension host marks it for every extension;
    // and the extension's own number when it exports { activationMs } (tolerated when it does not).
    const marks = markSpan(`code/extHost/willActivateExtension/${EXTENSION_ID}`, `code/extHost/didActivateExtension/${EXTENSION_ID}`);
    const loadMs = markSpan(`code/extHost/willLoadExtensionCode/${EXTENSION_ID}`, `code/extHost/didLoadExtensionCode/${EXTENSION_ID}`);
    const exported = (extension.exports as { activationMs?: unknown } | undefined)?.activationMs;
    if (marks !== undefined) recordMetric('activationMs', marks);
    if (loadMs !== undefined) recordMetric('codeLoadMs', loadMs);
    if (typeof exported === 'number') recordMetric('exportedActivationMs', Math.round(exported * 10) / 10);
    // Why the language server and the connection started (they wait until the window is used for authentik).
    const startedBecause = (extension.exports as { startedBecause?: () => string | undefined } | undefined)?.startedBecause?.();
    if (startedBecause) recordMetric('startedBecause', startedBecause);
  });

  it('opens broken.stage.yaml as an authentik stage (YAML)', () => {
    assert.equal(document.languageId, 'authentik-stage-yaml');
  });

  it('reports the comma duration in token_expiry as an error on its line', async () => {
    const line = document.getText().split('\n').findIndex((l) => l.startsWith('token_expiry:'));
    assert.ok(line >= 0, 'broken.stage.yaml has a token_expiry line');
    const error = await waitFor(
      'an error diagnostic about token_expiry',
      () => vscode.languages.getDiagnostics(document.uri).find((d) => d.severity === vscode.DiagnosticSeverity.Error && d.message.includes('token_expiry')),
      { events: [vscode.languages.onDidChangeDiagnostics], describe: () => describeDiagnostics(document.uri), timeoutMs: 20_000 },
    );
    assert.equal(error.range.start.line, line, `the error is on line ${line + 1}: ${describeDiagnostics(document.uri)}`);
    assert.match(error.message, /;/, 'the message shows the ";" form');
  });

  it('registers the authentikStages.showOutput command', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('authentikStages.showOutput'));
  });
});
