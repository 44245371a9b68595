/**
 * The Stages view: renders the nodes of `StagesModel` (server → stage types with counts → stages,
 * a page at a time, filtered) as VS Code tree items. Items keep stable ids so expansion survives a
 * refresh, and `getParent` lets a stage be revealed.
 */
import * as vscode from 'vscode';
import { StagesModel, type StageTreeNode, type TreeSource } from '../ui/stagesModel';
import type { ConnectionManager } from './connection';

export type { StageTreeNode } from '../ui/stagesModel';

/** The model's view of the connection. */
function treeSource(connection: ConnectionManager): TreeSource {
  return {
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
        item.description = flows.length ? flows.join(', ') : node.entry.kind === 'prompt' ? '' : 'not in a flow';
        item.tooltip = new vscode.MarkdownString(`**${node.stage.name}**\n\n${node.entry.title} · \`${node.entry.model}\`\n\npk \`${node.stage.pk}\`${flows.length ? `\n\nUsed by: ${flows.join(', ')}` : ''}`);
        item.iconPath = new vscode.ThemeIcon('symbol-constant');
        item.contextValue = 'stage';
        item.command = { command: 'authentikStages.openStage', title: 'Open', arguments: [node] };
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
