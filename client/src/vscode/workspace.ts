/** Where the extension keeps things in the workspace: the stage folder and `.authentik/` sync state. */
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { languageOfPath, type SourceLanguage } from '@authentik-stages/engine';
import { readStageText } from '../sync/stageFileText';
import { isBlueprintFile, isStage, pushRefusal, type DocumentFacts } from '../ui/documentKind';

export { STAGE_LANGUAGES } from '../ui/documentKind';

/** How a stage document is parsed: its language mode says JSON, else its file name does. */
export function documentLanguage(document: vscode.TextDocument): SourceLanguage {
  return document.languageId === 'authentik-stage-json' ? 'json' : languageOfPath(document.uri.fsPath);
}

/** What `documentKind` needs of an editor document (its text read only if the kind depends on it). */
export function documentFacts(document: vscode.TextDocument): DocumentFacts {
  return {
    languageId: document.languageId,
    path: document.uri.scheme === 'file' ? document.uri.fsPath : document.uri.path,
    text: () => document.getText(),
    stagePatterns: vscode.workspace.getConfiguration('authentik').get<string[]>('files.extraPatterns', []),
  };
}

/** A stage file: pushed on save, code lenses, references. A blueprint is none, whatever its name. */
export function isStageDocument(document: vscode.TextDocument): boolean {
  return isStage(documentFacts(document));
}

/** Throws, saying why, when the file on disk is a blueprint: pushes and plans take stage files only. */
export function refuseBlueprint(path: string): void {
  const refusal = pushRefusal(vscode.workspace.asRelativePath(path), readStageText(path).text);
  if (refusal) throw new Error(refusal);
}

export function isBlueprintOnDisk(path: string): boolean {
  return isBlueprintFile(path, readStageText(path).text);
}

/** The workspace folder holding `uri`, else the first one, else the file's own folder. */
export function workspaceRoot(uri?: vscode.Uri): string | undefined {
  const folder = (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
  if (folder) return folder.uri.fsPath;
  return uri ? dirname(uri.fsPath) : undefined;
}

/** The folder pulled stages go to (`authentik.stageFolder`, relative to the workspace). */
export function stageFolder(): string | undefined {
  const root = workspaceRoot();
  if (!root) return undefined;
  return join(root, vscode.workspace.getConfiguration('authentik').get<string>('stageFolder', 'authentik'));
}
