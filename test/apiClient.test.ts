// The authentik API client (client/src/api): first against an injected fake fetch (retries,
// Retry-After, backoff, timeouts, DRF error decoding, token secrecy, concurrent paging), then over
// real HTTP on 127.0.0.1 (TLS with a private CA, and the sandbox server).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { inspect } from 'node:util';
import {
  AuthentikAbortError,
  AuthentikApiError,
  AuthentikAuthenticationError,
  AuthentikClient,
  AuthentikConnectionError,
  AuthentikError,
  AuthentikInvalidResponseError,
  AuthentikNotFoundError,
  AuthentikRateLimitError,
  AuthentikServerError,
  AuthentikTimeoutError,
  AuthentikValidationError,
  DEFAULT_RETRY,
  backoffDelayMs,
  decodeErrorBody,
  errorFromResponse,
  retryAfterMs,
  retryDecision,
  type AuthentikClientOptions,
  type FetchLike,
  type StageObject,
} from '../client/src/api';
import { startSandbox, type Sandbox } from '../tools/sandbox/server';
import { rejection } from './support/rejection';

const TOKEN = 'ak-test-Secr3tT0ken-0123456789abcdef';
const BASE = 'https://auth.example.com';

interface Call {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal | undefined;
}

type Reply = Response | Promise<Response>;

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** A fetch that records each call and answers with `handler` (an Error thrown = a network failure). */
function fakeFetch(handler: (call: Call, index: number) => Reply): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, key) => (headers[key] = value));
    const call: Call = {
      method: init.method ?? 'GET',
      url: new URL(url),
      headers,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      signal: init.signal ?? undefined,
    };
    calls.push(call);
    return handler(call, calls.length - 1);
  };
  return { fetch, calls };
}

/** Never answers; rejects when the request's signal fires (as fetch does). */
function hang(call: Call): Promise<Response> {
  return new Promise((_, reject) => call.signal?.addEventListener('abort', () => reject(call.signal?.reason ?? new Error('aborted'))));
}

function networkError(code: string): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(`${code} 127.0.0.1:1`), { code }) });
}

interface Harness {
  client: AuthentikClient;
  calls: Call[];
  sleeps: number[];
  logs: string[];
}

function harness(handler: (call: Call, index: number) => Reply, options: Partial<AuthentikClientOptions> = {}): Harness {
  const { fetch, calls } = fakeFetch(handler);
  const sleeps: number[] = [];
  const logs: string[] = [];
  const client = new AuthentikClient({
    baseUrl: BASE,
    token: TOKEN,
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0,
    logger: (line) => logs.push(line),
    ...options,
  });
  return { client, calls, sleeps, logs };
}


/** The token appears nowhere in the error (message, properties, cause, inspect) nor in the logs. */
function assertNoToken(error: unknown, logs: string[] = []): void {
  const texts = [String(error), inspect(error, { depth: 8, showHidden: true }), JSON.stringify(error), ...logs];
  if (error instanceof Error) texts.push(error.message, String(error.stack));
  for (const text of texts) assert.ok(!text.includes(TOKEN), `token leaked in: ${text.slice(0, 300)}`);
  for (const text of texts) assert.ok(!text.includes(TOKEN.slice(3)), `token leaked in: ${text.slice(0, 300)}`);
}

const stage = (n: number): StageObject => ({ pk: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, name: `stage-${n}` });

describe('AuthentikClient with a fake fetch', () => {
  describe('requests', () => {
    test('GET sends the bearer token, JSON accept header and user agent under /api/v3', async () => {
      const h = harness(() => json(stage(1)));
      const got = await h.client.retrieve('/stages/email/', stage(1).pk);
      assert.equal(got.name, 'stage-1');
      assert.equal(h.calls.length, 1);
      const [call] = h.calls;
      assert.equal(call!.method, 'GET');
      assert.equal(call!.url.href, `${BASE}/api/v3/stages/email/${stage(1).pk}/`);
      assert.equal(call!.headers.authorization, `Bearer ${TOKEN}`);
      assert.equal(call!.headers.accept, 'application/json');
      assert.match(call!.headers['user-agent']!, /^authentik-stages-vscode\//);
      assert.equal(call!.headers['content-type'], undefined);
    });

    test('the base URL may end with / or /api/v3; paths without a trailing slash get one', async () => {
      for (const baseUrl of ['https://auth.example.com/', 'https://auth.example.com/api/v3', 'https://auth.example.com/api/v3/']) {
        const h = harness(() => json({ pagination: { count: 0, current: 1, total_pages: 1, next: 0, previous: 0, start_index: 0, end_index: 0 }, results: [] }), { baseUrl });
        assert.equal(h.client.apiUrl, 'https://auth.example.com/api/v3');
        await h.client.listPage('/stages/email');
        assert.equal(h.calls[0]!.url.pathname, '/api/v3/stages/email/');
      }
      const prefixed = harness(() => json({}), { baseUrl: 'https://sso.example.com/authentik/' });
      await prefixed.client.version();
      assert.equal(prefixed.calls[0]!.url.href, 'https://sso.example.com/authentik/api/v3/admin/version/');
    });

    test('bad base URLs and tokens are refused up front, without repeating the token', () => {
      assert.throws(() => new AuthentikClient({ baseUrl: 'auth.example.com', token: TOKEN }), /not a URL/);
      assert.throws(() => new AuthentikClient({ baseUrl: 'ftp://auth.example.com', token: TOKEN }), /https:\/\/ or http:\/\//);
      assert.throws(() => new AuthentikClient({ baseUrl: 'https://u:pw@auth.example.com', token: TOKEN }), (error: Error) => !error.message.includes('pw') && /user name or password/.test(error.message));
      const broken = `${TOKEN}\nX-Other: 1`;
      assert.throws(
        () => new AuthentikClient({ baseUrl: BASE, token: broken }),
        (error: unknown) => {
          assert.ok(error instanceof AuthentikError);
          assertNoToken(error);
          return /line breaks/.test(error.message);
        },
      );
      assert.throws(() => new AuthentikClient({ baseUrl: BASE, token: TOKEN, fetch: globalThis.fetch, caCertificates: 'x' }), /either `fetch` or `caCertificates`/);
    });

    test('create POSTs JSON; update PUTs, partialUpdate PATCHes, delete DELETEs the object URL', async () => {
      const h = harness((call) => (call.method === 'DELETE' ? new Response(null, { status: 204 }) : json({ pk: 'p1', name: 'x', ...(call.body as object) }, call.method === 'POST' ? 201 : 200)));
      const created = await h.client.create('/stages/email/', { name: 'x', timeout: 10 });
      assert.equal(created.pk, 'p1');
      await h.client.update('/stages/email/', 'p1', { name: 'y' });
      await h.client.partialUpdate('/stages/email/', 'p1', { name: 'z' });
      assert.equal(await h.client.delete('/stages/email/', 'p1'), undefined);
      assert.deepEqual(
        h.calls.map((c) => `${c.method} ${c.url.pathname}`),
        ['POST /api/v3/stages/email/', 'PUT /api/v3/stages/email/p1/', 'PATCH /api/v3/stages/email/p1/', 'DELETE /api/v3/stages/email/p1/'],
      );
      assert.deepEqual(h.calls[0]!.body, { name: 'x', timeout: 10 });
      assert.equal(h.calls[0]!.headers['content-type'], 'application/json');
      assert.deepEqual(h.calls[2]!.body, { name: 'z' });
    });

    test('named endpoints hit their paths; schema() is fetched without the token, as text', async () => {
      const h = harness((call) => {
        const path = call.url.pathname;
        if (path === '/api/v3/schema/') return new Response('openapi: 3.0.3\n', { headers: { 'content-type': 'application/vnd.oai.openapi' } });
        if (path.endsWith('/types/') || path.endsWith('/templates/') || path.endsWith('/used_by/')) return json([]);
        if (path === '/api/v3/flows/instances/my%20flow/') return json({ pk: 'f', slug: 'my flow' });
        if (path === '/api/v3/admin/version/' || path === '/api/v3/core/users/me/') return json({});
        return json({ pagination: { count: 0, current: 1, total_pages: 1, next: 0, previous: 0, start_index: 0, end_index: 0 }, results: [] });
      });
      assert.equal(await h.client.schema(), 'openapi: 3.0.3\n');
      assert.equal(h.calls[0]!.headers.authorization, undefined);
      assert.match(h.calls[0]!.headers.accept!, /application\/vnd\.oai\.openapi/);
      await h.client.stageTypes();
      await h.client.emailTemplates();
      await h.client.version();
      await h.client.me();
      await h.client.allStages({ search: 'mail' });
      await h.client.flows();
      await h.client.flow('my flow');
      await h.client.bindings({ stage: 's1', target: 'f1' });
      await h.client.usedBy('/stages/email/', 's1');
      assert.deepEqual(
        h.calls.slice(1).map((c) => c.url.pathname + c.url.search),
        [
          '/api/v3/stages/all/types/',
          '/api/v3/stages/email/templates/',
          '/api/v3/admin/version/',
          '/api/v3/core/users/me/',
          '/api/v3/stages/all/?search=mail&page=1&page_size=100',
          '/api/v3/flows/instances/?page=1&page_size=100',
          '/api/v3/flows/instances/my%20flow/',
          '/api/v3/flows/bindings/?stage=s1&target=f1&page=1&page_size=100',
          '/api/v3/stages/email/s1/used_by/',
        ],
      );
      for (const call of h.calls.slice(1)) assert.equal(call.headers.authorization, `Bearer ${TOKEN}`);
    });

    test('listPage passes page, page_size, search, ordering and filters (arrays repeat the key)', async () => {
      const h = harness(() => json({ pagination: { count: 0, current: 2, total_pages: 1, next: 0, previous: 1, start_index: 0, end_index: 0 }, results: [] }));
      await h.client.listPage('/stages/prompt/prompt/', { page: 2, pageSize: 25, search: 'a b', ordering: '-name', filters: { type: ['text', 'email'], required: true, skipped: undefined, none: null } });
      const params = h.calls[0]!.url.searchParams;
      assert.deepEqual(params.getAll('type'), ['text', 'email']);
      assert.equal(params.get('required'), 'true');
      assert.equal(params.get('page'), '2');
      assert.equal(params.get('page_size'), '25');
      assert.equal(params.get('search'), 'a b');
      assert.equal(params.get('ordering'), '-name');
      assert.equal(params.has('skipped'), false);
      assert.equal(params.has('none'), false);
    });

    test('a 2xx web page instead of JSON is an AuthentikInvalidResponseError that says to check the URL', async () => {
      const h = harness(() => new Response('<!doctype html><title>Sign in</title>', { status: 200, headers: { 'content-type': 'text/html' } }));
      const error = await rejection(h.client.version());
      assert.ok(error instanceof AuthentikInvalidResponseError);
      assert.match(error.message, /a web page/);
      assert.match(error.message, /Check the server URL/);
      assert.equal(error.contentType, 'text/html');
    });
  });

  describe('retries', () => {
    test('GET is retried on 503 then succeeds; waits back off exponentially', async () => {
      const h = harness((_, i) => (i < 2 ? json({ detail: 'busy' }, 503) : json({ version_current: '2026.8.3' })));
      const version = await h.client.version();
      assert.equal(version.version_current, '2026.8.3');
      assert.equal(h.calls.length, 3);
      assert.deepEqual(h.sleeps, [500, 1000]);
      assert.ok(h.logs.some((line) => /503 .*retrying in 500 ms \(retry 1 of 2\)/.test(line)), h.logs.join('\n'));
    });

    test('each transient status is retried for GET: 408, 429, 500, 502, 503, 504', async () => {
      for (const status of [408, 429, 500, 502, 503, 504]) {
        const h = harness((_, i) => (i === 0 ? json({}, status) : json({ ok: true })));
        await h.client.version();
        assert.equal(h.calls.length, 2, `status ${status}`);
      }
    });

    test('PUT and DELETE are idempotent: retried on 502 and on network errors', async () => {
      const put = harness((_, i) => (i === 0 ? json({}, 502) : json({ pk: 'p', name: 'n' })));
      await put.client.update('/stages/dummy/', 'p', { name: 'n' });
      assert.equal(put.calls.length, 2);
      const del = harness((_, i) => {
        if (i === 0) throw networkError('ECONNRESET');
        return new Response(null, { status: 204 });
      });
      await del.client.delete('/stages/dummy/', 'p');
      assert.equal(del.calls.length, 2);
    });

    test('500 is retried for GET only: a PUT that failed with 500 may have been applied', async () => {
      const h = harness(() => json({ detail: 'boom' }, 500));
      const error = await rejection(h.client.update('/stages/dummy/', 'p', { name: 'n' }));
      assert.ok(error instanceof AuthentikServerError);
      assert.equal(h.calls.length, 1);
      const get = harness(() => json({ detail: 'boom' }, 500));
      const getError = await rejection(get.client.retrieve('/stages/dummy/', 'p'));
      assert.ok(getError instanceof AuthentikServerError);
      assert.equal(get.calls.length, 3);
      assert.equal(getError.attempts, 3);
      assert.match(getError.message, /after 3 attempts/);
    });

    test('POST and PATCH are never retried: not on 429/502/503/504, network errors or timeouts', async () => {
      for (const method of ['create', 'partialUpdate'] as const) {
        for (const failure of [429, 502, 503, 504, 'ECONNRESET', 'ECONNREFUSED', 'timeout'] as const) {
          const h = harness(
            (call) => {
              if (failure === 'timeout') return hang(call);
              if (typeof failure === 'string') throw networkError(failure);
              return json({ detail: 'x' }, failure, { 'retry-after': '0' });
            },
            { timeoutMs: 20 },
          );
          const call = method === 'create' ? h.client.create('/stages/dummy/', { name: 'n' }) : h.client.partialUpdate('/stages/dummy/', 'p', { name: 'n' });
          const error = await rejection(call);
          assert.ok(error instanceof AuthentikError, `${method} ${failure}`);
          assert.equal(h.calls.length, 1, `${method} ${failure} was retried`);
          assert.deepEqual(h.sleeps, []);
          if (failure === 'timeout' || failure === 'ECONNRESET') assert.match((error as Error).message, /may or may not have applied it/);
        }
      }
    });

    test('non-transient statuses are not retried, even for GET: 400, 401, 403, 404, 409', async () => {
      for (const status of [400, 401, 403, 404, 409]) {
        const h = harness(() => json({ detail: 'no' }, status));
        await rejection(h.client.version());
        assert.equal(h.calls.length, 1, `status ${status}`);
      }
    });

    test('maxRetries: the client default, and per call (0 = one attempt)', async () => {
      const three = harness(() => json({}, 503), { maxRetries: 3 });
      await rejection(three.client.version());
      assert.equal(three.calls.length, 4);
      const none = harness(() => json({}, 503), { maxRetries: 3 });
      const error = await rejection(none.client.version({ maxRetries: 0 }));
      assert.ok(error instanceof AuthentikServerError);
      assert.equal(error.attempts, 1);
      assert.equal(none.calls.length, 1);
    });

    test('Retry-After in seconds, as an HTTP date and as retry-after-ms is honoured instead of the backoff', async () => {
      const seconds = harness((_, i) => (i === 0 ? json({ detail: 'slow down' }, 429, { 'retry-after': '3' }) : json({})));
      await seconds.client.version();
      assert.deepEqual(seconds.sleeps, [3000]);
      const date = harness((_, i) => (i === 0 ? json({}, 503, { 'retry-after': new Date(Date.now() + 10_000).toUTCString() }) : json({})));
      await date.client.version();
      assert.equal(date.sleeps.length, 1);
      assert.ok(date.sleeps[0]! > 8_000 && date.sleeps[0]! <= 10_000, `slept ${date.sleeps[0]}`);
      const ms = harness((_, i) => (i === 0 ? json({}, 503, { 'retry-after-ms': '1234' }) : json({})));
      await ms.client.version();
      assert.deepEqual(ms.sleeps, [1234]);
    });

    test('a Retry-After beyond 60 s is not waited for: the error says how long the server asked', async () => {
      const h = harness(() => json({ detail: 'Request was throttled.' }, 429, { 'retry-after': '600' }));
      const error = await rejection(h.client.version());
      assert.ok(error instanceof AuthentikRateLimitError);
      assert.equal(h.calls.length, 1);
      assert.equal(error.retryAfterMs, 600_000);
      assert.match(error.message, /wait 600 s/);
    });

    test('the backoff doubles and is capped (8 s), with up to 25 % jitter taken off', async () => {
      const h = harness(() => json({}, 503), { maxRetries: 8 });
      await rejection(h.client.version());
      assert.deepEqual(h.sleeps, [500, 1000, 2000, 4000, 8000, 8000, 8000, 8000]);
      const jittered = harness(() => json({}, 503), { maxRetries: 6, random: () => 0.999 });
      await rejection(jittered.client.version());
      for (const [i, slept] of jittered.sleeps.entries()) {
        const base = Math.min(500 * 2 ** i, 8000);
        assert.ok(slept <= base && slept >= base * 0.75, `retry ${i}: ${slept}`);
      }
      const custom = harness(() => json({}, 503), { maxRetries: 4, retry: { initialDelayMs: 10, maxDelayMs: 25 } });
      await rejection(custom.client.version());
      assert.deepEqual(custom.sleeps, [10, 20, 25, 25]);
      // The policy itself, directly.
      assert.equal(backoffDelayMs(30, DEFAULT_RETRY, () => 0), 8000);
      assert.equal(backoffDelayMs(0, DEFAULT_RETRY, () => 1), 375);
    });

    test('the policy in one function: idempotency, transient statuses, Retry-After', () => {
      const status = (s: number, headers: Record<string, string> = {}) => ({ kind: 'status' as const, status: s, headers });
      assert.equal(retryDecision('GET', status(500), 0, 2).retry, true);
      assert.equal(retryDecision('HEAD', status(500), 0, 2).retry, true);
      assert.equal(retryDecision('PUT', status(500), 0, 2).retry, false);
      assert.equal(retryDecision('DELETE', status(504), 0, 2).retry, true);
      assert.equal(retryDecision('POST', status(503), 0, 2).retry, false);
      assert.equal(retryDecision('PATCH', { kind: 'network' }, 0, 2).retry, false);
      assert.equal(retryDecision('PUT', { kind: 'timeout' }, 0, 2).retry, true);
      assert.equal(retryDecision('GET', { kind: 'timeout' }, 2, 2).retry, false);
      assert.deepEqual(retryDecision('GET', status(429, { 'retry-after': '2' }), 0, 2), { retry: true, delayMs: 2000, reason: 'status 429, Retry-After' });
      assert.equal(retryAfterMs({ 'retry-after': 'garbage' }), undefined);
      assert.equal(retryAfterMs({ 'retry-after': '1.5' }), 1500);
      assert.equal(retryAfterMs({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }, Date.parse('Wed, 21 Oct 2015 07:27:58 GMT')), 2000);
    });
  });

  describe('timeouts and cancellation', () => {
    test('no answer within timeoutMs → AuthentikTimeoutError, retried for GET', async () => {
      const h = harness(hang, { timeoutMs: 25 });
      const error = await rejection(h.client.version());
      assert.ok(error instanceof AuthentikTimeoutError);
      assert.ok(error instanceof AuthentikConnectionError);
      assert.equal(error.timeoutMs, 25);
      assert.equal(error.attempts, 3);
      assert.equal(h.calls.length, 3);
      assert.match(error.message, /did not answer GET \/api\/v3\/admin\/version\/ within 25 ms \(3 attempts\)/);
    });

    test('per-call timeoutMs overrides the client default; a fetch that ignores its signal still times out', async () => {
      const h = harness(() => new Promise<Response>(() => undefined), { timeoutMs: 60_000 });
      const started = Date.now();
      const error = await rejection(h.client.version({ timeoutMs: 20, maxRetries: 0 }));
      assert.ok(error instanceof AuthentikTimeoutError);
      assert.ok(Date.now() - started < 5_000);
    });

    test('a body that stalls after the headers times out too', async () => {
      const h = harness(
        (call) =>
          new Response(
            new ReadableStream({
              start(controller) {
                controller.enqueue(new TextEncoder().encode('{"pagination":'));
                call.signal?.addEventListener('abort', () => controller.error(call.signal?.reason));
              },
            }),
            { status: 200, headers: { 'content-type': 'application/json' } },
          ),
        { timeoutMs: 25, maxRetries: 0 },
      );
      assert.ok((await rejection(h.client.listPage('/stages/dummy/'))) instanceof AuthentikTimeoutError);
    });

    test("the caller's AbortSignal cancels a request and a wait between retries: AuthentikAbortError", async () => {
      const controller = new AbortController();
      const h = harness(hang);
      const pending = h.client.version({ signal: controller.signal });
      setTimeout(() => controller.abort(), 10);
      assert.ok((await rejection(pending)) instanceof AuthentikAbortError);
      assert.equal(h.calls.length, 1);

      const during = new AbortController();
      const { fetch } = fakeFetch(() => json({}, 503));
      const client = new AuthentikClient({ baseUrl: BASE, token: TOKEN, fetch, retry: { initialDelayMs: 60_000 } });
      const waiting = client.version({ signal: during.signal });
      setTimeout(() => during.abort(), 10);
      const started = Date.now();
      assert.ok((await rejection(waiting)) instanceof AuthentikAbortError);
      assert.ok(Date.now() - started < 5_000);

      const already = new AbortController();
      already.abort();
      assert.ok((await rejection(client.version({ signal: already.signal }))) instanceof AuthentikAbortError);
    });
  });

  describe('errors', () => {
    test('400: DRF field errors decoded, nested list-item errors flattened under their top-level field', async () => {
      const body = {
        name: ['This field is required.'],
        sources: { '1': ['Invalid pk "nope" - object does not exist.'] },
        fields: [{}, { non_field_errors: ['bad field'] }],
        config: { url: ['Enter a valid URL.'] },
        non_field_errors: ['Either A or B must be set.'],
      };
      const h = harness(() => json(body, 400));
      const error = await rejection(h.client.create('/stages/identification/', { sources: ['a', 'nope'] }));
      assert.ok(error instanceof AuthentikValidationError);
      assert.ok(error instanceof AuthentikApiError);
      assert.equal(error.status, 400);
      assert.equal(error.method, 'POST');
      assert.equal(error.url, `${BASE}/api/v3/stages/identification/`);
      assert.deepEqual(error.body, body);
      assert.deepEqual(error.fieldErrors, {
        name: ['This field is required.'],
        sources: ['[1]: Invalid pk "nope" - object does not exist.'],
        fields: ['[1]: bad field'],
        config: ['url: Enter a valid URL.'],
      });
      assert.deepEqual(error.nonFieldErrors, ['Either A or B must be set.']);
      assert.deepEqual(error.issues.find((i) => i.path[0] === 'sources')?.path, ['sources', 1]);
      assert.match(error.message, /^authentik at https:\/\/auth\.example\.com rejected POST \/api\/v3\/stages\/identification\/ \(400\): /);
      assert.match(error.message, /: Either A or B must be set; name: This field is required; sources: \[1\]: Invalid pk "nope" - object does not exist;/);
      assert.match(error.message, /Fix `name`, `sources`, `fields`, `config` and try again\./);
    });

    test('decodeErrorBody: a bare list, {detail, code}, plain text', () => {
      assert.deepEqual(decodeErrorBody(['a', 'b']).nonFieldErrors, ['a', 'b']);
      const detail = decodeErrorBody({ detail: 'Not found.', code: 'not_found' });
      assert.equal(detail.detail, 'Not found.');
      assert.equal(detail.code, 'not_found');
      assert.deepEqual(detail.fieldErrors, {});
      assert.equal(decodeErrorBody('<h1>Bad Gateway</h1>').detail, '<h1>Bad Gateway</h1>');
      assert.deepEqual(decodeErrorBody({ flow_set: [{ name: ['x'] }] }).fieldErrors, { flow_set: ['[0].name: x'] });
    });

    test('403 with a refused token says so and what to do; 403 for a missing permission says that instead', async () => {
      const refused = harness(() => json({ detail: 'Token invalid/expired' }, 403));
      const error = await rejection(refused.client.me());
      assert.ok(error instanceof AuthentikAuthenticationError);
      assert.equal(error.status, 403);
      assert.equal(error.tokenRefused, true);
      assert.equal(error.detail, 'Token invalid/expired');
      assert.equal(error.message, 'authentik at https://auth.example.com refused the token (403): Token invalid/expired. Check AUTHENTIK_TOKEN (or the token saved for this server) and that it has not expired.');
      const denied = harness(() => json({ detail: 'You do not have permission to perform this action.' }, 403));
      const deniedError = await rejection(denied.client.delete('/stages/email/', 'p'));
      assert.ok(deniedError instanceof AuthentikAuthenticationError);
      assert.equal(deniedError.tokenRefused, false);
      assert.match(deniedError.message, /denied DELETE \/api\/v3\/stages\/email\/p\/ \(403\)/);
      assert.match(deniedError.message, /lacks the permission/);
      const hinted = harness(() => json({ detail: 'Authentication credentials were not provided.' }, 401), { tokenHint: 'run "authentik: Set Token"' });
      const hintedError = await rejection(hinted.client.me());
      assert.ok(hintedError instanceof AuthentikAuthenticationError);
      assert.match(hintedError.message, /refused the token \(401\).*Run "authentik: Set Token"\./);
    });

    test('404 → AuthentikNotFoundError with the detail and a hint', async () => {
      const h = harness(() => json({ detail: 'No EmailStage matches the given query.' }, 404, { 'x-authentik-id': 'req-42' }));
      const error = await rejection(h.client.retrieve('/stages/email/', 'gone'));
      assert.ok(error instanceof AuthentikNotFoundError);
      assert.equal(error.detail, 'No EmailStage matches the given query.');
      assert.equal(error.requestId, 'req-42');
      assert.match(error.message, /has no GET \/api\/v3\/stages\/email\/gone\/ \(404\): No EmailStage matches the given query\. The object may have been deleted/);
    });

    test('500 with an HTML body → AuthentikServerError with the start of the text', async () => {
      const h = harness(() => new Response('<h1>Server Error (500)</h1>', { status: 500, headers: { 'content-type': 'text/html' } }), { maxRetries: 0 });
      const error = await rejection(h.client.version());
      assert.ok(error instanceof AuthentikServerError);
      assert.equal(error.status, 500);
      assert.equal(error.body, '<h1>Server Error (500)</h1>');
      assert.match(error.message, /failed on GET \/api\/v3\/admin\/version\/ \(500\): <h1>Server Error \(500\)<\/h1>\. This is a server-side error/);
    });

    test('errorFromResponse picks the class by status', () => {
      const make = (status: number) => errorFromResponse({ status, body: { detail: 'x' }, method: 'GET', url: `${BASE}/api/v3/x/`, server: BASE });
      assert.ok(make(400) instanceof AuthentikValidationError);
      assert.ok(make(401) instanceof AuthentikAuthenticationError);
      assert.ok(make(403) instanceof AuthentikAuthenticationError);
      assert.ok(make(404) instanceof AuthentikNotFoundError);
      assert.ok(make(429) instanceof AuthentikRateLimitError);
      assert.ok(make(502) instanceof AuthentikServerError);
      const other = make(409);
      assert.ok(other instanceof AuthentikApiError && !(other instanceof AuthentikServerError) && !(other instanceof AuthentikValidationError));
      assert.match(make(302).message, /redirected/);
    });

    test('connection refused, reset and unresolvable hosts → AuthentikConnectionError with the code', async () => {
      const refused = harness(() => {
        throw networkError('ECONNREFUSED');
      });
      const error = await rejection(refused.client.version());
      assert.ok(error instanceof AuthentikConnectionError && !(error instanceof AuthentikTimeoutError));
      assert.equal(error.code, 'ECONNREFUSED');
      assert.equal(refused.calls.length, 3);
      assert.match(error.message, /Could not connect to authentik at https:\/\/auth\.example\.com: connection refused \(ECONNREFUSED\) \(3 attempts\)\. Check the server URL and that authentik is running\./);
      const reset = harness(() => {
        throw new TypeError('terminated');
      });
      const resetError = await rejection(reset.client.version({ maxRetries: 0 }));
      assert.ok(resetError instanceof AuthentikConnectionError);
      assert.equal(resetError.code, 'ECONNRESET');
      assert.match(resetError.message, /was dropped during GET/);
      const dns = harness(() => {
        throw networkError('ENOTFOUND');
      });
      assert.match(((await rejection(dns.client.version({ maxRetries: 0 }))) as Error).message, /Could not find the host/);
    });

    test('DELETE: a 404 after a lost answer counts as deleted; a 404 at once is thrown', async () => {
      const lost = harness((_, i) => (i === 0 ? json({}, 504) : json({ detail: 'Not found.' }, 404)));
      await lost.client.delete('/stages/email/', 'p');
      assert.equal(lost.calls.length, 2);
      const gone = harness(() => json({ detail: 'Not found.' }, 404));
      assert.ok((await rejection(gone.client.delete('/stages/email/', 'p'))) instanceof AuthentikNotFoundError);
    });
  });

  describe('the token never leaks', () => {
    test('not in messages, properties, causes or logs, even when the server or fetch echoes it', async () => {
      const scenarios: Array<[string, (call: Call) => Reply]> = [
        ['400 echo', (call) => json({ name: [`bad value ${call.headers.authorization}`] }, 400)],
        ['403 echo', (call) => json({ detail: `Token ${call.headers.authorization} invalid` }, 403, { 'x-echo': call.headers.authorization! })],
        ['500 text', (call) => new Response(`crash: ${call.headers.authorization}`, { status: 500 })],
        ['network', (call) => Promise.reject(new TypeError(`fetch failed for ${call.headers.authorization}`, { cause: Object.assign(new Error(TOKEN), { code: 'ECONNRESET' }) }))],
        ['html 200', (call) => new Response(`<html>${call.headers.authorization}</html>`, { status: 200 })],
        ['timeout', hang],
      ];
      for (const [name, handler] of scenarios) {
        const h = harness(handler, { timeoutMs: 20 });
        const error = await rejection(h.client.update('/stages/email/', 'p', { name: 'n' }));
        assert.ok(error instanceof AuthentikError, name);
        assertNoToken(error, h.logs);
        assert.ok(h.logs.length > 0, name);
      }
    });
  });

  describe('paging', () => {
    /** A list endpoint over `total` stages, answering after a random delay, counting requests in flight. */
    function pagedServer(total: number, options: { maxDelayMs?: number; failPage?: number; countFor?: (page: number) => number } = {}) {
      const items = Array.from({ length: total }, (_, i) => stage(i + 1));
      const stats = { inFlight: 0, maxInFlight: 0, order: [] as number[], startedBeforeFirst: 0, firstDone: false };
      const handler = async (call: Call): Promise<Response> => {
        const page = Number(call.url.searchParams.get('page') ?? 1);
        const size = Number(call.url.searchParams.get('page_size') ?? 100);
        if (page > 1 && !stats.firstDone) stats.startedBeforeFirst++;
        stats.inFlight++;
        stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
        stats.order.push(page);
        try {
          await new Promise((resolve) => setTimeout(resolve, Math.floor(((page * 7919) % 13) * ((options.maxDelayMs ?? 12) / 13))));
          if (call.signal?.aborted) throw call.signal.reason;
          if (page === options.failPage) return json({ detail: 'nope' }, 404);
          const count = options.countFor?.(page) ?? total;
          const totalPages = Math.max(1, Math.ceil(count / size));
          const results = items.slice((page - 1) * size, page * size);
          return json({
            pagination: { count, current: page, total_pages: totalPages, next: page < totalPages ? page + 1 : 0, previous: page - 1, start_index: (page - 1) * size + 1, end_index: (page - 1) * size + results.length },
            results,
            autocomplete: {},
          });
        } finally {
          stats.inFlight--;
          if (page === 1) stats.firstDone = true;
        }
      };
      return { items, stats, handler };
    }

    test('listAll: page 1 first, then the rest concurrently (bounded), results in server order', async () => {
      const server = pagedServer(1000);
      const h = harness(server.handler);
      const progress: number[] = [];
      const all = await h.client.listAll('/stages/email/', { pageSize: 37, concurrency: 4, onProgress: (p) => progress.push(p.page) });
      assert.deepEqual(
        all.map((s) => s.pk),
        server.items.map((s) => s.pk),
      );
      assert.equal(h.calls.length, 28);
      assert.equal(server.stats.order[0], 1);
      assert.equal(server.stats.startedBeforeFirst, 0, 'no page was asked for before page 1 answered');
      assert.equal(server.stats.maxInFlight, 4);
      assert.deepEqual(progress, Array.from({ length: 28 }, (_, i) => i + 1));
    });

    test('listAll with concurrency 1 is strictly page by page; the default is 6 in flight', async () => {
      const sequential = pagedServer(450);
      const one = harness(sequential.handler);
      assert.equal((await one.client.listAll('/stages/email/', { concurrency: 1 })).length, 450);
      assert.equal(sequential.stats.maxInFlight, 1);
      assert.deepEqual(sequential.stats.order, [1, 2, 3, 4, 5]);
      const parallel = pagedServer(2000);
      const six = harness(parallel.handler);
      assert.equal((await six.client.listAll('/stages/email/')).length, 2000);
      assert.equal(parallel.stats.maxInFlight, 6);
    });

    test('pages(): lazy by default, prefetches with concurrency, and cancels in-flight pages on break', async () => {
      const server = pagedServer(500);
      const h = harness(server.handler);
      const seen: number[] = [];
      for await (const page of h.client.pages('/stages/email/', { pageSize: 50 })) {
        seen.push(page.pagination.current);
        assert.equal(h.calls.length, seen.length, 'one request per page asked for');
        if (seen.length === 3) break;
      }
      assert.deepEqual(seen, [1, 2, 3]);

      const ahead = pagedServer(500);
      const h2 = harness(ahead.handler);
      const pages: number[] = [];
      for await (const page of h2.client.pages('/stages/email/', { pageSize: 50, concurrency: 5 })) {
        pages.push(page.pagination.current);
        if (pages.length === 2) break;
      }
      assert.deepEqual(pages, [1, 2]);
      assert.equal(h2.calls.length, 6); // page 1, then pages 2–6 in flight
      assert.ok(h2.calls.slice(2).every((call) => call.signal?.aborted), 'pages still in flight are cancelled');
    });

    test('a failing page fails listAll (no unhandled rejection from the pages in flight)', async () => {
      const server = pagedServer(1000, { failPage: 4 });
      const h = harness(server.handler);
      const error = await rejection(h.client.listAll('/stages/email/', { concurrency: 6 }));
      assert.ok(error instanceof AuthentikNotFoundError);
      await new Promise((resolve) => setTimeout(resolve, 30));
    });

    test('a count that changes while the pages come in restarts the listing once', async () => {
      let run = 0;
      const server = pagedServer(300, { countFor: (page) => (run === 0 && page === 3 ? 301 : 300) });
      const h = harness(async (call, index) => {
        const response = await server.handler(call);
        if (index === 2) run = 1;
        return response;
      });
      const all = await h.client.listAll('/stages/email/', { concurrency: 1 });
      assert.equal(all.length, 300);
      assert.equal(h.calls.length, 6);
      assert.ok(h.logs.some((line) => /list changed while it was read/.test(line)));
    });

    test('plain DRF pages and bare arrays are accepted too', async () => {
      const drf = harness(() => json({ count: 2, next: null, previous: null, results: [stage(1), stage(2)] }));
      const page = await drf.client.listPage('/stages/email/');
      assert.equal(page.pagination.total_pages, 1);
      assert.equal(page.pagination.count, 2);
      const bare = harness(() => json([stage(1)]));
      assert.equal((await bare.client.listAll('/stages/email/')).length, 1);
    });
  });
});

// ── Over real HTTP ───────────────────────────────────────────────────────────────────────────

// A self-signed certificate for 127.0.0.1 / localhost (test only; valid until 2126).
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUVAHdR6QJ59q0GVs+MtwtU7K9+kIwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyMjIwNTg1NloYDzIxMjYxMDI5
MjA1ODU2WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQJM4+DlKqaUd7W9WqmYceiLDCf4lbPDgLxC3sO3iBAkL/Bl0ua6U+N
VuraMMEltG5nEzcgM7YTyfM+Zqh9GVYXo28wbTAdBgNVHQ4EFgQUFr3ayKA28DtD
+KkCDitEq7wsvgcwHwYDVR0jBBgwFoAUFr3ayKA28DtD+KkCDitEq7wsvgcwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDSAAwRQIhALJIxa5uyO19xWw2mLnuaKnX607v4uuyZTe+VyFxYwxlAiBh
ueQyMIk2/EZNgiG0i/kxze721UO8ISpGVRIuKoKW7w==
-----END CERTIFICATE-----
`;
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgIELZWf1YZH1ZzHGd
T33iwpZA4BJcEU7Gm7O5uD8T2yGhRANCAAQJM4+DlKqaUd7W9WqmYceiLDCf4lbP
DgLxC3sO3iBAkL/Bl0ua6U+NVuraMMEltG5nEzcgM7YTyfM+Zqh9GVYX
-----END PRIVATE KEY-----
`;

describe('AuthentikClient over HTTPS with a self-signed certificate', () => {
  test('caCertificates makes the server trusted; without it the error names the certificate problem', async () => {
    const seen: string[] = [];
    const server = createHttpsServer({ cert: TEST_CERT, key: TEST_KEY }, (request, response) => {
      seen.push(`${request.method} ${request.url} ${request.headers.authorization === `Bearer ${TOKEN}` ? 'token' : 'no token'}`);
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (request.method === 'DELETE') {
          response.writeHead(204).end();
          return;
        }
        response.writeHead(request.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(request.method === 'POST' ? { pk: 'new', ...JSON.parse(body) } : { version_current: '2026.8.3' }));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const trusted = new AuthentikClient({ baseUrl, token: TOKEN, caCertificates: TEST_CERT });
      assert.equal((await trusted.version()).version_current, '2026.8.3');
      assert.deepEqual(await trusted.create('/stages/dummy/', { name: 'n' }), { pk: 'new', name: 'n' });
      assert.equal(await trusted.delete('/stages/dummy/', 'new'), undefined);
      trusted.close();
      assert.deepEqual(seen, ['GET /api/v3/admin/version/ token', 'POST /api/v3/stages/dummy/ token', 'DELETE /api/v3/stages/dummy/new/ token']);

      const untrusted = new AuthentikClient({ baseUrl, token: TOKEN, maxRetries: 0 });
      const error = await rejection(untrusted.version());
      assert.ok(error instanceof AuthentikConnectionError);
      assert.match(error.code ?? '', /SELF_SIGNED|CERT/);
      assert.match(error.message, /TLS certificate that is not trusted/);
      assertNoToken(error);
      assert.throws(() => new AuthentikClient({ baseUrl, token: TOKEN, caCertificates: 'not a pem' }), /no PEM certificate/);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });
});

describe('AuthentikClient against the sandbox server', () => {
  const DUMMY = '/stages/dummy/';
  const DUMMIES = 250;
  let sandbox: Sandbox;
  let client: AuthentikClient;
  const logs: string[] = [];

  before(async () => {
    sandbox = await startSandbox({
      port: 0,
      token: TOKEN,
      seed: { demo: true, generate: [{ model: 'authentik_stages_dummy.dummystage', count: DUMMIES, namePrefix: 'bulk-dummy-' }] },
    });
    client = new AuthentikClient({ baseUrl: sandbox.url, token: TOKEN, timeoutMs: 5_000, retry: { initialDelayMs: 5, maxDelayMs: 20 }, logger: (line) => logs.push(line) });
  });
  after(async () => {
    await sandbox?.close();
  });
  beforeEach(() => {
    sandbox.faults.clear();
    sandbox.faults.latencyMs = 0;
    sandbox.requests.clear();
  });

  const requestsTo = (method: string, fragment: string): number => sandbox.requests.filter((r) => r.method === method && r.path.includes(fragment)).length;

  test('server info: version, me, stage types, email templates, schema (without the token)', async () => {
    assert.equal((await client.version()).version_current, '2026.8.3');
    assert.equal((await client.me()).user.username, 'akadmin');
    const types = await client.stageTypes();
    assert.ok(types.some((t) => t.model_name === 'emailstage' && t.component === 'ak-stage-email-form'));
    assert.ok((await client.emailTemplates()).some((t) => t.name === 'email/password_reset.html'));
    const anonymous = new AuthentikClient({ baseUrl: sandbox.url, token: '' });
    assert.match(await anonymous.schema(), /^openapi: 3\./);
    assert.equal(JSON.parse(await anonymous.schema({ format: 'json' })).info.title, 'authentik');
  });

  test('listAll reads every page of a stage type, in order, with bounded concurrency', async () => {
    const expected = sandbox.store.listStages('authentik_stages_dummy.dummystage').length;
    assert.ok(expected >= DUMMIES);
    const sequential = await client.listAll(DUMMY, { pageSize: 20, concurrency: 1 });
    sandbox.requests.clear();
    sandbox.faults.latencyMs = 15;
    const progress: number[] = [];
    const concurrent = await client.listAll(DUMMY, { pageSize: 20, concurrency: 4, onProgress: (p) => progress.push(p.loaded) });
    assert.equal(concurrent.length, expected);
    assert.deepEqual(
      concurrent.map((s) => s.pk),
      sequential.map((s) => s.pk),
    );
    assert.equal(new Set(concurrent.map((s) => s.pk)).size, expected);
    assert.ok(concurrent.every((s) => s.meta_model_name === 'authentik_stages_dummy.dummystage'));
    const pages = Math.ceil(expected / 20);
    assert.equal(requestsTo('GET', DUMMY), pages);
    assert.equal(progress.at(-1), expected);
    assert.deepEqual(
      sandbox.requests.map((r) => Number(r.query.page)).sort((a, b) => a - b),
      Array.from({ length: pages }, (_, i) => i + 1),
    );
    // pages(): the same objects page by page; search and ordering reach the server.
    const seen: string[] = [];
    for await (const page of client.pages(DUMMY, { pageSize: 100 })) {
      assert.equal(page.pagination.total_pages, Math.ceil(expected / 100));
      seen.push(...page.results.map((s) => s.pk));
    }
    assert.deepEqual(seen, sequential.map((s) => s.pk));
    const found = await client.listAll(DUMMY, { search: 'bulk-dummy-01', ordering: '-name' });
    assert.deepEqual(
      found.map((s) => s.name),
      Array.from({ length: 10 }, (_, i) => `bulk-dummy-01${9 - i}`),
    );
    // authentik caps page_size at its maximum (100): the client follows the server's page count.
    const capped = await client.listPage(DUMMY, { pageSize: 1000 });
    assert.equal(capped.results.length, 100);
    assert.equal((await client.listAll(DUMMY, { pageSize: 1000 })).length, expected);
    assert.equal((await client.allStages()).length, sandbox.store.stageCount());
  });

  test('create → retrieve → update (PUT) → partialUpdate (PATCH) → usedBy → delete → 404', async () => {
    const created = await client.create('/stages/email/', { name: 'api-client-email', subject: 'Hello', timeout: 30, token_expiry: 'hours=2' });
    assert.match(created.pk, /^[0-9a-f-]{36}$/);
    assert.equal(created.meta_model_name, 'authentik_stages_email.emailstage');
    assert.equal(created.component, 'ak-stage-email-form');
    assert.equal(created.timeout, 30);
    const fetched = await client.retrieve('/stages/email/', created.pk);
    assert.equal(fetched.subject, 'Hello');
    const updated = await client.update('/stages/email/', created.pk, { name: 'api-client-email', subject: 'Changed', timeout: 45 });
    assert.equal(updated.subject, 'Changed');
    assert.equal(updated.timeout, 45);
    const patched = await client.partialUpdate('/stages/email/', created.pk, { subject: 'Patched' });
    assert.equal(patched.subject, 'Patched');
    assert.equal(patched.timeout, 45);
    assert.equal(sandbox.store.getStage(created.pk)?.['subject'], 'Patched');
    assert.deepEqual(await client.usedBy('/stages/email/', created.pk), []);
    await client.delete('/stages/email/', created.pk);
    const error = await rejection(client.retrieve('/stages/email/', created.pk));
    assert.ok(error instanceof AuthentikNotFoundError);
    assert.equal(error.detail, 'No EmailStage matches the given query.');
    assert.ok((await rejection(client.delete('/stages/email/', created.pk))) instanceof AuthentikNotFoundError);
  });

  test('flows, bindings and usedBy of a bound stage', async () => {
    const flows = await client.flows();
    const flow = flows.find((f) => f.slug === 'default-authentication-flow');
    assert.ok(flow);
    assert.equal((await client.flow('default-authentication-flow')).pk, flow.pk);
    const bindings = await client.bindings({ target: flow.pk });
    assert.ok(bindings.length > 0);
    assert.ok(bindings.every((b) => b.target === flow.pk));
    const stagePk = bindings[0]!.stage;
    const ofStage = await client.bindings({ stage: stagePk });
    assert.ok(ofStage.every((b) => b.stage === stagePk));
    const usedBy = await client.usedBy('/stages/all/', stagePk);
    assert.ok(usedBy.some((u) => u.model_name === 'flowstagebinding'));
  });

  test('400: field errors decoded (list items by index), nothing created', async () => {
    const before = sandbox.store.stageCount();
    const error = await rejection(client.create('/stages/identification/', { name: 'api-client-id', user_fields: ['username', 'bogus'], sources: ['not-a-uuid'] }));
    assert.ok(error instanceof AuthentikValidationError);
    assert.equal(error.status, 400);
    assert.deepEqual(error.fieldErrors.user_fields, ['[1]: "bogus" is not a valid choice.']);
    assert.deepEqual(error.issues.find((i) => i.path[0] === 'user_fields')?.path, ['user_fields', 1]);
    assert.equal(error.fieldErrors.sources?.length, 1);
    assert.match(error.message, /rejected POST \/api\/v3\/stages\/identification\/ \(400\)/);
    const email = await rejection(client.create('/stages/email/', { timeout: 'abc', token_expiry: 'hours=3,minutes=17' }));
    assert.ok(email instanceof AuthentikValidationError);
    assert.deepEqual(email.fieldErrors.name, ['This field is required.']);
    assert.deepEqual(email.fieldErrors.timeout, ['A valid integer is required.']);
    assert.ok(email.fieldErrors.token_expiry?.[0]?.includes('hours=3,minutes=17'));
    assert.equal(sandbox.store.stageCount(), before);
    assert.equal(requestsTo('POST', '/stages/'), 2);
  });

  test('403 with a wrong token, and without one', async () => {
    const wrong = new AuthentikClient({ baseUrl: sandbox.url, token: 'not-the-right-token' });
    const error = await rejection(wrong.listPage(DUMMY));
    assert.ok(error instanceof AuthentikAuthenticationError);
    assert.equal(error.status, 403);
    assert.equal(error.tokenRefused, true);
    assert.equal(error.detail, 'Token invalid/expired');
    assert.match(error.message, /refused the token \(403\): Token invalid\/expired\. Check AUTHENTIK_TOKEN/);
    assert.equal(requestsTo('GET', DUMMY), 1, 'a 403 is not retried');
    const none = await rejection(new AuthentikClient({ baseUrl: sandbox.url, token: '' }).me());
    assert.ok(none instanceof AuthentikAuthenticationError && none.tokenRefused);
    assert.equal(none.detail, 'Authentication credentials were not provided.');
  });

  test('404 for a missing object', async () => {
    const error = await rejection(client.retrieve(DUMMY, '00000000-0000-4000-8000-000000000000'));
    assert.ok(error instanceof AuthentikNotFoundError);
    assert.equal(error.detail, 'No DummyStage matches the given query.');
    assert.equal(requestsTo('GET', DUMMY), 1);
  });

  test('500 is retried for GET (and succeeds), never for POST', async () => {
    const [first] = sandbox.store.listStages('authentik_stages_dummy.dummystage');
    sandbox.faults.add({ method: 'GET', path: DUMMY, status: 500, times: 2 });
    assert.equal((await client.retrieve(DUMMY, first!.pk)).pk, first!.pk);
    assert.equal(requestsTo('GET', DUMMY), 3);
    assert.ok(logs.some((line) => line.includes('→ 500') && line.includes('retrying')));

    sandbox.requests.clear();
    sandbox.faults.add({ method: 'POST', path: DUMMY, status: 500, times: 1 });
    const before = sandbox.store.stageCount();
    const error = await rejection(client.create(DUMMY, { name: 'api-client-500' }));
    assert.ok(error instanceof AuthentikServerError);
    assert.equal(error.attempts, 1);
    assert.equal(requestsTo('POST', DUMMY), 1);
    assert.equal(sandbox.store.stageCount(), before);

    sandbox.requests.clear();
    sandbox.faults.add({ method: 'PUT', path: DUMMY, status: 503, times: 1 });
    const put = await client.update(DUMMY, first!.pk, { name: first!.name, throw_error: true });
    assert.equal(put['throw_error'], true);
    assert.equal(requestsTo('PUT', DUMMY), 2);
  });

  test('a dropped connection → AuthentikConnectionError (GET retried, POST not)', async () => {
    sandbox.faults.add({ path: '/admin/version/', drop: true, times: 0 });
    const error = await rejection(client.version());
    assert.ok(error instanceof AuthentikConnectionError && !(error instanceof AuthentikTimeoutError));
    assert.equal(error.attempts, 3);
    assert.equal(requestsTo('GET', '/admin/version/'), 3);
    assert.match(error.message, /was dropped during GET \/api\/v3\/admin\/version\//);
    sandbox.faults.clear();

    sandbox.faults.add({ method: 'POST', path: DUMMY, drop: true, times: 1 });
    const post = await rejection(client.create(DUMMY, { name: 'api-client-dropped' }));
    assert.ok(post instanceof AuthentikConnectionError);
    assert.equal(requestsTo('POST', DUMMY), 1);
    assert.match(post.message, /may or may not have applied it/);
  });

  test('a slow answer → AuthentikTimeoutError after the retries; the next call works', async () => {
    sandbox.faults.add({ path: '/admin/version/', delayMs: 500, times: 2 });
    const error = await rejection(client.version({ timeoutMs: 60, maxRetries: 1 }));
    assert.ok(error instanceof AuthentikTimeoutError);
    assert.equal(error.timeoutMs, 60);
    assert.equal(error.attempts, 2);
    assert.equal(requestsTo('GET', '/admin/version/'), 2);
    assert.equal((await client.version()).version_current, '2026.8.3');
  });

  test('the token is in no log line', () => {
    assert.ok(logs.length > 20);
    for (const line of logs) assert.ok(!line.includes(TOKEN), line);
  });
});
