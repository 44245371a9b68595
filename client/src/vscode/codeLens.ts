/** "Push · Diff · Pull" above the `model` key of each stage document of a stage file. */
import * as vscode from 'vscode';
import { fieldPointer, parseStageDocument, splitDocuments } from '@authentik-stages/engine';
import { documentLanguage, isStageDocument } from './workspace';

export class StageCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!isStageDocument(document)) return [];
    const language = documentLanguage(document);
    const lenses: vscode.CodeLens[] = [];
    splitDocuments(document.getText(), language).forEach((chunk, index) => {
      // Parsed as the language server parses it: a `model:` inside a block scalar is no stage.
      const model = parseStageDocument(chunk.text, language).locations.get(fieldPointer('model'))?.key;
      if (!model) return;
      const line = document.positionAt(chunk.start + model.start).line;
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
