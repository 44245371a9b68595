/** The Stages view: refresh, filter, load more; on a stage open, diff, push, copy, open in admin, delete; on a type, new stage. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { renderNewDocument } from '../../sync/stageFileIO';
import { safeFileStem } from '../../sync/naming';
import { findStageFile } from '../../sync/pull';
import { adminStagesUrl, deleteDetail, newStageObject } from '../../ui/commandDecisions';
import type { StageTreeNode } from '../stagesTree';
import { stageFolder } from '../workspace';
import { pushAndReport, savedFirst } from './editorCommands';
import type { CommandContext, Register } from './registrar';

type StageNode = Extract<StageTreeNode, { kind: 'stage' }>;

function stageOf(node: StageTreeNode | undefined): StageNode {
  if (!node || node.kind !== 'stage') throw new Error('Pick a stage in the authentik Stages view.');
  return node;
}

/** The stage's file in the stage folder (found by its pk, parsed as the engine parses it), or what to do first. */
function localFileOf(node: StageNode, missing: string): { uri: vscode.Uri; document: number } {
  const dir = stageFolder();
  const found = dir ? findStageFile(dir, node.stage.pk) : undefined;
  if (!found) throw new Error(`${node.stage.name} has no local file in the stage folder yet: ${missing}`);
  return { uri: vscode.Uri.file(found.path), document: found.document };
}

export function registerTreeCommands(register: Register, context: CommandContext): void {
  const { connection, tree, sync } = context;
  register('authentikStages.refreshStages', async () => {
    await connection.refresh();
    tree.refresh();
  });
  register('authentikStages.filterStages', async () => {
    const text = await vscode.window.showInputBox({ title: 'Filter stages', prompt: 'Show stages whose name matches (empty: all)', value: tree.search });
    if (text !== undefined) tree.setFilter(text);
  });
  register('authentikStages.clearFilter', () => tree.setFilter(''));
  register('authentikStages.loadMore', (node: StageTreeNode) => tree.loadMore(node));

  register('authentikStages.openStage', async (node: StageTreeNode) => {
    const { stage } = stageOf(node);
    const written = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Pulling ${stage.name}…` }, () => sync.pullByPk([stage.pk]));
    await vscode.window.showTextDocument(vscode.Uri.file(join(stageFolder()!, written[0]!.file)));
  });
  register('authentikStages.diffStage', async (node: StageTreeNode) => {
    const file = localFileOf(stageOf(node), 'open it first.');
    await sync.diff(file.uri, file.document);
  });
  register('authentikStages.pushStage', async (node: StageTreeNode) => {
    const file = localFileOf(stageOf(node), 'open it, edit, then push.');
    await savedFirst(file.uri);
    await pushAndReport(context, file.uri, { documents: [file.document] });
  });
  register('authentikStages.copyPk', async (node: StageTreeNode) => {
    const { stage } = stageOf(node);
    await vscode.env.clipboard.writeText(stage.pk);
    vscode.window.setStatusBarMessage(`Copied ${stage.pk}`, 3000);
  });
  register('authentikStages.openInAdmin', async (node: StageTreeNode) => {
    stageOf(node);
    await vscode.env.openExternal(vscode.Uri.parse(adminStagesUrl(connectedOrThrow(context).server.url)));
  });
  register('authentikStages.deleteStage', (node: StageTreeNode) => deleteStage(context, stageOf(node)));
  register('authentikStages.newStage', (node: StageTreeNode) => newStage(context, node));
}

function connectedOrThrow({ connection }: CommandContext): NonNullable<ReturnType<CommandContext['connection']['connected']>> {
  const connected = connection.connected();
  if (!connected) throw new Error('Not connected to an authentik server.');
  return connected;
}

/** Asks first, naming what uses the stage; deletes only on "Delete". */
async function deleteStage(context: CommandContext, node: StageNode): Promise<void> {
  const connected = connectedOrThrow(context);
  const usedBy = await connected.client.usedBy(node.entry.apiPath, node.stage.pk);
  const flows = (node.stage.flow_set ?? []).map((f) => f.slug || f.name);
  const choice = await vscode.window.showWarningMessage(`Delete ${node.entry.title} "${node.stage.name}" from ${connected.server.name}?`, { modal: true, detail: deleteDetail(flows, usedBy) }, 'Delete');
  if (choice !== 'Delete') return;
  await connected.client.delete(node.entry.apiPath, node.stage.pk);
  context.tree.refresh();
  void vscode.window.showInformationMessage(`Deleted ${node.stage.name} from ${connected.server.name}.`);
}

/** Writes a file of the type with its required fields, under a name no other file has, and opens it. */
async function newStage({ connection }: CommandContext, node: StageTreeNode): Promise<void> {
  if (!node || node.kind !== 'type') throw new Error('Pick a stage type in the authentik Stages view.');
  const dir = stageFolder();
  if (!dir) throw new Error('Open a folder first: new stages are files in the workspace.');
  const name = await vscode.window.showInputBox({ title: `New ${node.entry.title}`, prompt: 'Name of the stage (unique on the server)', validateInput: (v) => (v.trim() ? undefined : 'A name is needed.') });
  if (!name) return;
  mkdirSync(dir, { recursive: true });
  let path = join(dir, `${safeFileStem(name)}.stage.yaml`);
  for (let i = 2; existsSync(path); i++) path = join(dir, `${safeFileStem(name)}-${i}.stage.yaml`);
  writeFileSync(path, renderNewDocument(newStageObject(node.entry, connection.catalog().schema(node.entry.model), name), 'yaml'), { flag: 'wx' });
  await vscode.window.showTextDocument(vscode.Uri.file(path));
}
