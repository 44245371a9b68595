/** Where the extension keeps things in the workspace: the stage folder and `.authentik/` sync state. */
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { languageOfPath, type SourceLanguage } from '@authentik-stages/engine';

export const STAGE_LANGUAGES = ['authentik-stage-yaml', 'authentik-stage-json'];

/** How a stage document is parsed: its language mode says JSON, else its file name does. */
export function documentLanguage(document: vscode.TextDocument): SourceLanguage {
  return document.languageId === 'authentik-stage-json' ? 'json' : languageOfPath(document.uri.fsPath);
}

export function isStageDocument(document: vscode.TextDocument): boolean {
  return STAGE_LANGUAGES.includes(document.languageId) || /\.stage\.(ya?ml|json)$/i.test(document.uri.fsPath);
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
