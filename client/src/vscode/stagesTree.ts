/**
 * The Stages view: renders the nodes of `StagesModel` (server → stage types with counts → stages,
 * a page at a time, filtered) as VS Code tree items. Items keep stable ids so expansion survives a
 * refresh, and `getParent` lets a stage be revealed.
 */
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import { BaseStore } from '../sync/baseStore';
import { FindResolver } from '../sync/findResolver';
import { workspaceAgreement } from '../sync/agreement';
import { ServerListing } from '../sync/serverListing';
import { isBlueprintFile } from '../ui/documentKind';
import { StagesModel, type FileAgreement, type StageTreeNode, type TreeSource } from '../ui/stagesModel';
import { workspaceRoot } from './workspace';
import type { ConnectionManager } from './connection';

export type { StageTreeNode } from '../ui/stagesModel';

/** The model's view of the connection, and of the workspace's stage files. */
function treeSource(connection: ConnectionManager): TreeSource {
  return {
    async agreement(entry, stages, complete) {
      const connected = connection.connected();
      const root = workspaceRoot();
      if (!connected || !root) return undefined;
      // Only stage files that name the type take part (a quick look at their text, not a parse); a
      // blueprint named like a stage file is no stage file.
      const found = await vscode.workspace.findFiles('**/*.stage.{yaml,yml,json}', '**/node_modules/**');
      const files = found.map((uri) => uri.fsPath).filter((path) => {
        const text = readFileSync(path, 'utf8');
        return text.includes(entry.model) && !isBlueprintFile(path, text);
      });
      if (files.length === 0) return undefined;
      const listing = ServerListing.fromLists(connected.client.baseUrl, [{ entry, stages }]);
      const api = connected.client;
      const result = await workspaceAgreement(files, listing, { api, catalog: connection.catalog(), bases: new BaseStore(root, connected.server.url), env: process.env, finds: new FindResolver(api, process.env) });
      const marks = new Map<string, FileAgreement>();
      for (const stage of result.stages) marks.set(stage.pk.toLowerCase(), stage.state);
      const gone = complete ? result.files.filter((f) => f.state === 'gone' && f.model === entry.model).map((f) => ({ file: f.file, stage: f.stage })) : [];
      return { stages: marks, gone };
    },
    status() {
      const connected = connection.connected();
      if (connected) return { connected: true, serverName: connected.server.name, version: connected.version, list: connected.client, models: connection.catalog().models };
      const state = connection.state;
      if (state.kind === 'none') return { connected: false, message: undefined };
      const message = state.kind === 'signed-out' ? `${state.server.name}: signed out` : state.kind === 'error' ? `${state.server.name}: ${state.message}` : 'Connecting…';
      return { connected: false, message };
    },
  };
}

export class StagesTreeProvider implements vscode.TreeDataProvider<StageTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<StageTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly model: StagesModel;
  private readonly subscription: vscode.Disposable;

  constructor(connection: ConnectionManager) {
    this.model = new StagesModel(treeSource(connection), (node) => this.changed.fire(node));
    this.subscription = connection.onDidChange(() => this.model.refresh());
  }

  get search(): string {
    return this.model.filter;
  }

  setFilter(text: string): void {
    this.model.setFilter(text);
    void vscode.commands.executeCommand('setContext', 'authentik.stagesFiltered', this.model.filter !== '');
  }

  refresh(): void {
    this.model.refresh();
  }

  getTreeItem(node: StageTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'server': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'server';
        item.description = node.description;
        item.iconPath = new vscode.ThemeIcon('server-environment');
        item.contextValue = 'server';
        return item;
      }
      case 'type': {
        const item = new vscode.TreeItem(node.entry.title, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `type:${node.entry.model}`;
        item.description = node.count === undefined ? '' : String(node.count);
        item.tooltip = `${node.entry.model}\n/api/v3${node.entry.apiPath}`;
        item.iconPath = new vscode.ThemeIcon(node.entry.kind === 'prompt' ? 'symbol-field' : 'symbol-class');
        item.contextValue = 'stageType';
        return item;
      }
      case 'stage': {
        const item = new vscode.TreeItem(node.stage.name, vscode.TreeItemCollapsibleState.None);
        item.id = `stage:${node.stage.pk}`;
        const flows = (node.stage.flow_set ?? []).map((f) => f.slug || f.name);
        const where = flows.length ? flows.join(', ') : node.entry.kind === 'prompt' ? '' : 'not in a flow';
        const mark = node.agreement === 'same' ? '✓ file' : node.agreement === 'differs' ? '≠ file' : node.agreement === 'only-on-server' ? 'server only' : '';
        item.description = [mark, where].filter(Boolean).join(' · ');
        const agreement =
          node.agreement === 'same'
            ? '\n\nIts file in the workspace says the same.'
            : node.agreement === 'differs'
              ? '\n\nIts file in the workspace differs: *Diff with Local File* shows how.'
              : node.agreement === 'only-on-server'
                ? '\n\nNo file of the workspace holds it: *Open* pulls it.'
                : '';
        item.tooltip = new vscode.MarkdownString(`**${node.stage.name}**\n\n${node.entry.title} · \`${node.entry.model}\`\n\npk \`${node.stage.pk}\`${flows.length ? `\n\nUsed by: ${flows.join(', ')}` : ''}${agreement}`);
        item.iconPath = new vscode.ThemeIcon(node.agreement === 'differs' ? 'diff-modified' : node.agreement === 'same' ? 'pass' : 'symbol-constant');
        item.contextValue = 'stage';
        item.command = { command: 'authentikStages.openStage', title: 'Open', arguments: [node] };
        return item;
      }
      case 'gone': {
        const item = new vscode.TreeItem(node.stage, vscode.TreeItemCollapsibleState.None);
        item.id = `gone:${node.file}:${node.stage}`;
        item.description = 'file only: gone from the server';
        item.tooltip = `${vscode.workspace.asRelativePath(node.file)} holds ${node.stage}, which the server no longer has. A push does not re-create it: remove its pk (or the document) to create it anew.`;
        item.iconPath = new vscode.ThemeIcon('warning');
        item.resourceUri = vscode.Uri.file(node.file);
        item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(node.file)] };
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
        item.id = `more:${node.entry.model}:${node.nextPage}`;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: 'authentikStages.loadMore', title: 'Load more', arguments: [node] };
        return item;
      }
      default: {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('info');
        return item;
      }
    }
  }

  getChildren(node?: StageTreeNode): Promise<StageTreeNode[]> {
    return this.model.children(node);
  }

  getParent(node: StageTreeNode): StageTreeNode | undefined {
    return this.model.parent(node);
  }

  loadMore(node: StageTreeNode): Promise<void> {
    return this.model.loadMore(node);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
