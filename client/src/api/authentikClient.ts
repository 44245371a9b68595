/**
 * The authentik API client: the endpoints the extension and the command line use, generic over
 * stage types (a stage type is its API path from the schema index, e.g. `/stages/email/`). All
 * HTTP concerns (token, JSON, timeouts, retries, errors) are the transport's (`http.ts`); paging
 * is `pagination.ts`'s. No `vscode` import: the command line and the tests use it as it is.
 */
import { PRODUCT_VERSION } from '@authentik-stages/engine';
import { AuthentikError, AuthentikInvalidResponseError, AuthentikNotFoundError } from './errors';
import { HttpTransport, type FetchLike, type HttpMethod, type QueryParams, type RequestOptions, type Sleep } from './http';
import { createNodeFetch } from './nodeFetch';
import {
  DEFAULT_LIST_CONCURRENCY,
  DEFAULT_PAGE_SIZE,
  collectAll,
  iteratePages,
  normalizePage,
  pageQueryParams,
  type ListAllQuery,
  type ListPageQuery,
  type ListQuery,
  type ListSource,
  type PagesQuery,
} from './pagination';
import type { RetryOptions } from './retry';
import type { EmailTemplate, Flow, FlowStageBinding, Paginated, SessionUser, StageObject, StageRequestBody, StageType, UsedBy, Version } from './types';

export interface AuthentikClientOptions {
  /** The server, e.g. `https://auth.example.com` (the client appends `/api/v3`). */
  baseUrl: string;
  /** An authentik API token (Directory → Tokens), sent as `Authorization: Bearer …`. */
  token: string;
  /** Time limit of each attempt. Default 15 000 ms. */
  timeoutMs?: number;
  /** Retries of idempotent requests after the first attempt. Default 2. */
  maxRetries?: number;
  /** Replaces Node's global `fetch` (tests pass a fake). Not together with `caCertificates`. */
  fetch?: FetchLike;
  /** Default `authentik-stages-vscode/<version> node/<version>`. */
  userAgent?: string;
  /** Receives one line per attempt and per retry. Never given the token or any body. */
  logger?: (line: string) => void;
  /**
   * PEM certificate(s) to trust besides Node's root CAs, for servers with a self-signed
   * certificate or a private CA. Requests then go through `node:https` (see `nodeFetch.ts`).
   */
  caCertificates?: string;
  /** Backoff tuning; the policy itself is fixed (see `retry.ts`). */
  retry?: RetryOptions;
  /** What a refused-token message tells the user to do. Default: check AUTHENTIK_TOKEN (…). */
  tokenHint?: string;
  /** Test hooks: the wait between retries and the jitter source. */
  sleep?: Sleep;
  random?: () => number;
}

/** Options of a call that takes no other parameters. */
export type CallOptions = RequestOptions;

/** The largest `/schema/` answer read: authentik's own document is under 3 MB, as JSON or YAML. */
export const MAX_SCHEMA_BYTES = 16 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_RETRIES = 2;

function objectPath(apiPath: string, pk: string | number, suffix = ''): string {
  const pkText = String(pk);
  if (pkText === '') throw new AuthentikError(`An object's pk is empty: cannot address it under ${apiPath}.`);
  return `${collectionPath(apiPath)}${encodeURIComponent(pkText)}/${suffix}`;
}

/** `/stages/email` → `/stages/email/`; the path must start with `/`. */
function collectionPath(apiPath: string): string {
  const path = apiPath.startsWith('/') ? apiPath : `/${apiPath}`;
  return path.endsWith('/') ? path : `${path}/`;
}

/** What is wrong with an `/admin/version/` answer, or `undefined` when nothing is. */
function versionProblem(answer: unknown): string | undefined {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return 'an answer that is not an object';
  const current = (answer as Record<string, unknown>)['version_current'];
  if (current === undefined) return undefined;
  if (typeof current !== 'string') return `"version_current" that is ${current === null ? 'null' : `a ${typeof current}`}, not a string`;
  if (current.trim() === '' || current.length > 100 || /[\u0000-\u001f\u007f-\u009f]/.test(current)) return '"version_current" that is not a version (empty, too long or holding control characters)';
  return undefined;
}

export class AuthentikClient {
  /** The server's base URL, without `/api/v3`. */
  readonly baseUrl: string;
  /** `<baseUrl>/api/v3`. */
  readonly apiUrl: string;
  private readonly http: HttpTransport;
  private readonly closeFetch: (() => void) | undefined;
  private readonly logger: ((line: string) => void) | undefined;

  constructor(options: AuthentikClientOptions) {
    if (options.fetch && options.caCertificates !== undefined) {
      throw new TypeError('AuthentikClient: pass either `fetch` or `caCertificates`, not both (caCertificates brings its own fetch).');
    }
    let fetchImpl: FetchLike;
    if (options.fetch) fetchImpl = options.fetch;
    else if (options.caCertificates !== undefined) {
      const nodeFetch = createNodeFetch({ caCertificates: options.caCertificates });
      fetchImpl = nodeFetch.fetch;
      this.closeFetch = nodeFetch.close;
    } else fetchImpl = (url, init) => globalThis.fetch(url, init);
    this.logger = options.logger;
    this.http = new HttpTransport({
      baseUrl: options.baseUrl,
      token: options.token,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
      fetch: fetchImpl,
      userAgent: options.userAgent ?? `authentik-stages-vscode/${PRODUCT_VERSION} node/${process.versions.node}`,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.random ? { random: options.random } : {}),
      ...(options.tokenHint ? { tokenHint: options.tokenHint } : {}),
    });
    this.baseUrl = this.http.server;
    this.apiUrl = this.http.apiRoot;
  }

  /** Releases sockets kept alive by the `caCertificates` transport (a no-op otherwise). */
  close(): void {
    this.closeFetch?.();
  }

  /** A raw call under `/api/v3`, for endpoints without a method here. */
  request<T>(method: HttpMethod, path: string, init: { query?: QueryParams; body?: unknown } = {}, options?: RequestOptions): Promise<T> {
    return this.http.request<T>({ method, path, ...init }, options);
  }

  // ── Generic, by API path ───────────────────────────────────────────────────────────────────

  /** One page of a list endpoint, e.g. `listPage('/stages/email/', { page: 2, pageSize: 50 })`. */
  async listPage<T = StageObject>(apiPath: string, query: ListPageQuery = {}, options?: RequestOptions): Promise<Paginated<T>> {
    const path = collectionPath(apiPath);
    const raw = await this.http.request<unknown>({ method: 'GET', path, query: pageQueryParams(query) }, options);
    return normalizePage<T>(raw, query.page ?? 1, query.pageSize ?? DEFAULT_PAGE_SIZE, { server: this.baseUrl, path: `/api/v3${path}` });
  }

  /**
   * The pages of a list endpoint, in order, as an async iterable. Page 1 first; once it tells the
   * page count, up to `concurrency` (default 1: one page per loop turn) are fetched ahead.
   */
  pages<T = StageObject>(apiPath: string, query: PagesQuery = {}, options: RequestOptions = {}): AsyncGenerator<Paginated<T>, void, undefined> {
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    return iteratePages<T>((page, signal) => this.listPage<T>(apiPath, { ...query, page, pageSize }, { ...options, signal }), this.listSource(apiPath), {
      concurrency: query.concurrency ?? 1,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /**
   * Every object of a list endpoint, in the server's order: page 1, then the remaining pages
   * with at most `concurrency` (default 6) requests in flight. `pageSize` default 100.
   */
  listAll<T = StageObject>(apiPath: string, query: ListAllQuery = {}, options: RequestOptions = {}): Promise<T[]> {
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    const { onProgress, concurrency, ...listQuery } = query;
    return collectAll<T>((page, signal) => this.listPage<T>(apiPath, { ...listQuery, page, pageSize }, { ...options, signal }), this.listSource(apiPath), {
      concurrency: concurrency ?? DEFAULT_LIST_CONCURRENCY,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(onProgress ? { onProgress } : {}),
      ...(this.logger ? { log: (line: string) => this.logger?.(`${collectionPath(apiPath)}: ${line}`) } : {}),
    });
  }

  /**
   * `answer` as the object (or list) authentik always sends there; anything else (a bare string,
   * a list for an object, an empty body) is an error naming the server and the request.
   */
  private shaped<T>(shape: 'object' | 'list', method: HttpMethod, path: string, answer: unknown): T {
    const isList = Array.isArray(answer);
    const isObject = typeof answer === 'object' && answer !== null && !isList;
    if (shape === 'list' ? isList : isObject) return answer as T;
    const got = answer === undefined ? 'an empty body' : answer === null ? 'null' : isList ? 'a list' : isObject ? 'an object' : `a ${typeof answer}`;
    throw new AuthentikInvalidResponseError(
      `authentik at ${this.baseUrl} answered ${method} /api/v3${path} with ${got}, not the ${shape === 'list' ? 'list' : 'object'} authentik sends there. Check the server URL (it must be authentik itself).`,
      { server: this.baseUrl, method, url: `${this.apiUrl}${path}`, status: 200, contentType: 'application/json', bodySnippet: '' },
    );
  }

  private listSource(apiPath: string): ListSource {
    return { server: this.baseUrl, path: `/api/v3${collectionPath(apiPath)}` };
  }

  async retrieve<T = StageObject>(apiPath: string, pk: string | number, options?: RequestOptions): Promise<T> {
    const path = objectPath(apiPath, pk);
    return this.shaped<T>('object', 'GET', path, await this.http.request<unknown>({ method: 'GET', path }, options));
  }

  /** POST: never retried (a create that got no answer may have happened). */
  async create<T = StageObject>(apiPath: string, body: StageRequestBody, options?: RequestOptions): Promise<T> {
    const path = collectionPath(apiPath);
    return this.shaped<T>('object', 'POST', path, await this.http.request<unknown>({ method: 'POST', path, body }, options));
  }

  /** PUT: the whole object; idempotent, so retried on transient failures. */
  async update<T = StageObject>(apiPath: string, pk: string | number, body: StageRequestBody, options?: RequestOptions): Promise<T> {
    const path = objectPath(apiPath, pk);
    return this.shaped<T>('object', 'PUT', path, await this.http.request<unknown>({ method: 'PUT', path, body }, options));
  }

  /** PATCH: the given fields only; never retried. */
  async partialUpdate<T = StageObject>(apiPath: string, pk: string | number, body: StageRequestBody, options?: RequestOptions): Promise<T> {
    const path = objectPath(apiPath, pk);
    return this.shaped<T>('object', 'PATCH', path, await this.http.request<unknown>({ method: 'PATCH', path, body }, options));
  }

  /**
   * DELETE. Retried on transient failures; a 404 on a retry (the first attempt deleted it but its
   * answer was lost) counts as deleted. A 404 on the first attempt is thrown.
   */
  async delete(apiPath: string, pk: string | number, options?: RequestOptions): Promise<void> {
    try {
      await this.http.request<unknown>({ method: 'DELETE', path: objectPath(apiPath, pk) }, options);
    } catch (error) {
      if (error instanceof AuthentikNotFoundError && error.attempts > 1) {
        this.logger?.(`DELETE ${objectPath(apiPath, pk)}: 404 on a retry, taken as deleted by the earlier attempt`);
        return;
      }
      throw error;
    }
  }

  /** What references the object (`…/<pk>/used_by/`): what a delete would affect. */
  async usedBy(apiPath: string, pk: string | number, options?: RequestOptions): Promise<UsedBy[]> {
    const path = objectPath(apiPath, pk, 'used_by/');
    return this.shaped<UsedBy[]>('list', 'GET', path, await this.http.request<unknown>({ method: 'GET', path }, options));
  }

  // ── Named endpoints ────────────────────────────────────────────────────────────────────────

  /** Every stage of every type (`/stages/all/`), paged like `listAll`. */
  allStages(query: ListAllQuery = {}, options?: RequestOptions): Promise<StageObject[]> {
    return this.listAll<StageObject>('/stages/all/', query, options);
  }

  /** The creatable stage types (`/stages/all/types/`). */
  async stageTypes(options?: RequestOptions): Promise<StageType[]> {
    const path = '/stages/all/types/';
    return this.shaped<StageType[]>('list', 'GET', path, await this.http.request<unknown>({ method: 'GET', path }, options));
  }

  /** The email templates the server offers, built-in and custom (`/stages/email/templates/`). */
  async emailTemplates(options?: RequestOptions): Promise<EmailTemplate[]> {
    const path = '/stages/email/templates/';
    return this.shaped<EmailTemplate[]>('list', 'GET', path, await this.http.request<unknown>({ method: 'GET', path }, options));
  }

  /**
   * The server's OpenAPI document as text (`/schema/`, YAML by default), fetched without the token,
   * up to `MAX_SCHEMA_BYTES` unless told otherwise.
   */
  schema(options: RequestOptions & { format?: 'yaml' | 'json' } = {}): Promise<string> {
    const { format = 'yaml', ...rest } = options;
    const requestOptions: RequestOptions = { maxBodyBytes: MAX_SCHEMA_BYTES, ...rest };
    return this.http.request<string>(
      {
        method: 'GET',
        path: '/schema/',
        auth: false,
        responseType: 'text',
        accept: format === 'json' ? 'application/vnd.oai.openapi+json, application/json;q=0.9' : 'application/vnd.oai.openapi, application/yaml;q=0.9, */*;q=0.1',
      },
      requestOptions,
    );
  }

  /**
   * The server's version (`/admin/version/`). An answer that is not an object, or whose
   * `version_current` is not a short string of printable characters, is an error: callers compare
   * it, print it and name cache files after it.
   */
  async version(options?: RequestOptions): Promise<Version> {
    const path = '/admin/version/';
    const answer = await this.http.request<unknown>({ method: 'GET', path }, options);
    const problem = versionProblem(answer);
    if (problem) {
      throw new AuthentikInvalidResponseError(
        `authentik at ${this.baseUrl} answered GET /api/v3${path} with ${problem}. authentik always sends its version there: check the server URL (it must be authentik itself).`,
        { server: this.baseUrl, method: 'GET', url: `${this.apiUrl}${path}`, status: 200, contentType: 'application/json', bodySnippet: '' },
      );
    }
    return answer as Version;
  }

  /** The token's user (`/core/users/me/`): a cheap check that URL and token work. */
  me(options?: RequestOptions): Promise<SessionUser> {
    return this.http.request<SessionUser>({ method: 'GET', path: '/core/users/me/' }, options);
  }

  /** Every flow (`/flows/instances/`). */
  flows(query: ListAllQuery = {}, options?: RequestOptions): Promise<Flow[]> {
    return this.listAll<Flow>('/flows/instances/', query, options);
  }

  /** One flow by slug. */
  flow(slug: string, options?: RequestOptions): Promise<Flow> {
    return this.retrieve<Flow>('/flows/instances/', slug, options);
  }

  /** Flow–stage bindings (`/flows/bindings/`), filtered by stage pk and/or flow pk (`target`). */
  bindings(filter: { stage?: string; target?: string } = {}, query: ListAllQuery = {}, options?: RequestOptions): Promise<FlowStageBinding[]> {
    const filters: QueryParams = { ...(query.filters ?? {}) };
    if (filter.stage !== undefined) filters.stage = filter.stage;
    if (filter.target !== undefined) filters.target = filter.target;
    return this.listAll<FlowStageBinding>('/flows/bindings/', { ...query, filters }, options);
  }
}

export type { ListAllQuery, ListPageQuery, ListQuery, PagesQuery };
