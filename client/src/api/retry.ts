/**
 * The retry policy, all of it (after openai-node's `shouldRetry` / `retryRequest` /
 * `calculateDefaultRetryTimeoutMillis`). The transport asks `retryDecision` after every failed
 * attempt and does what it says; nothing else decides whether to try again.
 *
 * - Only idempotent methods are retried: GET, HEAD, OPTIONS, PUT, DELETE. POST and PATCH never
 *   are, whatever happened: a create that timed out may have been created.
 * - Only transient failures: no answer (network error, dropped connection, timeout) or status
 *   408, 429, 502, 503, 504; and 500 for GET/HEAD only (a read cannot half-apply; a write that
 *   answered 500 may have been applied).
 * - The wait: `Retry-After` (seconds or an HTTP date) or `retry-after-ms` when the server sent
 *   one and it is at most `maxRetryAfterMs` (60 s); a server asking for longer is not retried (the
 *   error carries `retryAfterMs` so the caller can say when to try again). Otherwise exponential
 *   backoff from `initialDelayMs` doubling per retry, capped at `maxDelayMs`, minus up to
 *   `jitter` (25 %) at random so that parallel callers spread out.
 */

export interface RetryOptions {
  /** First backoff delay. Default 500 ms. */
  initialDelayMs?: number;
  /** Cap of the backoff delay (before jitter). Default 8 s. */
  maxDelayMs?: number;
  /** Longest `Retry-After` honoured; longer means give up. Default 60 s. */
  maxRetryAfterMs?: number;
  /** Fraction of the delay taken off at random (0 … 1). Default 0.25. */
  jitter?: number;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export const DEFAULT_RETRY: ResolvedRetryOptions = Object.freeze({
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  jitter: 0.25,
});

/** How an attempt failed, as far as the policy cares. */
export type AttemptFailure =
  | { kind: 'status'; status: number; headers: Record<string, string> }
  | { kind: 'network' }
  | { kind: 'timeout' };

export type RetryDecision =
  | { retry: true; delayMs: number; reason: string }
  | { retry: false; reason: string; retryAfterMs?: number };

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const TRANSIENT_STATUS = new Set([408, 429, 502, 503, 504]);

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase());
}

/** Whether a status is worth another attempt for this method (ignoring the attempt count). */
export function isRetryableStatus(method: string, status: number): boolean {
  if (!isIdempotent(method)) return false;
  if (TRANSIENT_STATUS.has(status)) return true;
  const upper = method.toUpperCase();
  return status === 500 && (upper === 'GET' || upper === 'HEAD');
}

/**
 * The wait the server asked for, in ms: `retry-after-ms`, else `Retry-After` as seconds or as an
 * HTTP date (relative to `now`). `undefined` when absent or unreadable.
 */
export function retryAfterMs(headers: Record<string, string>, now: number = Date.now()): number | undefined {
  const ms = headers['retry-after-ms'];
  if (ms !== undefined && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const header = headers['retry-after'];
  if (header === undefined || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(header);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Exponential backoff for the given retry (0 = the first retry), capped, with jitter. */
export function backoffDelayMs(retry: number, options: ResolvedRetryOptions, random: () => number = Math.random): number {
  const base = Math.min(options.initialDelayMs * 2 ** retry, options.maxDelayMs);
  const jitter = Math.min(Math.max(options.jitter, 0), 1);
  return Math.round(base * (1 - jitter * random()));
}

/**
 * Whether to make another attempt after `failure`, and after how long. `retriesDone` counts the
 * retries already made (0 after the first attempt).
 */
export function retryDecision(
  method: string,
  failure: AttemptFailure,
  retriesDone: number,
  maxRetries: number,
  options: ResolvedRetryOptions = DEFAULT_RETRY,
  random: () => number = Math.random,
  now: number = Date.now(),
): RetryDecision {
  const upper = method.toUpperCase();
  const what = failure.kind === 'status' ? `status ${failure.status}` : failure.kind === 'timeout' ? 'timeout' : 'network error';
  if (!isIdempotent(upper)) return { retry: false, reason: `${upper} is not idempotent` };
  if (failure.kind === 'status' && !isRetryableStatus(upper, failure.status)) return { retry: false, reason: `${what} is not transient` };
  const asked = failure.kind === 'status' ? retryAfterMs(failure.headers, now) : undefined;
  if (retriesDone >= maxRetries) return { retry: false, reason: `${what}: no retries left`, ...(asked === undefined ? {} : { retryAfterMs: asked }) };
  if (asked !== undefined) {
    if (asked > options.maxRetryAfterMs) return { retry: false, reason: `${what}: server asked to wait ${asked} ms`, retryAfterMs: asked };
    return { retry: true, delayMs: Math.ceil(asked), reason: `${what}, Retry-After` };
  }
  return { retry: true, delayMs: backoffDelayMs(retriesDone, options, random), reason: what };
}
