/**
 * The Stages tree: server → stage types (with counts) → stages, loaded lazily a page at a time
 * with a "Load more" row, filtered by a search, refreshed on demand. Items keep stable ids so
 * expansion survives a refresh.
 */
import * as vscode from 'vscode';
import type { StageObject } from '../api/types';
import type { ModelIndexEntry } from '../../../server/src/schema/types';
import type { ConnectionManager } from './connection';

const PAGE_SIZE = 100;

export type StageTreeNode =
  | { kind: 'server'; label: string; description: string }
  | { kind: 'type'; entry: ModelIndexEntry; count: number | undefined }
  | { kind: 'stage'; entry: ModelIndexEntry; stage: StageObject }
  | { kind: 'more'; entry: ModelIndexEntry; nextPage: number }
  | { kind: 'message'; label: string };

interface TypeListing {
  stages: StageObject[];
  nextPage: number;
  total: number;
}

export class StagesTreeProvider implements vscode.TreeDataProvider<StageTreeNode> {
  private readonly changed = new vscode.EventEmitter<StageTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private filter = '';
  private listings = new Map<string, TypeListing>();
  private counts = new Map<string, number>();
  private readonly typeNodes = new Map<string, StageTreeNode>();

  constructor(private readonly connection: ConnectionManager) {
    connection.onDidChange(() => this.refresh());
  }

  get search(): string {
    return this.filter;
  }

  setFilter(text: string): void {
    this.filter = text.trim();
    void vscode.commands.executeCommand('setContext', 'authentik.stagesFiltered', this.filter !== '');
    this.refresh();
  }

  refresh(): void {
    this.listings = new Map();
    this.counts = new Map();
    this.typeNodes.clear();
    this.changed.fire(undefined);
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

  async getChildren(node?: StageTreeNode): Promise<StageTreeNode[]> {
    const connected = this.connection.connected();
    if (!node) {
      const state = this.connection.state;
      if (state.kind === 'none') return [];
      if (!connected) {
        const label = state.kind === 'signed-out' ? `${state.server.name}: signed out` : state.kind === 'error' ? `${state.server.name}: ${state.message}` : 'Connecting…';
        return [{ kind: 'message', label }];
      }
      return [{ kind: 'server', label: connected.server.name, description: `authentik ${connected.version}${this.filter ? ` · filter "${this.filter}"` : ''}` }];
    }
    if (!connected) return [];
    if (node.kind === 'server') return this.typeChildren();
    if (node.kind === 'type') return this.stageChildren(node.entry);
    return [];
  }

  private typeChildren(): StageTreeNode[] {
    const entries = [...this.connection.catalog().models].sort((a, b) => a.title.localeCompare(b.title));
    const nodes = entries.map((entry) => {
      const node: StageTreeNode = { kind: 'type', entry, count: this.counts.get(entry.model) };
      this.typeNodes.set(entry.model, node);
      return node;
    });
    void this.loadCounts(entries);
    return nodes;
  }

  /** Counts arrive after the types show: one small request per type, a few at a time. */
  private async loadCounts(entries: ModelIndexEntry[]): Promise<void> {
    const connected = this.connection.connected();
    if (!connected) return;
    const pending = entries.filter((e) => !this.counts.has(e.model));
    const worker = async (): Promise<void> => {
      for (let entry = pending.shift(); entry; entry = pending.shift()) {
        try {
          const page = await connected.client.listPage(entry.apiPath, { page: 1, pageSize: 1, ...(this.filter ? { search: this.filter } : {}) });
          this.counts.set(entry.model, page.pagination.count);
          const node = this.typeNodes.get(entry.model);
          if (node && node.kind === 'type') {
            node.count = page.pagination.count;
            this.changed.fire(node);
          }
        } catch {
          // A type the server lacks (another version) just shows no count.
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }

  private async stageChildren(entry: ModelIndexEntry): Promise<StageTreeNode[]> {
    let listing = this.listings.get(entry.model);
    if (!listing) {
      listing = { stages: [], nextPage: 1, total: 0 };
      await this.fetchPage(entry, listing);
      this.listings.set(entry.model, listing);
    }
    const nodes: StageTreeNode[] = listing.stages.map((stage) => ({ kind: 'stage', entry, stage }));
    if (listing.stages.length < listing.total) nodes.push({ kind: 'more', entry, nextPage: listing.nextPage });
    if (nodes.length === 0) nodes.push({ kind: 'message', label: this.filter ? `No match for "${this.filter}"` : 'None yet' });
    return nodes;
  }

  private async fetchPage(entry: ModelIndexEntry, listing: TypeListing): Promise<void> {
    const connected = this.connection.connected();
    if (!connected) return;
    const page = await connected.client.listPage(entry.apiPath, { page: listing.nextPage, pageSize: PAGE_SIZE, ordering: 'name', ...(this.filter ? { search: this.filter } : {}) });
    listing.stages.push(...page.results);
    listing.total = page.pagination.count;
    listing.nextPage = page.pagination.next || listing.nextPage + 1;
  }

  async loadMore(node: StageTreeNode): Promise<void> {
    if (node.kind !== 'more') return;
    const listing = this.listings.get(node.entry.model);
    if (!listing) return;
    await this.fetchPage(node.entry, listing);
    this.changed.fire(this.typeNodes.get(node.entry.model));
  }
}
