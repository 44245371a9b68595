/**
 * List endpoints the way authentik's viewsets answer them: django-filter field filters (from the
 * query parameters the OpenAPI document lists), DRF's `SearchFilter` (`search`, every term must
 * match one search field, case-insensitively), `OrderingFilter` (`ordering=name,-pk`; unknown
 * fields are dropped) and authentik's `Pagination` (`page`, `page_size`, the `pagination` object).
 */
import type { QueryParam } from './openapi';
import { pyIntFromString, uuidFromHex } from './pyconvert';

export interface ListSpec<T> {
  valueOf(item: T, field: string): unknown;
  searchFields: readonly string[];
  /** Fields `ordering` may name. */
  orderingFields: ReadonlySet<string>;
  defaultOrdering: readonly string[];
  filters: readonly QueryParam[];
  /** For a related-object filter: does the pk exist? `undefined` when the parameter is not a relation. */
  relationExists?(param: string, pk: string): boolean | undefined;
  /** Query parameters the document lists that shape the answer instead of filtering it (`include_users`). */
  ignoredParams?: ReadonlySet<string>;
  /**
   * A filter with a method of its own (a FilterSet's `filter_<name>`): a predicate, `{error}` (the
   * 400 body), `'none'` (the method leaves the list as it is), or undefined when the parameter is
   * an ordinary field filter.
   */
  customFilter?(param: QueryParam, values: string[]): ((item: T) => boolean) | { error: unknown } | 'none' | undefined;
}

export type ListResult<T> = { ok: true; items: T[] } | { ok: false; status: number; body: unknown };

const invalidChoice = (raw: string): string => `Select a valid choice. ${raw} is not one of the available choices.`;

export interface PageSettings {
  defaultPageSize: number;
  maxPageSize: number;
}

/** Django's `Page` numbers, as authentik's `Pagination` returns them. */
export interface PaginationInfo {
  next: number;
  previous: number;
  count: number;
  current: number;
  total_pages: number;
  start_index: number;
  end_index: number;
}

const REST_FRAMEWORK_PAGE_SIZE = 100;

function compare(a: unknown, b: unknown): number {
  const nullA = a === null || a === undefined;
  const nullB = b === null || b === undefined;
  if (nullA || nullB) return nullA === nullB ? 0 : nullA ? 1 : -1; // NULLS LAST ascending, as PostgreSQL
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? b : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function filterError(param: QueryParam, raw: string, spec: ListSpec<unknown>): { message: string } | { value: unknown } | undefined {
  if (param.type === 'boolean') {
    const value = { '1': true, '0': false, true: true, false: false }[raw.toLowerCase()];
    return value === undefined ? undefined : { value };
  }
  if (param.type === 'integer' || param.type === 'number') {
    const n = param.type === 'integer' ? pyIntFromString(raw) : null;
    const value = n !== null ? Number(n) : Number(raw.trim());
    return raw.trim() === '' || Number.isNaN(value) ? { message: 'Enter a number.' } : { value };
  }
  if (param.choices && param.type !== 'array') {
    return param.choices.includes(raw) ? { value: raw } : { message: invalidChoice(raw) };
  }
  if (param.format === 'uuid' && param.type !== 'array') {
    const pk = uuidFromHex(raw);
    const relation = pk ? spec.relationExists?.(param.name, pk) : spec.relationExists?.(param.name, '');
    if (relation !== undefined) {
      if (!pk) return { message: `“${raw}” is not a valid UUID.` };
      return relation ? { value: pk } : { message: 'Select a valid choice. That choice is not one of the available choices.' };
    }
    return pk ? { value: pk } : { message: 'Enter a valid UUID.' };
  }
  return { value: raw };
}

/** Filters, searches and orders `items` per the query string. */
export function listItems<T>(items: readonly T[], query: URLSearchParams, spec: ListSpec<T>): ListResult<T> {
  let out = [...items];
  const errors: Record<string, string[]> = {};
  for (const param of spec.filters) {
    if (spec.ignoredParams?.has(param.name)) continue;
    const custom = spec.customFilter?.(
      param,
      query.getAll(param.name).filter((v) => v !== ''),
    );
    if (custom !== undefined) {
      if (custom === 'none') continue;
      if (typeof custom !== 'function') return { ok: false, status: 400, body: custom.error };
      out = out.filter(custom);
      continue;
    }
    if (param.type === 'array') {
      const wanted = query.getAll(param.name).filter((v) => v !== '');
      if (wanted.length === 0) continue;
      const badChoice = param.choices ? wanted.find((v) => !param.choices!.includes(v)) : undefined;
      if (badChoice !== undefined) {
        errors[param.name] = [invalidChoice(badChoice)];
        continue;
      }
      const pks = wanted.map((v) => (param.format === 'uuid' ? uuidFromHex(v) : v));
      const bad = wanted.find((_, i) => pks[i] === null);
      if (bad !== undefined) {
        errors[param.name] = [`“${bad}” is not a valid UUID.`];
        continue;
      }
      // A many-valued field matches when it holds one of the values; a plain field when it is one.
      out = out.filter((item) => {
        const value = spec.valueOf(item, param.name);
        return Array.isArray(value) ? pks.some((pk) => value.includes(pk)) : pks.includes(value as string);
      });
      continue;
    }
    const raw = query.get(param.name);
    if (raw === null || raw === '') continue;
    const parsed = filterError(param, raw, spec as ListSpec<unknown>);
    if (!parsed) continue;
    if ('message' in parsed) {
      errors[param.name] = [parsed.message];
      continue;
    }
    out = out.filter((item) => spec.valueOf(item, param.name) === parsed.value);
  }
  if (Object.keys(errors).length > 0) return { ok: false, status: 400, body: errors };

  const search = (query.get('search') ?? '').replace(/\x00/g, '');
  const terms = search
    .split(/[\s,]+/)
    .map((t) => t.replace(/^"|"$/g, '').toLowerCase())
    .filter(Boolean);
  if (terms.length > 0 && spec.searchFields.length > 0) {
    out = out.filter((item) =>
      terms.every((term) =>
        spec.searchFields.some((field) => {
          const value = spec.valueOf(item, field);
          return value !== null && value !== undefined && String(value).toLowerCase().includes(term);
        }),
      ),
    );
  }

  const requested = (query.get('ordering') ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '' && spec.orderingFields.has(f.replace(/^-/, '')));
  const ordering = requested.length > 0 ? requested : spec.defaultOrdering;
  if (ordering.length > 0) {
    const keys = ordering.map((f) => ({ field: f.replace(/^-/, ''), desc: f.startsWith('-') }));
    const decorated = out.map((item, index) => ({ item, index, values: keys.map((k) => spec.valueOf(item, k.field)) }));
    decorated.sort((a, b) => {
      for (let i = 0; i < keys.length; i++) {
        const c = compare(a.values[i], b.values[i]);
        if (c !== 0) return keys[i]!.desc ? -c : c;
      }
      return a.index - b.index;
    });
    out = decorated.map((d) => d.item);
  }
  return { ok: true, items: out };
}

/** The page size authentik uses for a request (`page_size`, capped by the maximum; else the default). */
export function pageSize(query: URLSearchParams, settings: PageSettings): number {
  const raw = query.get('page_size');
  if (raw === null) return settings.defaultPageSize;
  const n = pyIntFromString(raw);
  const size = n === null || n <= 0n ? REST_FRAMEWORK_PAGE_SIZE : Number(n);
  return Math.min(size, settings.maxPageSize);
}

export type PageResult<T> = { ok: true; pagination: PaginationInfo; results: T[] } | { ok: false; status: 404; body: { detail: string } };

/** DRF's `PageNumberPagination.paginate_queryset` over Django's `Paginator`. */
export function paginate<T>(items: readonly T[], query: URLSearchParams, settings: PageSettings): PageResult<T> {
  const size = pageSize(query, settings);
  const count = items.length;
  const totalPages = count === 0 ? 1 : Math.ceil(count / size);
  const rawPage = query.get('page') ?? '1';
  let number: number;
  if (rawPage === 'last') number = totalPages;
  else {
    const n = pyIntFromString(rawPage);
    if (n === null || n < 1n || n > BigInt(totalPages)) return { ok: false, status: 404, body: { detail: 'Invalid page.' } };
    number = Number(n);
  }
  const start = (number - 1) * size;
  const results = items.slice(start, start + size);
  return {
    ok: true,
    results,
    pagination: {
      next: number < totalPages ? number + 1 : 0,
      previous: number > 1 ? number - 1 : 0,
      count,
      current: number,
      total_pages: totalPages,
      start_index: count === 0 ? 0 : start + 1,
      end_index: number === totalPages ? count : number * size,
    },
  };
}
