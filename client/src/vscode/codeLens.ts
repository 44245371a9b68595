/** "Push · Diff · Pull" above each stage document of a stage file. */
import * as vscode from 'vscode';
import { splitYamlDocuments } from '@authentik-stages/engine';
import { isStageDocument } from './workspace';

export class StageCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!isStageDocument(document)) return [];
    const text = document.getText();
    const chunks = document.languageId === 'authentik-stage-json' || /\.json$/i.test(document.uri.fsPath) ? [{ start: 0, text }] : splitYamlDocuments(text);
    const lenses: vscode.CodeLens[] = [];
    chunks.forEach((chunk, index) => {
      const model = /^\s*"?model"?\s*:/m.exec(chunk.text);
      if (!model) return;
      const line = document.positionAt(chunk.start + model.index).line;
      const range = new vscode.Range(line, 0, line, 0);
      const args = [document.uri, index];
      lenses.push(
        new vscode.CodeLens(range, { title: '$(cloud-upload) Push', command: 'authentikStages.pushDocument', arguments: args, tooltip: 'Push this stage to the active authentik server' }),
        new vscode.CodeLens(range, { title: '$(diff) Diff', command: 'authentikStages.diffDocument', arguments: args, tooltip: "Compare with the server's version" }),
        new vscode.CodeLens(range, { title: '$(cloud-download) Pull', command: 'authentikStages.pullDocument', arguments: args, tooltip: "Take the server's version into this document" }),
      );
    });
    return lenses;
  }
}
