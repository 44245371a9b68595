/**
 * Paging through authentik's list endpoints (after openai-node's `core/pagination.ts`): pages as
 * an async iterable, in order, with a bounded number of requests in flight, and "all of it" built
 * on top. authentik's paginator answers `{ pagination: { count, current, total_pages, next,
 * previous, start_index, end_index }, results }`; page 1 tells how many pages there are, so the
 * rest can be asked for concurrently.
 */
import { setMaxListeners } from 'node:events';
import { AuthentikError } from './errors';
import type { QueryParams } from './http';
import type { Paginated, Pagination } from './types';

/** Search, ordering and filters of a list endpoint. */
export interface ListQuery {
  /** authentik's `search` (matches the endpoint's search fields, e.g. name). */
  search?: string;
  /** A field name, `-` in front for descending, e.g. `name` or `-name`. */
  ordering?: string;
  /** The endpoint's own filters, e.g. `{ name: 'x' }` or `{ stage: pk }`; arrays repeat the key. */
  filters?: QueryParams;
}

/** One page of a list endpoint. */
export interface ListPageQuery extends ListQuery {
  /** 1-based. Default 1. */
  page?: number;
  /** Default: the server's (100 on authentik). */
  pageSize?: number;
}

/** Pages of a list endpoint as an async iterable. */
export interface PagesQuery extends ListQuery {
  /** Default 100. */
  pageSize?: number;
  /**
   * Requests in flight at once. 1 (the default for `pages()`) asks for each page only when the
   * loop asks for it; more fetches ahead, still yielding in order.
   */
  concurrency?: number;
}

export interface ListProgress {
  /** Objects received so far (in order). */
  loaded: number;
  /** `count` of the first page. */
  total: number;
  /** The page just received. */
  page: number;
  totalPages: number;
}

/** Every object of a list endpoint. */
export interface ListAllQuery extends PagesQuery {
  /** Called after each page, in page order. */
  onProgress?: (progress: ListProgress) => void;
}

export const DEFAULT_PAGE_SIZE = 100;
export const DEFAULT_LIST_CONCURRENCY = 6;

/** The query string parameters of one page. Paging parameters win over same-named filters. */
export function pageQueryParams(query: ListPageQuery): QueryParams {
  return {
    ...(query.filters ?? {}),
    ...(query.search !== undefined && query.search !== '' ? { search: query.search } : {}),
    ...(query.ordering ? { ordering: query.ordering } : {}),
    ...(query.page !== undefined ? { page: query.page } : {}),
    ...(query.pageSize !== undefined ? { page_size: query.pageSize } : {}),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/**
 * The page as `Paginated<T>`, whatever list shape the server used: authentik's, plain DRF's
 * `{count, next, previous, results}`, or a bare array (one page holding everything).
 */
export function normalizePage<T>(raw: unknown, page: number, pageSize: number, what: string): Paginated<T> {
  if (Array.isArray(raw)) {
    const results = raw as T[];
    return { pagination: { count: results.length, current: 1, total_pages: 1, next: 0, previous: 0, start_index: results.length ? 1 : 0, end_index: results.length }, results };
  }
  if (!isRecord(raw) || !Array.isArray(raw.results)) {
    throw new AuthentikError(`The list answer of ${what} has no "results": this does not look like authentik's API. Check the server URL.`);
  }
  const results = raw.results as T[];
  const given = isRecord(raw.pagination) ? raw.pagination : {};
  const count = numberOr(given.count, numberOr(raw.count, results.length));
  const size = results.length && results.length < pageSize && page === 1 && count > results.length ? results.length : pageSize;
  const totalPages = numberOr(given.total_pages, Math.max(1, Math.ceil(count / Math.max(1, size))));
  const current = numberOr(given.current, page);
  const startIndex = numberOr(given.start_index, results.length ? (current - 1) * size + 1 : 0);
  const pagination: Pagination = {
    count,
    current,
    total_pages: totalPages,
    next: numberOr(given.next, current < totalPages ? current + 1 : 0),
    previous: numberOr(given.previous, current > 1 ? current - 1 : 0),
    start_index: startIndex,
    end_index: numberOr(given.end_index, results.length ? startIndex + results.length - 1 : 0),
  };
  const out: Paginated<T> = { pagination, results };
  if (isRecord(raw.autocomplete)) out.autocomplete = raw.autocomplete;
  return out;
}

/** Fetches one page (1-based); `signal` fires when the iteration is abandoned. */
export type PageFetcher<T> = (page: number, signal: AbortSignal) => Promise<Paginated<T>>;

/**
 * Page 1, then the rest in order, with at most `concurrency` requests in flight: a new request
 * starts as soon as any in-flight one settles (not only the oldest), so one slow page does not
 * idle the others. `maxAhead` bounds how many pages past the one the loop waits for may be asked
 * for (default `concurrency`: a slow loop holds back the requests); `collectAll` lifts it.
 * Leaving the loop early (or a page failing) cancels the requests still in flight.
 */
export async function* iteratePages<T>(
  fetchPage: PageFetcher<T>,
  options: { concurrency?: number; maxAhead?: number; signal?: AbortSignal } = {},
): AsyncGenerator<Paginated<T>, void, undefined> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const maxAhead = Math.max(concurrency, options.maxAhead ?? concurrency);
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  // Every request adds (and later removes) an abort listener on the shared signal.
  setMaxListeners(concurrency + 16, signal);
  const started = new Map<number, Promise<Paginated<T>>>();
  let running = 0;
  let next = 2;
  let waitingFor = 1;
  let totalPages = 1;
  const fill = (): void => {
    while (!stop.signal.aborted && next <= totalPages && running < concurrency && next < waitingFor + maxAhead) {
      const request = fetchPage(next, signal);
      running++;
      const settled = (): void => {
        running--;
        fill();
      };
      request.then(settled, settled); // also: never an unhandled rejection before it is awaited
      started.set(next, request);
      next++;
    }
  };
  try {
    const first = await fetchPage(1, signal);
    totalPages = Math.max(1, first.pagination.total_pages);
    yield first;
    for (let page = 2; page <= totalPages; page++) {
      waitingFor = page;
      fill();
      const result = await started.get(page)!;
      started.delete(page);
      yield result;
    }
  } finally {
    stop.abort();
  }
}

function dedupeByPk<T>(items: T[]): T[] {
  const seen = new Set<unknown>();
  const out: T[] = [];
  for (const item of items) {
    const pk = isRecord(item) ? item.pk : undefined;
    if (pk === undefined || pk === null) out.push(item);
    else if (!seen.has(pk)) {
      seen.add(pk);
      out.push(item);
    }
  }
  return out;
}

/**
 * Every object, in the server's order. If the `count` changes while the pages come in (someone
 * created or deleted objects meanwhile, so items may have shifted between pages), the listing is
 * started over, at most `maxRestarts` times; the result never holds an object twice.
 */
export async function collectAll<T>(
  fetchPage: PageFetcher<T>,
  options: { concurrency?: number; signal?: AbortSignal; onProgress?: (progress: ListProgress) => void; maxRestarts?: number; log?: (line: string) => void } = {},
): Promise<T[]> {
  const maxRestarts = options.maxRestarts ?? 2;
  for (let run = 0; ; run++) {
    const results: T[] = [];
    let firstCount: number | undefined;
    let changed = false;
    for await (const page of iteratePages(fetchPage, { ...options, maxAhead: Number.POSITIVE_INFINITY })) {
      firstCount ??= page.pagination.count;
      if (page.pagination.count !== firstCount) changed = true;
      for (const item of page.results) results.push(item);
      options.onProgress?.({ loaded: results.length, total: firstCount, page: page.pagination.current, totalPages: page.pagination.total_pages });
    }
    if (!changed || run >= maxRestarts) return dedupeByPk(results);
    options.log?.(`list changed while it was read (count ${firstCount} → another): reading it again`);
  }
}
