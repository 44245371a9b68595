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

/**
 * The most pages and objects one listing follows. authentik installations hold hundreds of stages,
 * flows or bindings, rarely thousands; a server claiming more than this is not answering honestly
 * (or not authentik), and following it would never end.
 */
export const MAX_LIST_PAGES = 10_000;
export const MAX_LIST_OBJECTS = 250_000;

/** Which list a page belongs to, for messages: `authentik at <server> … GET <path>`. */
export interface ListSource {
  server: string;
  path: string;
}

/** The error for a list answer authentik would never send, naming the server, the list and the field. */
export function listError(source: ListSource, field: string, problem: string): AuthentikError {
  return new AuthentikError(
    `authentik at ${source.server} answered GET ${source.path} with ${field} ${problem}. This is not what authentik sends, so the list was not read further: check the server URL (it must be authentik itself) and try again.`,
    { server: source.server, method: 'GET' },
  );
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** A pagination number: absent → `fallback`; present → a whole number ≥ 0, else a clear error. */
function countField(container: Record<string, unknown>, name: string, field: string, fallback: number, source: ListSource): number {
  const value = container[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw listError(source, field, `= ${describeValue(value)}, not a whole number ≥ 0`);
  return value;
}

/**
 * The page as `Paginated<T>`, whatever list shape the server used: authentik's, plain DRF's
 * `{count, next, previous, results}`, or a bare array (one page holding everything). Numbers
 * authentik sends must be numbers; the ones a plain DRF page lacks are worked out.
 */
export function normalizePage<T>(raw: unknown, page: number, pageSize: number, source: ListSource): Paginated<T> {
  if (Array.isArray(raw)) {
    const results = raw as T[];
    return { pagination: { count: results.length, current: 1, total_pages: 1, next: 0, previous: 0, start_index: results.length ? 1 : 0, end_index: results.length }, results };
  }
  if (!isRecord(raw) || !Array.isArray(raw.results)) {
    throw new AuthentikError(`The list answer of authentik at ${source.server} GET ${source.path} has no "results": this does not look like authentik's API. Check the server URL.`, {
      server: source.server,
      method: 'GET',
    });
  }
  const results = raw.results as T[];
  if (raw.pagination !== undefined && !isRecord(raw.pagination)) throw listError(source, '"pagination"', `= ${describeValue(raw.pagination)}, not an object`);
  const given = isRecord(raw.pagination) ? raw.pagination : {};
  const field = (name: string, fallback: number): number => countField(given, name, `pagination.${name}`, fallback, source);
  const count = field('count', countField(raw, 'count', 'count', results.length, source));
  const size = results.length && results.length < pageSize && page === 1 && count > results.length ? results.length : pageSize;
  const totalPages = field('total_pages', Math.max(1, Math.ceil(count / Math.max(1, size))));
  const current = field('current', page);
  const startIndex = field('start_index', results.length ? (current - 1) * size + 1 : 0);
  const pagination: Pagination = {
    count,
    current,
    total_pages: totalPages,
    next: field('next', current < totalPages ? current + 1 : 0),
    previous: field('previous', current > 1 ? current - 1 : 0),
    start_index: startIndex,
    end_index: field('end_index', results.length ? startIndex + results.length - 1 : 0),
  };
  const out: Paginated<T> = { pagination, results };
  if (isRecord(raw.autocomplete)) out.autocomplete = raw.autocomplete;
  return out;
}

/**
 * How many pages page 1 says there are, checked: within the caps, and what its `count` and the
 * page size it actually answered with (its number of results, when fewer than `count`) imply.
 */
function checkedTotalPages<T>(first: Paginated<T>, source: ListSource): number {
  const { count, total_pages: totalPages, current } = first.pagination;
  const size = first.results.length;
  if (current !== 1) throw listError(source, 'pagination.current', `= ${current} for page 1`);
  if (count > MAX_LIST_OBJECTS) throw listError(source, 'pagination.count', `= ${count}, more than the ${MAX_LIST_OBJECTS} objects a list is read to`);
  if (totalPages > MAX_LIST_PAGES) throw listError(source, 'pagination.total_pages', `= ${totalPages}, more than the ${MAX_LIST_PAGES} pages a list is read to`);
  if (size === 0 && count > 0) throw listError(source, 'pagination.count', `= ${count} on an empty page 1`);
  if (size > count) throw listError(source, 'pagination.count', `= ${count}, fewer than the ${size} objects page 1 holds`);
  const expected = size >= count ? 1 : Math.ceil(count / size);
  if (totalPages !== expected && !(count === 0 && totalPages === 0)) {
    throw listError(source, 'pagination.total_pages', `= ${totalPages}, but ${count} objects (pagination.count) at the ${size} per page of page 1 make ${expected}`);
  }
  return Math.max(1, totalPages);
}

/** A later page, checked against page 1: the same page size, no empty page before the end, no more objects than counted. */
function checkPage<T>(page: Paginated<T>, number: number, first: Paginated<T>, totalPages: number, loaded: number, source: ListSource): void {
  const size = first.results.length;
  if (page.pagination.current !== number) throw listError(source, 'pagination.current', `= ${page.pagination.current} for page ${number}`);
  if (page.results.length > size) throw listError(source, '"results"', `of ${page.results.length} objects on page ${number}, more than the ${size} per page of page 1`);
  const unchanged = page.pagination.count === first.pagination.count;
  // With the count unchanged nothing was deleted meanwhile, so only the last page may be short.
  if (unchanged && page.results.length === 0) throw listError(source, '"results"', `empty on page ${number} of ${totalPages} (pagination.total_pages), before the end`);
  const counted = Math.max(page.pagination.count, first.pagination.count);
  if (loaded > counted) throw listError(source, 'pagination.count', `= ${page.pagination.count}, but ${loaded} objects came in ${number} pages`);
  if (loaded > MAX_LIST_OBJECTS) throw listError(source, '"results"', `past ${MAX_LIST_OBJECTS} objects`);
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
  source: ListSource,
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
    totalPages = checkedTotalPages(first, source);
    let loaded = first.results.length;
    yield first;
    for (let page = 2; page <= totalPages; page++) {
      waitingFor = page;
      fill();
      const result = await started.get(page)!;
      started.delete(page);
      loaded += result.results.length;
      checkPage(result, page, first, totalPages, loaded, source);
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
  source: ListSource,
  options: { concurrency?: number; signal?: AbortSignal; onProgress?: (progress: ListProgress) => void; maxRestarts?: number; log?: (line: string) => void } = {},
): Promise<T[]> {
  const maxRestarts = options.maxRestarts ?? 2;
  for (let run = 0; ; run++) {
    const results: T[] = [];
    let firstCount: number | undefined;
    let changed = false;
    for await (const page of iteratePages(fetchPage, source, { ...options, maxAhead: Number.POSITIVE_INFINITY })) {
      firstCount ??= page.pagination.count;
      if (page.pagination.count !== firstCount) changed = true;
      for (const item of page.results) results.push(item);
      options.onProgress?.({ loaded: results.length, total: firstCount, page: page.pagination.current, totalPages: page.pagination.total_pages });
    }
    if (!changed || run >= maxRestarts) return dedupeByPk(results);
    options.log?.(`list changed while it was read (count ${firstCount} → another): reading it again`);
  }
}
