/**
 * A server's stages of the types a set of files holds, from one list per type (pages fetched
 * concurrently by `listAll`), by pk and by name. authentik's list and detail endpoints of a stage
 * type answer with the same serializer (the OpenAPI document gives both the same schema), so a
 * listed stage is as good as a fetched one for comparing: push, diff and the plan need no single
 * fetch for a stage the list shows.
 */
import type { ModelIndexEntry } from '@authentik-stages/engine';
import type { StageObject } from '../api/types';
import { checkedStage } from './serverStage';
import { nameKey } from './syncState';

export interface StageListAll {
  readonly baseUrl: string;
  listAll<T>(apiPath: string): Promise<T[]>;
}

export interface ListedStage {
  remote: StageObject;
  entry: ModelIndexEntry;
}

/** Types listed at once: each list fetches its own pages concurrently as well. */
const TYPES_AT_ONCE = 4;

export class ServerListing {
  private readonly byPk = new Map<string, ListedStage>();
  private readonly byName = new Map<string, ListedStage>();
  private readonly listed = new Set<string>();

  private constructor(readonly server: string) {}

  /** Lists every type of `entries` once (the same type given twice is listed once). */
  static async load(api: StageListAll, entries: Iterable<ModelIndexEntry>): Promise<ServerListing> {
    const unique = [...new Map([...entries].map((e) => [e.model, e])).values()];
    const lists: StageObject[][] = new Array<StageObject[]>(unique.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < unique.length) {
        const index = next++;
        lists[index] = await api.listAll<StageObject>(unique[index]!.apiPath);
      }
    };
    await Promise.all(Array.from({ length: Math.min(TYPES_AT_ONCE, unique.length) }, worker));
    return ServerListing.fromLists(api.baseUrl, unique.map((entry, index) => ({ entry, stages: lists[index]! })));
  }

  /**
   * From lists already fetched (the Stages tree's), each the whole list of its type: no request.
   * Every stage is checked as any answer of the server.
   */
  static fromLists(server: string, lists: ReadonlyArray<{ entry: ModelIndexEntry; stages: readonly unknown[] }>): ServerListing {
    const listing = new ServerListing(server);
    for (const { entry, stages } of lists) {
      listing.listed.add(entry.model);
      for (const sent of stages) {
        const remote = checkedStage(sent, { server, endpoint: entry.apiPath }, 'nothing was compared or sent');
        const stage = { remote, entry };
        listing.byPk.set(remote.pk.toLowerCase(), stage);
        if (typeof remote.name === 'string') listing.byName.set(nameKey(entry.model, remote.name), stage);
      }
    }
    return listing;
  }

  /** Whether the stages of `model` were listed (so a pk missing from them is gone from the server). */
  covers(model: string): boolean {
    return this.listed.has(model);
  }

  stage(pk: string): ListedStage | undefined {
    return this.byPk.get(pk.toLowerCase());
  }

  /** The stage (or prompt) of that name, of any listed type: stage names are unique across types. */
  named(model: string, name: string): ListedStage | undefined {
    return this.byName.get(nameKey(model, name));
  }

  all(): ListedStage[] {
    return [...this.byPk.values()];
  }
}
