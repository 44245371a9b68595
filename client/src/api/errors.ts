/**
 * Every way a call to authentik can fail, as one class hierarchy (after openai-node's
 * `core/error.ts`), plus the one factory that turns an error response into the right class.
 *
 *   AuthentikError                      base of everything thrown by the client
 *   ├─ AuthentikApiError                the server answered with a status ≥ 300
 *   │  ├─ AuthentikRedirectError        3xx: never followed (it would take the token elsewhere)
 *   │  ├─ AuthentikValidationError      400: DRF field errors
 *   │  ├─ AuthentikAuthenticationError  401/403: token refused, or its user lacks a permission
 *   │  ├─ AuthentikNotFoundError        404
 *   │  ├─ AuthentikRateLimitError       429
 *   │  └─ AuthentikServerError          5xx
 *   ├─ AuthentikInvalidResponseError    a 2xx whose body is not the JSON authentik sends
 *   │  └─ AuthentikResponseTooLargeError  a body past the size limit (any status)
 *   ├─ AuthentikConnectionError         no answer: refused, reset, dropped, DNS, TLS
 *   │  └─ AuthentikTimeoutError         no answer within the time limit
 *   └─ AuthentikAbortError              the caller cancelled (its AbortSignal fired)
 *
 * Messages say what happened and what to do. The API token never appears in a message, a
 * property or a log line: the transport passes every text through its redactor before it gets
 * here, and nothing here ever sees request headers.
 */

/** What every client error carries besides its message. */
export interface AuthentikErrorContext {
  /** The server's base URL (without `/api/v3`), for messages. */
  server?: string;
  method?: string;
  /** The full request URL (never contains the token). */
  url?: string;
  /** How many attempts were made (1 = no retry). */
  attempts?: number;
}

export class AuthentikError extends Error {
  override readonly name: string = 'AuthentikError';
  readonly server: string | undefined;
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly attempts: number;

  constructor(message: string, context: AuthentikErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.server = context.server;
    this.method = context.method;
    this.url = context.url;
    this.attempts = context.attempts ?? 1;
  }
}

/** One DRF validation message with where it points, e.g. `{ path: ['sources', 1], message: 'Invalid pk …' }`. */
export interface ValidationIssue {
  /** Field path from the top of the body; `[]` for a non-field error. */
  path: Array<string | number>;
  message: string;
}

/**
 * The decoded DRF error body.
 *
 * `fieldErrors` is keyed by the TOP-LEVEL field of the request body (the key of the stage file a
 * diagnostic belongs on). Errors deeper down keep their sub-path as a prefix of the message:
 * `{"sources": {"1": ["Invalid pk"]}}` and `{"sources": [{}, ["Invalid pk"]]}` both become
 * `{ sources: ['[1]: Invalid pk'] }`, `{"config": {"url": ["Enter a valid URL."]}}` becomes
 * `{ config: ['url: Enter a valid URL.'] }`. `issues` holds the same messages with the full path.
 */
export interface DecodedErrorBody {
  detail?: string;
  code?: string;
  fieldErrors: Record<string, string[]>;
  nonFieldErrors: string[];
  issues: ValidationIssue[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pathPrefix(path: Array<string | number>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

/** Walks a DRF error value (string, list of messages, list of per-item errors, dict) into issues. */
function collectIssues(value: unknown, path: Array<string | number>, out: ValidationIssue[]): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    out.push({ path, message: String(value) });
    return;
  }
  if (Array.isArray(value)) {
    // A list of strings is a list of messages for this path; a list holding objects or lists is
    // one entry per item (ListSerializer / many=True), with `{}` for the items that were fine.
    const perItem = value.some((item) => typeof item === 'object' && item !== null);
    value.forEach((item, index) => collectIssues(item, perItem ? [...path, index] : path, out));
    return;
  }
  if (isRecord(value)) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'non_field_errors') collectIssues(inner, path, out);
      else collectIssues(inner, [...path, /^\d+$/.test(key) ? Number(key) : key], out);
    }
  }
}

/** Decodes a DRF error body: `{field: [..]}`, `{non_field_errors: [..]}`, `{detail, code}`, `[..]` or text. */
export function decodeErrorBody(body: unknown): DecodedErrorBody {
  const decoded: DecodedErrorBody = { fieldErrors: {}, nonFieldErrors: [], issues: [] };
  if (typeof body === 'string') {
    const text = body.trim();
    if (text) decoded.detail = text.length > 300 ? `${text.slice(0, 300)}…` : text;
    return decoded;
  }
  let fields: Record<string, unknown> = {};
  if (Array.isArray(body)) fields = { non_field_errors: body };
  else if (isRecord(body)) {
    fields = { ...body };
    if (typeof fields.detail === 'string') {
      decoded.detail = fields.detail;
      delete fields.detail;
    }
    if (typeof fields.code === 'string') {
      decoded.code = fields.code;
      delete fields.code;
    }
  }
  collectIssues(fields, [], decoded.issues);
  for (const issue of decoded.issues) {
    if (issue.path.length === 0) {
      decoded.nonFieldErrors.push(issue.message);
      continue;
    }
    const [top, ...rest] = issue.path;
    const key = String(top);
    const message = rest.length ? `${pathPrefix(rest)}: ${issue.message}` : issue.message;
    (decoded.fieldErrors[key] ??= []).push(message);
  }
  return decoded;
}

/** What `errorFromResponse` needs to know about a response that was not a success. */
export interface ErrorResponseContext extends AuthentikErrorContext {
  status: number;
  /** The response headers (lower-case names). */
  headers?: Record<string, string>;
  /** The parsed JSON body, or its text when it was not JSON. */
  body: unknown;
  /** Added to the message of a 401/403 that refused the token, e.g. "check AUTHENTIK_TOKEN". */
  tokenHint?: string;
  /** Milliseconds the server asked to wait before trying again (`Retry-After`), if it said. */
  retryAfterMs?: number;
}

function describeRequest(context: AuthentikErrorContext): string {
  if (!context.method) return 'the request';
  let path = context.url ?? '';
  try {
    const url = new URL(path);
    path = url.pathname + url.search;
  } catch {
    // keep it as it is
  }
  return `${context.method} ${path}`.trim();
}

function serverText(context: AuthentikErrorContext): string {
  return context.server ? `authentik at ${context.server}` : 'authentik';
}

function summary(decoded: DecodedErrorBody, limit = 5): string {
  const parts: string[] = [];
  const trim = (text: string): string => text.replace(/\.\s*$/, '');
  if (decoded.detail) parts.push(trim(decoded.detail));
  parts.push(...decoded.nonFieldErrors.map(trim));
  for (const [field, messages] of Object.entries(decoded.fieldErrors)) {
    for (const message of messages) parts.push(`${field}: ${trim(message)}`);
  }
  if (parts.length === 0) return '';
  const shown = parts.slice(0, limit).join('; ');
  return parts.length > limit ? `${shown}; and ${parts.length - limit} more` : shown;
}

function attemptsText(attempts: number | undefined): string {
  return attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
}

/** The server answered with a status that is not a success. */
export class AuthentikApiError extends AuthentikError {
  override readonly name: string = 'AuthentikApiError';
  readonly status: number;
  /** Response headers, lower-case names. */
  readonly headers: Record<string, string>;
  /** The parsed JSON body (or the text when it was not JSON). */
  readonly body: unknown;
  /** `detail` of a `{detail, code}` body (403, 404, …), or the start of a non-JSON body. */
  readonly detail: string | undefined;
  readonly code: string | undefined;
  /** DRF field errors by top-level field; nested paths are a prefix of each message (see `DecodedErrorBody`). */
  readonly fieldErrors: Record<string, string[]>;
  readonly nonFieldErrors: string[];
  /** Every field and non-field message with its full path. */
  readonly issues: ValidationIssue[];
  /** authentik's request id (`X-authentik-id`), for the server logs. */
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, context: ErrorResponseContext, decoded: DecodedErrorBody = decodeErrorBody(context.body)) {
    super(message, context);
    this.status = context.status;
    this.headers = context.headers ?? {};
    this.body = context.body;
    this.detail = decoded.detail;
    this.code = decoded.code;
    this.fieldErrors = decoded.fieldErrors;
    this.nonFieldErrors = decoded.nonFieldErrors;
    this.issues = decoded.issues;
    this.requestId = this.headers['x-authentik-id'] || undefined;
    this.retryAfterMs = context.retryAfterMs;
  }
}

/**
 * 3xx. The client never follows a redirect: it would send the token, and a write's body (secrets
 * from `!Env` included), to wherever the server points. `location` is where it pointed (if it said).
 */
export class AuthentikRedirectError extends AuthentikApiError {
  override readonly name: string = 'AuthentikRedirectError';
  readonly location: string | undefined;
  constructor(message: string, context: ErrorResponseContext, decoded: DecodedErrorBody) {
    super(message, context, decoded);
    this.location = this.headers['location'] || undefined;
  }
}

/** 400: the server rejected the body; `fieldErrors` says which field and why. */
export class AuthentikValidationError extends AuthentikApiError {
  override readonly name: string = 'AuthentikValidationError';
}

/** 401/403. `tokenRefused` tells an invalid/expired/missing token from a valid token lacking a permission. */
export class AuthentikAuthenticationError extends AuthentikApiError {
  override readonly name: string = 'AuthentikAuthenticationError';
  readonly tokenRefused: boolean;
  constructor(message: string, context: ErrorResponseContext, decoded: DecodedErrorBody, tokenRefused: boolean) {
    super(message, context, decoded);
    this.tokenRefused = tokenRefused;
  }
}

/** 404: no such object (deleted on the server?) or no such endpoint on this authentik version. */
export class AuthentikNotFoundError extends AuthentikApiError {
  override readonly name: string = 'AuthentikNotFoundError';
}

/** 429: too many requests; `retryAfterMs` says how long the server asked to wait, if it did. */
export class AuthentikRateLimitError extends AuthentikApiError {
  override readonly name: string = 'AuthentikRateLimitError';
}

/** 5xx: the server (or a proxy in front of it) failed. */
export class AuthentikServerError extends AuthentikApiError {
  override readonly name: string = 'AuthentikServerError';
}

/** A success status whose body is not what authentik sends (HTML from a proxy or a login page, broken JSON). */
export class AuthentikInvalidResponseError extends AuthentikError {
  override readonly name: string = 'AuthentikInvalidResponseError';
  readonly status: number;
  readonly contentType: string;
  /** The first characters of the body. */
  readonly bodySnippet: string;
  constructor(message: string, context: AuthentikErrorContext & { status: number; contentType: string; bodySnippet: string }) {
    super(message, context);
    this.status = context.status;
    this.contentType = context.contentType;
    this.bodySnippet = context.bodySnippet;
  }
}

/** The answer grew past the size limit: reading stopped there and none of it was used. */
export class AuthentikResponseTooLargeError extends AuthentikInvalidResponseError {
  override readonly name: string = 'AuthentikResponseTooLargeError';
  readonly limitBytes: number;
  constructor(message: string, context: AuthentikErrorContext & { status: number; contentType: string; bodySnippet: string; limitBytes: number }) {
    super(message, context);
    this.limitBytes = context.limitBytes;
  }
}

/** No answer: connection refused, reset or dropped, name not resolved, TLS certificate not trusted. */
export class AuthentikConnectionError extends AuthentikError {
  override readonly name: string = 'AuthentikConnectionError';
  /** The system error code when there was one: `ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, `DEPTH_ZERO_SELF_SIGNED_CERT`, … */
  readonly code: string | undefined;
  constructor(message: string, context: AuthentikErrorContext & { code?: string }, options?: { cause?: unknown }) {
    super(message, context, options);
    this.code = context.code;
  }
}

/** No answer within `timeoutMs` (per attempt). A kind of connection error. */
export class AuthentikTimeoutError extends AuthentikConnectionError {
  override readonly name: string = 'AuthentikTimeoutError';
  readonly timeoutMs: number;
  constructor(message: string, context: AuthentikErrorContext & { timeoutMs: number }) {
    super(message, { ...context, code: 'ETIMEDOUT' });
    this.timeoutMs = context.timeoutMs;
  }
}

/** The caller's `AbortSignal` fired: the request was cancelled, nothing to report to the user. */
export class AuthentikAbortError extends AuthentikError {
  override readonly name: string = 'AuthentikAbortError';
}

const TOKEN_WORDS = /token|credential|authenticat|expired|not authenticated|login/i;

/**
 * The one factory: the error class and message for a response with a non-success status.
 * 400 → Validation, 401/403 → Authentication, 404 → NotFound, 429 → RateLimit, 5xx → Server,
 * anything else → AuthentikApiError.
 */
export function errorFromResponse(context: ErrorResponseContext): AuthentikApiError {
  const decoded = decodeErrorBody(context.body);
  const { status } = context;
  const server = serverText(context);
  const request = describeRequest(context);
  const said = summary(decoded).replace(/[.!\s]+$/, '');
  const saidText = said ? `: ${said}` : '';
  const tries = attemptsText(context.attempts);

  if (status === 400) {
    const fields = Object.keys(decoded.fieldErrors);
    const what = fields.length ? `fix ${fields.map((f) => `\`${f}\``).join(', ')} and try again` : 'fix the request and try again';
    return new AuthentikValidationError(`${server} rejected ${request} (400)${saidText}. ${capitalise(what)}.`, context, decoded);
  }
  if (status === 401 || status === 403) {
    const text = [decoded.detail ?? '', ...decoded.nonFieldErrors].join(' ');
    // DRF: a missing token is "Authentication credentials were not provided.", authentik's bad
    // token "Token invalid/expired"; a valid token without the permission gets "You do not have
    // permission to perform this action."
    const tokenRefused = status === 401 || TOKEN_WORDS.test(text);
    const hint = context.tokenHint ?? 'check AUTHENTIK_TOKEN (or the token saved for this server) and that it has not expired';
    const message = tokenRefused
      ? `${server} refused the token (${status})${saidText}. ${capitalise(hint)}.`
      : `${server} denied ${request} (${status})${saidText}. The token is valid but its user lacks the permission: grant it in authentik's admin interface, or use another token.`;
    return new AuthentikAuthenticationError(message, context, decoded, tokenRefused);
  }
  if (status === 404) {
    return new AuthentikNotFoundError(
      `${server} has no ${request} (404)${saidText}. The object may have been deleted on the server, or this authentik version has no such endpoint.`,
      context,
      decoded,
    );
  }
  if (status === 429) {
    const wait = context.retryAfterMs !== undefined ? ` The server asked to wait ${formatSeconds(context.retryAfterMs)}.` : '';
    return new AuthentikRateLimitError(`${server} throttled ${request} (429)${tries}${saidText}.${wait} Try again later.`, context, decoded);
  }
  if (status >= 500) {
    return new AuthentikServerError(
      `${server} failed on ${request} (${status})${tries}${saidText}. This is a server-side error: see the authentik server logs${
        decoded.detail || !context.headers?.['x-authentik-id'] ? '' : ` (request ${context.headers['x-authentik-id']})`
      }, and try again later.`,
      context,
      decoded,
    );
  }
  if ((status >= 300 && status < 400) || status === 0) {
    return new AuthentikRedirectError(redirectMessage(server, request, status, context), context, decoded);
  }
  return new AuthentikApiError(`${server} answered ${request} with ${status}${saidText}.`, context, decoded);
}

/** Where a redirect pointed, quoted and cut short (it is the server's text). */
function redirectTarget(location: string): string {
  const oneLine = location.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return JSON.stringify(oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine);
}

function redirectMessage(server: string, request: string, status: number, context: ErrorResponseContext): string {
  const location = context.headers?.['location'];
  const target = location ? ` to ${redirectTarget(location)}` : '';
  let hint = '';
  try {
    const from = new URL(context.url ?? '');
    const to = new URL(location ?? '', from);
    if (location && to.host === from.host && from.protocol === 'http:' && to.protocol === 'https:') hint = ` (it redirects http:// to https://: use ${to.origin})`;
  } catch {
    // no usable Location: no hint
  }
  return `${server} redirected ${request} (${status || 'opaque redirect'})${target}. The redirect was not followed: nothing was sent to ${
    location ? 'that address' : 'another address'
  } — the token and the request stayed with ${context.server ?? 'the server you named'}. Fix the server URL (AUTHENTIK_URL, --url or the server's settings) to the address authentik answers on itself${hint}, then try again.`;
}

/** `1536` → `1.5 KiB`, for limits and sizes in messages. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
