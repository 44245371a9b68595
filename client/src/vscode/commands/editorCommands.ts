/** The active stage file (editor title, context menu) and its documents (code lenses): push, diff, pull. */
import * as vscode from 'vscode';
import { pushReport } from '../../ui/pushReport';
import type { CommandContext, Register } from './registrar';

function editorUri(uri?: vscode.Uri): vscode.Uri {
  const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
  if (!target || target.scheme !== 'file') throw new Error('Open a stage file (*.stage.yaml, *.stage.yml, *.stage.json) first.');
  return target;
}

/** Pushes and pulls read the file on disk: an open editor's unsaved edits are saved first. */
export async function savedFirst(uri: vscode.Uri): Promise<void> {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (document?.isDirty) await document.save();
}

/** Pushes (asking about conflicts and other servers), says how it went, refreshes the tree. */
export async function pushAndReport({ sync, tree }: CommandContext, uri: vscode.Uri, options: { documents?: number[] }): Promise<void> {
  const file = vscode.workspace.asRelativePath(uri);
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Pushing ${file}…` }, () => sync.push(uri, { ...options, interactive: true }));
  tree.refresh();
  if (!result) return;
  const report = pushReport(result, file);
  if (report.ok) void vscode.window.showInformationMessage(report.message);
  else void vscode.window.showErrorMessage(report.message);
}

export function registerEditorCommands(register: Register, context: CommandContext): void {
  const { sync } = context;
  register('authentikStages.push', async (uri?: vscode.Uri) => {
    const target = editorUri(uri);
    await savedFirst(target);
    await pushAndReport(context, target, {});
  });
  register('authentikStages.pushDocument', async (uri: vscode.Uri, index: number) => {
    await savedFirst(uri);
    await pushAndReport(context, uri, { documents: [index] });
  });
  register('authentikStages.diff', (uri?: vscode.Uri) => sync.diff(editorUri(uri), 0));
  register('authentikStages.diffDocument', async (uri: vscode.Uri, index: number) => {
    await savedFirst(uri);
    await sync.diff(uri, index);
  });
  register('authentikStages.pull', async (uri?: vscode.Uri) => {
    const target = editorUri(uri);
    await savedFirst(target);
    await sync.pullDocument(target, 0);
  });
  register('authentikStages.pullDocument', async (uri: vscode.Uri, index: number) => {
    await savedFirst(uri);
    await sync.pullDocument(uri, index);
  });
}
