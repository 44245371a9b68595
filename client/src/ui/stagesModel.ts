/**
 * What the Stages view shows, without VS Code: server → stage types (with counts) → stages, a page
 * at a time, filtered by a search. The VS Code tree provider only renders these nodes.
 *
 * Every load belongs to a generation; a refresh or a new filter starts the next one, and answers
 * of an older generation are dropped, so a slow count for the old filter can never land beside
 * the new filter's stages.
 */
import type { ModelIndexEntry } from '@authentik-stages/engine';
import type { Paginated, StageObject } from '../api/types';
import type { ListPageQuery } from '../api/pagination';

/** Stages per page; authentik's maximum page size by default. */
export const TREE_PAGE_SIZE = 100;
/** Count requests in flight at once. */
const COUNT_CONCURRENCY = 4;

export type StageTreeNode =
  | { kind: 'server'; label: string; description: string }
  | { kind: 'type'; entry: ModelIndexEntry; count: number | undefined }
  | { kind: 'stage'; entry: ModelIndexEntry; stage: StageObject; agreement?: FileAgreement }
  /** A document of the workspace whose stage the server no longer has. */
  | { kind: 'gone'; entry: ModelIndexEntry; file: string; stage: string; parent?: StageTreeNode }
  | { kind: 'more'; entry: ModelIndexEntry; nextPage: number }
  | { kind: 'message'; label: string; parent?: StageTreeNode };

/** Whether a listed stage's file in the workspace says the same as the server. */
export type FileAgreement = 'same' | 'differs' | 'only-on-server';

/** What the workspace's files say about the stages of one type the tree lists. */
export interface TypeAgreement {
  /** By pk, for the listed stages: agreeing with their file, differing, or with no file (only on the server). */
  stages: ReadonlyMap<string, FileAgreement>;
  /** Documents whose stage is gone from the server (only known when the type was listed whole). */
  gone: ReadonlyArray<{ file: string; stage: string }>;
}

/** What the model needs of the connection: the listing API and the types the schema knows. */
export interface TreeSource {
  /**
   * The files' agreement with the listed stages of a type (`complete`: the whole unfiltered list);
   * none when there is no workspace.
   */
  agreement?(entry: ModelIndexEntry, stages: readonly StageObject[], complete: boolean): Promise<TypeAgreement | undefined>;
  /** The connected server, or why there is none (shown as the only row). */
  status(): { connected: true; serverName: string; version: string; list: StageListing; models: readonly ModelIndexEntry[] } | { connected: false; message: string | undefined };
}

export interface StageListing {
  listPage(apiPath: string, query: ListPageQuery): Promise<Paginated<StageObject>>;
}

interface TypeListing {
  stages: StageObject[];
  nextPage: number;
  total: number;
}

export class StagesModel {
  private filterText = '';
  private generation = 0;
  private listings = new Map<string, TypeListing>();
  private counts = new Map<string, number>();
  private readonly typeNodes = new Map<string, Extract<StageTreeNode, { kind: 'type' }>>();
  private serverNode: Extract<StageTreeNode, { kind: 'server' }> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly refreshListeners = new Set<() => void>();

  /** `changed(node)`: that node's children (or label) changed; `undefined`: everything did. */
  constructor(
    private readonly source: TreeSource,
    private readonly changed: (node: StageTreeNode | undefined) => void,
  ) {}

  get filter(): string {
    return this.filterText;
  }

  setFilter(text: string): void {
    this.filterText = text.trim();
    this.reset();
  }

  /** Everything is read again (the user asked, the connection changed, a push changed the server). */
  refresh(): void {
    this.reset();
    for (const listener of this.refreshListeners) listener();
  }

  /** The workspace's files changed (a save, a push): marks are compared again, nothing is fetched. */
  refreshAgreement(): void {
    for (const node of this.typeNodes.values()) if (this.listings.has(node.entry.model)) this.changed(node);
  }

  /** Called after each refresh (not after a new filter: that reads the same server). */
  onDidRefresh(listener: () => void): { dispose(): void } {
    this.refreshListeners.add(listener);
    return { dispose: () => void this.refreshListeners.delete(listener) };
  }

  /** Forgets everything loaded; in-flight answers of before are dropped. */
  private reset(): void {
    this.generation++;
    this.listings = new Map();
    this.counts = new Map();
    this.typeNodes.clear();
    this.serverNode = undefined;
    this.changed(undefined);
  }

  roots(): StageTreeNode[] {
    const status = this.source.status();
    if (!status.connected) return status.message === undefined ? [] : [{ kind: 'message', label: status.message }];
    this.serverNode = { kind: 'server', label: status.serverName, description: `authentik ${status.version}${this.filterText ? ` · filter "${this.filterText}"` : ''}` };
    return [this.serverNode];
  }

  async children(node: StageTreeNode | undefined): Promise<StageTreeNode[]> {
    if (!node) return this.roots();
    const status = this.source.status();
    if (!status.connected) return [];
    if (node.kind === 'server') return this.typeChildren(status.models, status.list);
    if (node.kind === 'type') return this.stageChildren(node.entry, status.list);
    return [];
  }

  /** The node above: a stage's type, a type's server (for reveal). */
  parent(node: StageTreeNode): StageTreeNode | undefined {
    switch (node.kind) {
      case 'stage':
      case 'more':
      case 'gone':
        return this.typeNodes.get(node.entry.model);
      case 'type':
        return this.serverNode;
      case 'message':
        return node.parent;
      default:
        return undefined;
    }
  }

  /** Fetches the next page of a type's stages and announces the type's new children. */
  async loadMore(node: StageTreeNode): Promise<void> {
    if (node.kind !== 'more') return;
    const status = this.source.status();
    const listing = this.listings.get(node.entry.model);
    if (!status.connected || !listing) return;
    const generation = this.generation;
    const page = await this.fetchPage(node.entry, listing.nextPage, status.list);
    if (generation !== this.generation) return;
    append(listing, page);
    this.changed(this.typeNodes.get(node.entry.model));
  }

  private typeChildren(models: readonly ModelIndexEntry[], list: StageListing): StageTreeNode[] {
    const entries = [...models].sort((a, b) => a.title.localeCompare(b.title));
    const nodes = entries.map((entry) => {
      const node: Extract<StageTreeNode, { kind: 'type' }> = { kind: 'type', entry, count: this.counts.get(entry.model) };
      this.typeNodes.set(entry.model, node);
      return node;
    });
    this.track(this.loadCounts(entries.filter((entry) => !this.counts.has(entry.model)), list, this.generation));
    return nodes;
  }

  /** Counts arrive after the types show: one small request per type, a few at a time. */
  private async loadCounts(pending: ModelIndexEntry[], list: StageListing, generation: number): Promise<void> {
    const worker = async (): Promise<void> => {
      for (let entry = pending.shift(); entry && generation === this.generation; entry = pending.shift()) {
        let count: number;
        try {
          count = (await list.listPage(entry.apiPath, { page: 1, pageSize: 1, ...this.search() })).pagination.count;
        } catch {
          // A type the server lacks (another version) just shows no count.
          continue;
        }
        if (generation !== this.generation) return;
        this.counts.set(entry.model, count);
        const node = this.typeNodes.get(entry.model);
        if (node) {
          node.count = count;
          this.changed(node);
        }
      }
    };
    await Promise.all(Array.from({ length: COUNT_CONCURRENCY }, worker));
  }

  private async stageChildren(entry: ModelIndexEntry, list: StageListing): Promise<StageTreeNode[]> {
    const generation = this.generation;
    let listing = this.listings.get(entry.model);
    if (!listing) {
      const page = await this.fetchPage(entry, 1, list);
      // A refresh while the page was on its way: these stages belong to the old view.
      if (generation !== this.generation) return [];
      listing = { stages: [], nextPage: 1, total: 0 };
      append(listing, page);
      this.listings.set(entry.model, listing);
    }
    const complete = listing.stages.length >= listing.total && !this.filterText;
    const agreement = await this.agreement(entry, listing.stages, complete);
    const nodes: StageTreeNode[] = listing.stages.map((stage) => {
      const mark = agreement?.stages.get(stage.pk.toLowerCase());
      return mark ? { kind: 'stage', entry, stage, agreement: mark } : { kind: 'stage', entry, stage };
    });
    const typeNode = this.typeNodes.get(entry.model);
    for (const gone of agreement?.gone ?? []) nodes.push({ kind: 'gone', entry, file: gone.file, stage: gone.stage, ...parentOf(typeNode) });
    if (listing.stages.length < listing.total) nodes.push({ kind: 'more', entry, nextPage: listing.nextPage });
    if (nodes.length === 0) nodes.push({ kind: 'message', label: this.filterText ? `No match for "${this.filterText}"` : 'None yet', ...parentOf(this.typeNodes.get(entry.model)) });
    return nodes;
  }

  /** The files' agreement; a failure to compare only costs the marks. */
  private async agreement(entry: ModelIndexEntry, stages: readonly StageObject[], complete: boolean): Promise<TypeAgreement | undefined> {
    if (!this.source.agreement) return undefined;
    try {
      return await this.track(this.source.agreement(entry, stages, complete));
    } catch {
      return undefined;
    }
  }

  private fetchPage(entry: ModelIndexEntry, page: number, list: StageListing): Promise<Paginated<StageObject>> {
    return this.track(list.listPage(entry.apiPath, { page, pageSize: TREE_PAGE_SIZE, ordering: 'name', ...this.search() }));
  }

  /** Resolves once every request started so far has settled (counts included). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const done = (): void => void this.inFlight.delete(work);
    work.then(done, done);
    return work;
  }

  private search(): { search?: string } {
    return this.filterText ? { search: this.filterText } : {};
  }
}

function append(listing: TypeListing, page: Paginated<StageObject>): void {
  listing.stages.push(...page.results);
  listing.total = page.pagination.count;
  listing.nextPage = page.pagination.next || listing.nextPage + 1;
}

function parentOf(node: StageTreeNode | undefined): { parent?: StageTreeNode } {
  return node ? { parent: node } : {};
}
