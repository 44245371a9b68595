/**
 * The transport: one HTTP call to authentik's `/api/v3`, with the bearer token, JSON in and out,
 * a time limit per attempt, retries as `retry.ts` decides, and failures turned into the errors of
 * `errors.ts`. It knows nothing about endpoints. The token lives only in the request headers it
 * builds; every text that leaves this module (log lines, error messages, error bodies) passes
 * through `redact` first.
 */
import { inspect } from 'node:util';
import {
  AuthentikAbortError,
  AuthentikConnectionError,
  AuthentikError,
  AuthentikInvalidResponseError,
  AuthentikResponseTooLargeError,
  AuthentikTimeoutError,
  errorFromResponse,
  formatBytes,
  type AuthentikErrorContext,
} from './errors';
import { redactDeep, tokenRedactor, type Redactor } from './redact';
import { DEFAULT_RETRY, isIdempotent, retryAfterMs, retryDecision, type AttemptFailure, type ResolvedRetryOptions, type RetryOptions } from './retry';

/**
 * What the client needs of `fetch`. Node's global `fetch` fits, and so does a test's fake
 * `async (url, init) => new Response(…)`. The client always passes a string URL and an init with
 * `method`, `headers` (a plain object), `body` (a string or nothing), `signal` and
 * `redirect: 'manual'`: a redirect is never followed (it would carry the token and the body to
 * wherever the server points); the transport reports it instead.
 */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Per-call options (after openai-node's `RequestOptions`); each overrides the client's default. */
export interface RequestOptions {
  /** Time limit of each attempt, from sending to the end of the body. */
  timeoutMs?: number;
  /** Retries after the first attempt (idempotent requests only). */
  maxRetries?: number;
  /** Cancels the call (and any wait between retries): it then rejects with `AuthentikAbortError`. */
  signal?: AbortSignal;
  /** Extra request headers. `Authorization` cannot be set here. */
  headers?: Record<string, string>;
  /** The largest answer accepted, in bytes; reading stops past it. Default `DEFAULT_MAX_BODY_BYTES`. */
  maxBodyBytes?: number;
}

export type QueryValue = string | number | boolean | null | undefined | ReadonlyArray<string | number | boolean>;
export type QueryParams = Record<string, QueryValue>;

export interface HttpRequest {
  method: HttpMethod;
  /** Path under `/api/v3`, starting with `/`, e.g. `/stages/email/`. */
  path: string;
  query?: QueryParams;
  /** Sent as JSON. */
  body?: unknown;
  /** Send the token (default true). `/schema/` is readable without one. */
  auth?: boolean;
  accept?: string;
  /** `json` (default): the parsed body, `undefined` when empty. `text`: the body as it came. */
  responseType?: 'json' | 'text';
}

/**
 * The largest answer read from an API endpoint. authentik's biggest JSON answers (a page of 100
 * prompt stages, a flow export) are well under 1 MB; anything near this is not authentik.
 */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * The deepest JSON accepted. authentik's answers nest a few levels (a stage, its `flow_set`, a
 * field error's item path); `JSON.parse` accepts any depth, but everything that walks the value
 * afterwards recurses, and a body nested a million deep would overflow the stack there.
 */
export const MAX_JSON_DEPTH = 100;

/** Whether `value` nests objects or lists deeper than `limit` (checked without recursion). */
function deeperThan(value: unknown, limit: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth >= limit) return true;
    for (const inner of Object.values(next.value)) if (typeof inner === 'object' && inner !== null) stack.push({ value: inner, depth: next.depth + 1 });
  }
  return false;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface TransportOptions {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  maxRetries: number;
  fetch: FetchLike;
  userAgent: string;
  logger?: (line: string) => void;
  retry?: RetryOptions;
  /** Waits between retries (tests inject a recorder). */
  sleep?: Sleep;
  /** Source of jitter, 0 ≤ x < 1 (tests inject a constant). */
  random?: () => number;
  /** Said in messages when the server refuses the token. */
  tokenHint?: string;
  /** The largest body read, in bytes, unless a request says otherwise. Default `DEFAULT_MAX_BODY_BYTES`. */
  maxBodyBytes?: number;
}

const abortableSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * The server's base URL as the client uses it: scheme, host, port and path prefix, no trailing
 * slash, no `/api/v3` (appended by the client; accepted and dropped when given).
 */
export function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new AuthentikError(`"${baseUrl}" is not a URL: give the authentik server's address, e.g. https://auth.example.com.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AuthentikError(`The authentik server URL must start with https:// or http://, not ${url.protocol}//.`);
  }
  if (url.username || url.password) {
    throw new AuthentikError(
      `The authentik server URL ${url.protocol}//${url.host}${url.pathname} must not hold a user name or password: authenticate with an API token instead.`,
    );
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v3$/, '');
  return `${url.origin}${path}`;
}

/** `?a=1&b=x&b=y`: arrays repeat the key (OpenAPI `explode: true`), `null`/`undefined` are left out. */
export function queryString(query: QueryParams | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value as ReadonlyArray<string | number | boolean>) params.append(key, String(item));
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function headersRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key.toLowerCase()] = value;
  });
  return out;
}

/** Rejects as soon as `signal` aborts, even if `promise` (a fetch that ignores signals) never settles. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

type AttemptResult =
  | { kind: 'response'; status: number; headers: Record<string, string>; text: string }
  /** The body grew past the limit: reading stopped there, the connection was dropped. */
  | { kind: 'too-large'; status: number; headers: Record<string, string>; limit: number }
  | { kind: 'network'; error: unknown }
  /** `stalled`: the headers had come (with this status) and part of the body, then nothing more. */
  | { kind: 'timeout'; stalled?: { status: number; bytes: number } }
  | { kind: 'abort' };

/** What has arrived of a response so far, for the message when the rest never does. */
interface BodyProgress {
  bytes: number;
}

/**
 * The body as text, read chunk by chunk and given up on (the stream cancelled, so the connection
 * closes) as soon as it passes `limit` bytes: a server sending without end costs at most `limit`.
 * UTF-8 with a leading byte-order mark dropped, as `Response.text()` decodes.
 */
async function readBodyLimited(response: Response, limit: number, signal: AbortSignal, progress: BodyProgress): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    void response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const onAbort = (): void => void reader.cancel(signal.reason).catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      progress.bytes += value.byteLength;
      if (progress.bytes > limit) {
        void reader.cancel().catch(() => undefined);
        return undefined;
      }
      chunks.push(value);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return new TextDecoder().decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, progress.bytes));
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL|EPROTO/;
const DROPPED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ERR_STREAM_PREMATURE_CLOSE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);

/** The system error code behind a fetch failure (`TypeError: fetch failed` keeps it in `cause`). */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    current = (current as { cause?: unknown }).cause;
  }
  if (error instanceof Error && /terminated|other side closed|socket hang up/i.test(error.message)) return 'ECONNRESET';
  return undefined;
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

export class HttpTransport {
  /** The server's base URL (no `/api/v3`). */
  readonly server: string;
  /** `<server>/api/v3`. */
  readonly apiRoot: string;
  readonly defaultTimeoutMs: number;
  readonly defaultMaxRetries: number;
  private readonly authorization: string | undefined;
  private readonly redactor: Redactor;
  private readonly maxBodyBytes: number;
  private readonly fetchImpl: FetchLike;
  private readonly userAgent: string;
  private readonly logger: ((line: string) => void) | undefined;
  private readonly retryOptions: ResolvedRetryOptions;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly tokenHint: string | undefined;

  constructor(options: TransportOptions) {
    this.server = normalizeBaseUrl(options.baseUrl);
    this.apiRoot = `${this.server}/api/v3`;
    const token = (options.token ?? '').trim();
    // A header value with a line break or control character makes fetch throw a TypeError that
    // quotes the value, token and all: refuse it here, without repeating it.
    if (/[\u0000-\u001f\u007f]/.test(token) || /[^\u0000-\u00ff]/.test(token)) {
      throw new AuthentikError('The API token holds line breaks or other characters a token cannot have: copy it again from authentik (Directory → Tokens).');
    }
    this.authorization = token ? `Bearer ${token}` : undefined;
    this.redactor = tokenRedactor(token);
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.defaultTimeoutMs = options.timeoutMs;
    this.defaultMaxRetries = options.maxRetries;
    this.fetchImpl = options.fetch;
    this.userAgent = options.userAgent;
    this.logger = options.logger;
    this.retryOptions = { ...DEFAULT_RETRY, ...(options.retry ?? {}) };
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
    this.tokenHint = options.tokenHint;
  }

  /** Replaces the token wherever it appears in `text`, in any encoding a server might echo it in. */
  redact(text: string): string {
    return this.redactor(text);
  }

  url(path: string, query?: QueryParams): string {
    if (!path.startsWith('/')) throw new AuthentikError(`API paths start with "/" (got "${path}"), e.g. /stages/email/.`);
    return `${this.apiRoot}${path}${queryString(query)}`;
  }

  private log(line: string): void {
    if (this.logger) this.logger(this.redact(line));
  }

  /** Makes the request, retrying as the policy allows; resolves with the decoded body. */
  async request<T>(request: HttpRequest, options: RequestOptions = {}): Promise<T> {
    const method = request.method;
    const url = this.url(request.path, request.query);
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const maxRetries = Math.max(0, options.maxRetries ?? this.defaultMaxRetries);
    const headers: Record<string, string> = { Accept: request.accept ?? 'application/json', 'User-Agent': this.userAgent };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['Content-Type'] = 'application/json';
    }
    // The caller's headers replace the defaults of the same name; the token is the client's alone.
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      const lower = name.toLowerCase();
      if (lower === 'authorization') continue;
      for (const existing of Object.keys(headers)) if (existing.toLowerCase() === lower) delete headers[existing];
      headers[name] = value;
    }
    if (request.auth !== false && this.authorization) headers.Authorization = this.authorization;
    const context = (attempts: number): AuthentikErrorContext => ({ server: this.server, method, url, attempts });
    const signal = options.signal;

    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw new AuthentikAbortError(`${method} ${url} was cancelled.`, context(attempt - 1));
      const started = Date.now();
      const limit = options.maxBodyBytes ?? this.maxBodyBytes;
      const result = await this.attempt(url, { method, headers, ...(body === undefined ? {} : { body }) }, timeoutMs, limit, signal);
      const elapsed = Date.now() - started;
      if (result.kind === 'abort') {
        this.log(`${method} ${url} → cancelled after ${elapsed} ms`);
        throw new AuthentikAbortError(`${method} ${url} was cancelled.`, context(attempt));
      }
      if (result.kind === 'too-large') {
        // The same server sends the same oversized answer again: never retried.
        this.log(`${method} ${url} → ${result.status} with a body over ${formatBytes(result.limit)} in ${elapsed} ms; stopped reading, not retried`);
        throw this.tooLargeError(result, context(attempt));
      }
      if (result.kind === 'response' && result.status >= 200 && result.status < 300) {
        this.log(`${method} ${url} → ${result.status} in ${elapsed} ms${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
        return this.decodeSuccess<T>(request, result, context(attempt));
      }
      const failure: AttemptFailure =
        result.kind === 'response' ? { kind: 'status', status: result.status, headers: result.headers } : { kind: result.kind };
      const outcome =
        result.kind === 'response'
          ? `${result.status}`
          : result.kind === 'timeout'
            ? `timeout after ${timeoutMs} ms${result.stalled ? ` (status ${result.stalled.status} and ${result.stalled.bytes} bytes of the body had come)` : ''}`
            : `network error ${networkErrorCode(result.error) ?? errorText(result.error)}`;
      const decision = retryDecision(method, failure, attempt - 1, maxRetries, this.retryOptions, this.random);
      if (decision.retry) {
        this.log(`${method} ${url} → ${outcome} in ${elapsed} ms; retrying in ${decision.delayMs} ms (retry ${attempt} of ${maxRetries})`);
        try {
          await this.sleep(decision.delayMs, signal);
        } catch {
          throw new AuthentikAbortError(`${method} ${url} was cancelled.`, context(attempt));
        }
        continue;
      }
      this.log(`${method} ${url} → ${outcome} in ${elapsed} ms; ${attempt > 1 || maxRetries > 0 ? `not retried (${decision.reason})` : 'giving up'}`);
      throw this.failureError(result, context(attempt), timeoutMs, decision.retry ? undefined : decision.retryAfterMs);
    }
  }

  private async attempt(
    url: string,
    init: { method: string; headers: Record<string, string>; body?: string },
    timeoutMs: number,
    limit: number,
    signal: AbortSignal | undefined,
  ): Promise<AttemptResult> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const onAbort = (): void => controller.abort(signal?.reason);
    if (signal) signal.addEventListener('abort', onAbort, { once: true });
    let arrived: { status: number; progress: BodyProgress } | undefined;
    try {
      // The time limit covers the body too: a server that sends headers and then stalls times out.
      const response = await raceAbort(this.fetchImpl(url, { ...init, redirect: 'manual', signal: controller.signal }), controller.signal);
      // A browser-style fetch hides a redirect's status and Location as an "opaque redirect".
      const status = response.type === 'opaqueredirect' ? 0 : response.status;
      arrived = { status, progress: { bytes: 0 } };
      const headers = headersRecord(response.headers);
      if (init.method === 'HEAD') {
        void response.body?.cancel().catch(() => undefined);
        return { kind: 'response', status, headers, text: '' };
      }
      const text = await raceAbort(readBodyLimited(response, limit, controller.signal, arrived.progress), controller.signal);
      if (text === undefined) return { kind: 'too-large', status, headers, limit };
      return { kind: 'response', status, headers, text };
    } catch (error) {
      if (signal?.aborted) return { kind: 'abort' };
      if (timedOut) return { kind: 'timeout', ...(arrived ? { stalled: { status: arrived.status, bytes: arrived.progress.bytes } } : {}) };
      return { kind: 'network', error };
    } finally {
      clearTimeout(timer);
      if (signal) signal.removeEventListener('abort', onAbort);
    }
  }

  private tooLargeError(result: Extract<AttemptResult, { kind: 'too-large' }>, context: AuthentikErrorContext): AuthentikResponseTooLargeError {
    const where = `${context.method} ${new URL(context.url ?? this.apiRoot).pathname}`;
    const contentType = this.redact(result.headers['content-type'] ?? '');
    return new AuthentikResponseTooLargeError(
      `authentik at ${this.server} answered ${where} (${result.status}) with more than ${formatBytes(result.limit)}, far more than authentik sends for it: reading stopped there and nothing of it was used. Check the server URL: it must be authentik itself, not a proxy or another service.`,
      { ...context, status: result.status, contentType, bodySnippet: '', limitBytes: result.limit },
    );
  }

  private decodeSuccess<T>(request: HttpRequest, result: { status: number; headers: Record<string, string>; text: string }, context: AuthentikErrorContext): T {
    if (request.responseType === 'text') return result.text as unknown as T;
    if (result.text.trim() === '') return undefined as unknown as T;
    let value: unknown;
    try {
      value = JSON.parse(result.text);
    } catch {
      const contentType = this.redact(result.headers['content-type'] ?? '');
      // Redacted whole, then cut: a cut first could keep the start of an echoed token.
      const snippet = this.redact(result.text).slice(0, 200);
      const looksHtml = /html/i.test(contentType) || /^\s*</.test(result.text);
      throw new AuthentikInvalidResponseError(
        `${this.server} answered ${context.method} ${new URL(context.url ?? this.apiRoot).pathname} with ${
          looksHtml ? 'a web page' : `something that is not JSON${contentType ? ` (${contentType})` : ''}`
        } instead of authentik's API. Check the server URL: it must be authentik itself (not a login portal or proxy page), e.g. https://auth.example.com.`,
        { ...context, status: result.status, contentType, bodySnippet: snippet },
      );
    }
    if (deeperThan(value, MAX_JSON_DEPTH)) {
      throw new AuthentikInvalidResponseError(
        `authentik at ${this.server} answered ${context.method} ${new URL(context.url ?? this.apiRoot).pathname} with JSON nested more than ${MAX_JSON_DEPTH} levels deep, which authentik never sends: it was not used. Check the server URL: it must be authentik itself.`,
        { ...context, status: result.status, contentType: this.redact(result.headers['content-type'] ?? ''), bodySnippet: '' },
      );
    }
    return value as T;
  }

  private failureError(result: Exclude<AttemptResult, { kind: 'abort' | 'too-large' }>, context: AuthentikErrorContext, timeoutMs: number, retryAfter: number | undefined): AuthentikError {
    const where = `${context.method} ${new URL(context.url ?? this.apiRoot).pathname}`;
    const tries = context.attempts && context.attempts > 1 ? ` (${context.attempts} attempts)` : '';
    if (result.kind === 'response') {
      const text = this.redact(result.text);
      let body: unknown = text;
      if (text.trim()) {
        try {
          const parsed: unknown = JSON.parse(text);
          // Decoding can spell the token out of escapes the text redactor did not know: redact
          // again. A body nested past the limit is kept as its (redacted) text: nothing walks that.
          if (!deeperThan(parsed, MAX_JSON_DEPTH)) body = redactDeep(parsed, this.redactor);
        } catch {
          // not JSON: keep the text
        }
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(result.headers)) headers[name] = this.redact(value);
      return errorFromResponse({
        ...context,
        status: result.status,
        headers,
        body,
        ...(this.tokenHint ? { tokenHint: this.tokenHint } : {}),
        ...((retryAfter ?? retryAfterMs(result.headers)) === undefined ? {} : { retryAfterMs: retryAfter ?? retryAfterMs(result.headers) }),
      });
    }
    // A write that got no answer may have been applied: it is never retried, and the user is told.
    const unsure = isIdempotent(context.method ?? 'GET')
      ? ''
      : ` It was not retried: the server may or may not have applied it, so check before sending it again.`;
    if (result.kind === 'timeout') {
      const stalled = result.stalled;
      return new AuthentikTimeoutError(
        stalled
          ? `authentik at ${this.server} began answering ${where} (${stalled.status}, ${formatBytes(stalled.bytes)} of the body) and then stopped sending: the answer was not complete within ${timeoutMs} ms${tries}. The server or a proxy in front of it may be stuck: try again, or allow more time.${unsure}`
          : `authentik at ${this.server} did not answer ${where} within ${timeoutMs} ms${tries}. The server may be overloaded or unreachable: try again, or allow more time.${unsure}`,
        { ...context, timeoutMs },
      );
    }
    const code = networkErrorCode(result.error);
    const detail = this.redact(errorText(result.error));
    // Keep the original error as the cause only if it cannot leak the token.
    const cause = this.redact(inspect(result.error)) === inspect(result.error) ? result.error : undefined;
    let message: string;
    if (code === 'ECONNREFUSED') {
      message = `Could not connect to authentik at ${this.server}: connection refused (ECONNREFUSED)${tries}. Check the server URL and that authentik is running.`;
    } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      message = `Could not find the host of ${this.server} (${code}). Check the server URL and your DNS or network.`;
    } else if (code && TLS_CODES.test(code)) {
      message = `authentik at ${this.server} presented a TLS certificate that is not trusted (${code}). If the server uses a self-signed certificate or a private CA, add that CA certificate (PEM) to the connection settings.`;
    } else if (code && DROPPED_CODES.has(code)) {
      message = `The connection to authentik at ${this.server} was dropped during ${where} (${code})${tries}. Check the network or proxy between you and the server, and try again.`;
    } else {
      message = `Could not reach authentik at ${this.server} during ${where} (${code ?? detail})${tries}. Check the server URL and your network.`;
    }
    if (!(code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || (code && TLS_CODES.test(code)))) message += unsure;
    return new AuthentikConnectionError(message, { ...context, ...(code ? { code } : {}) }, cause === undefined ? undefined : { cause });
  }
}
