// The API client and the command line against a hostile fake authentik (issue 8, classes 6, 7 and
// the token half of 9): redirects are never followed, bodies, pages and the server's OpenAPI
// document are bounded, and the token never comes back out, whatever encoding the server echoes
// it in.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { after, before, beforeEach, describe, test } from 'node:test';
import { inspect } from 'node:util';
import {
  AuthentikClient,
  AuthentikError,
  AuthentikInvalidResponseError,
  AuthentikRedirectError,
  AuthentikResponseTooLargeError,
  AuthentikTimeoutError,
  DEFAULT_MAX_BODY_BYTES,
  ServerSchemaError,
  fetchServerSchemaText,
  type AuthentikClientOptions,
  type StageObject,
} from '../client/src/api';
import { startSandbox, type Sandbox } from '../tools/sandbox/server';
import { json, page, startHostileServer, type HostileReply, type HostileRequest, type HostileServer } from './support/hostileServer';
import { cliModule } from './support/paths';
import { startStageServer } from './support/stageServer';
import { readServerCatalog } from '../client/src/sync/serverCatalog';
import { SetSchemaRequest } from '../server/src/protocol';
import { rejection } from './support/rejection';

/** A token with every character that JSON, URLs and base64 spell differently. */
const TOKEN = 'ak-"Qu0te\\Back/Slash+Plus=9f8e7d6c5b4a';
const BUNDLED_VERSION = '2026.8.3';
const DENY = 'authentik_stages_deny.denystage';

/** Every spelling of the token a server might echo. */
function tokenEncodings(token: string): Record<string, string> {
  const u4 = (c: string): string => c.charCodeAt(0).toString(16).padStart(4, '0');
  return {
    raw: token,
    json: JSON.stringify(token).slice(1, -1),
    'json with \\/': JSON.stringify(token).slice(1, -1).replace(/\//g, '\\/'),
    'json twice': JSON.stringify(JSON.stringify(token)).slice(1, -1),
    'all \\uxxxx': [...token].map((c) => `\\u${u4(c)}`).join(''),
    'all \\uXXXX': [...token].map((c) => `\\u${u4(c).toUpperCase()}`).join(''),
    'some \\uxxxx': [...token].map((c, i) => (i % 2 ? `\\u${u4(c)}` : c)).join(''),
    'url upper': encodeURIComponent(token),
    'url lower': encodeURIComponent(token).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
    'url every char': [...token].map((c) => `%${c.charCodeAt(0).toString(16)}`).join(''),
    base64: Buffer.from(token).toString('base64'),
    'base64 bearer': Buffer.from(`Bearer ${token}`).toString('base64'),
    base64url: Buffer.from(token).toString('base64url'),
  };
}

/** Every string reachable from `value`: own properties (hidden ones too), causes, nested bodies. */
function allStrings(value: unknown, out: string[] = [], seen = new Set<unknown>()): string[] {
  if (typeof value === 'string') out.push(value);
  if (typeof value !== 'object' || value === null || seen.has(value)) return out;
  seen.add(value);
  for (const key of Object.getOwnPropertyNames(value)) {
    out.push(key);
    allStrings((value as Record<string, unknown>)[key], out, seen);
  }
  return out;
}

/** Neither the token nor any encoding of it (nor a long piece of one) is in `texts`. */
function assertNoToken(texts: string[], where: string): void {
  const encodings = tokenEncodings(TOKEN);
  const haystack = texts.join('\n');
  for (const [name, encoded] of Object.entries(encodings)) {
    assert.ok(!haystack.includes(encoded), `${where}: the token (${name}) leaked in:\n${haystack.slice(Math.max(0, haystack.indexOf(encoded) - 200), haystack.indexOf(encoded) + 200)}`);
    // A long piece of an encoding is a leak too (a snippet cut in the middle of an echoed token).
    const piece = encoded.slice(0, Math.ceil(encoded.length / 2));
    assert.ok(!haystack.includes(piece), `${where}: half of the token (${name}) leaked`);
  }
}

function errorTexts(error: unknown, logs: string[]): string[] {
  return [String(error), inspect(error, { depth: Infinity, showHidden: true }), JSON.stringify(error) ?? '', ...allStrings(error), ...logs];
}


interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function cli(cwd: string, args: string[], env: Record<string, string>): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliModule, ...args], { cwd, env: { PATH: process.env['PATH'], ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr, ms: Date.now() - started }));
    child.stdin.end('');
  });
}

/** A plain server that counts what reaches it: where a hostile redirect points. */
async function startElsewhere(): Promise<{ url: string; received: string[]; server: Server }> {
  const received: string[] = [];
  const server = createServer((req, res) => {
    received.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

/** A YAML "billion laughs": ten levels of ten aliases each, 10^10 strings once expanded. */
function aliasBomb(): string {
  let text = 'openapi: 3.0.3\ninfo: {title: bomb, version: 2026.9.1}\npaths: {}\nx0: &x0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i <= 10; i++) text += `x${i}: &x${i} [${Array.from({ length: 10 }, () => `*x${i - 1}`).join(', ')}]\n`;
  return `${text}components: {schemas: {Bomb: {type: object, properties: {laughs: {default: *x10}}}}}\n`;
}

/** The two fetch paths: Node's global fetch, and `node:http(s)` (used whenever caCertificates is set). */
const FETCH_PATHS: Array<[string, Partial<AuthentikClientOptions>]> = [
  ['global fetch', {}],
  ['nodeFetch (caCertificates)', { caCertificates: rootCertificates[0]! }],
];

describe('the API client against a hostile authentik', () => {
  let sandbox: Sandbox;
  let fake: HostileServer;
  let elsewhere: Awaited<ReturnType<typeof startElsewhere>>;
  const clients: AuthentikClient[] = [];
  const client = (extra: Partial<AuthentikClientOptions> = {}, logs: string[] = []): AuthentikClient => {
    const made = new AuthentikClient({ baseUrl: fake.url, token: TOKEN, maxRetries: 0, logger: (line) => logs.push(line), ...extra });
    clients.push(made);
    return made;
  };
  before(async () => {
    sandbox = await startSandbox({ port: 0, token: TOKEN });
    fake = await startHostileServer({ upstream: sandbox.url });
    elsewhere = await startElsewhere();
  });
  beforeEach(() => {
    fake.reset();
    elsewhere.received.length = 0;
  });
  after(async () => {
    for (const made of clients) made.close();
    await fake.close();
    await sandbox.close();
    elsewhere.server.close();
  });

  describe('class 6: redirects are never followed', () => {
    for (const [name, options] of FETCH_PATHS) {
      test(`a 307 on PUT and on GET is an error naming server, request and target; the target gets nothing (${name})`, async () => {
        const target = `${elsewhere.url}/api/v3/stages/deny/x/`;
        fake.route({ path: /^\/stages\/deny\//, reply: { kind: 'redirect', status: 307, location: target } });
        const api = client(options);
        for (const call of [() => api.update('/stages/deny/', 'x', { name: 'n', deny_message: 'secret from !Env' }), () => api.retrieve('/stages/deny/', 'x')]) {
          const error = await rejection(call());
          assert.ok(error instanceof AuthentikRedirectError, String(error));
          assert.equal(error.status, 307);
          assert.equal(error.location, target);
          assert.match(error.message, new RegExp(`^authentik at ${fake.url} redirected (PUT|GET) /api/v3/stages/deny/x/ \\(307\\) to "${target}"`));
          assert.match(error.message, /not followed: nothing was sent to that address/);
          assert.match(error.message, /Fix the server URL/);
        }
        assert.deepEqual(elsewhere.received, []);
      });
    }
  });

  describe('class 7a: bodies are bounded', () => {
    for (const [name, options] of FETCH_PATHS) {
      test(`an endless body stops at the limit with an error naming server, path and limit (${name})`, async () => {
        fake.route({ path: '/stages/all/', reply: { kind: 'stream', chunk: `{"pk": "${'x'.repeat(1000)}"},` } });
        const started = Date.now();
        const error = await rejection(client(options).listPage('/stages/all/'));
        assert.ok(error instanceof AuthentikResponseTooLargeError, String(error));
        assert.equal(error.limitBytes, DEFAULT_MAX_BODY_BYTES);
        assert.match(error.message, new RegExp(`^authentik at ${fake.url} answered GET /api/v3/stages/all/ \\(200\\) with more than 8 MiB`));
        assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
        // The same limit per call, and an error body is bounded too.
        fake.route({ path: '/stages/all/', reply: { kind: 'stream', status: 500, chunk: 'x'.repeat(1024) } });
        const small = await rejection(client(options).listPage('/stages/all/', {}, { maxBodyBytes: 64 * 1024 }));
        assert.ok(small instanceof AuthentikResponseTooLargeError);
        assert.match(small.message, /\(500\) with more than 64 KiB/);
      });

      test(`a body that stalls after the headers ends at the time limit, saying so (${name})`, async () => {
        fake.route({ path: '/admin/version/', reply: { kind: 'stall' } });
        const started = Date.now();
        const error = await rejection(client({ ...options, timeoutMs: 300 }).version());
        assert.ok(error instanceof AuthentikTimeoutError, String(error));
        assert.match(error.message, new RegExp(`^authentik at ${fake.url} began answering GET /api/v3/admin/version/ \\(200, 1 bytes of the body\\) and then stopped sending`));
        assert.ok(Date.now() - started < 3000);
      });
    }

    test('the schema may be larger than an API answer, but not without end', async () => {
      fake.route({ path: '/schema/', reply: { kind: 'stream', chunk: 'x'.repeat(64 * 1024), times: 160 } }); // 10 MiB: more than API JSON may be
      assert.equal((await client().schema()).length, 10 * 1024 * 1024);
      fake.route({ path: '/schema/', reply: { kind: 'stream', chunk: 'x'.repeat(64 * 1024) } });
      const error = await rejection(client().schema());
      assert.ok(error instanceof AuthentikResponseTooLargeError);
      assert.match(error.message, /GET \/api\/v3\/schema\/ \(200\) with more than 16 MiB/);
    });
  });

  describe('class 7b: pages are bounded and checked', () => {
    const stages = (from: number, n: number): StageObject[] =>
      Array.from({ length: n }, (_, i) => ({ pk: `00000000-0000-4000-8000-${String(from + i).padStart(12, '0')}`, name: `s${from + i}` }));
    /** `/stages/all/` answering `answer(page)` and recording the pages asked for. */
    const paged = (answer: (page: number) => HostileReply): number[] => {
      const asked: number[] = [];
      fake.route({
        path: '/stages/all/',
        reply: (request: HostileRequest) => {
          const number = Number(request.query.get('page') ?? 1);
          asked.push(number);
          return answer(number);
        },
      });
      return asked;
    };
    const listError = async (pattern: RegExp): Promise<void> => {
      const error = await rejection(client().listAll('/stages/all/', { pageSize: 100 }));
      assert.ok(error instanceof AuthentikError, String(error));
      assert.match(error.message, new RegExp(`^authentik at ${fake.url.replace(/\./g, '\\.')} answered GET /api/v3/stages/all/ with `));
      assert.match(error.message, pattern);
    };

    test('ten million pages are not followed: the cap names pagination.total_pages', async () => {
      const asked = paged((n) => page(stages(n * 100, 100), { count: 1_000_000_000, total_pages: 10_000_000, current: n }));
      await listError(/pagination\.count = 1000000000, more than the 250000 objects/);
      const asked2 = paged((n) => page(stages(n * 100, 100), { count: 200, total_pages: 10_000_000, current: n }));
      await listError(/pagination\.total_pages = 10000000, more than the 10000 pages/);
      assert.deepEqual([...asked, ...asked2], [1, 1]);
    });

    test('a total_pages that count and the page size answered with do not make is refused', async () => {
      // The server answers 100 per page (whatever was asked); 150 objects are 2 pages, not 50.
      paged((n) => page(stages(n * 100, 100), { count: 150, total_pages: 50, current: n }));
      await listError(/pagination\.total_pages = 50, but 150 objects \(pagination\.count\) at the 100 per page of page 1 make 2/);
    });

    test('pages that keep coming back full past the count, or empty before the end, are refused', async () => {
      paged((n) => page(stages(n * 100, 100), { count: 150, total_pages: 2, current: n }));
      await listError(/pagination\.count = 150, but 200 objects came in 2 pages/);
      paged((n) => page(n === 2 ? [] : stages(n * 100, 100), { count: 300, total_pages: 3, current: n }));
      await listError(/"results" empty on page 2 of 3/);
      paged(() => page(stages(0, 100), { count: 300, total_pages: 3, current: 1 }));
      await listError(/pagination\.current = 1 for page 2/);
    });

    test('a pagination number of the wrong type is an error naming the field, never a crash', async () => {
      for (const [pagination, field] of [
        [{ count: '300' }, 'pagination.count = the string "300"'],
        [{ total_pages: null }, 'pagination.total_pages = null'],
        [{ current: 1.5 }, 'pagination.current = 1.5'],
        [{ next: -1 }, 'pagination.next = -1'],
      ] as const) {
        const honest: Record<string, unknown> = { count: 1, current: 1, total_pages: 1, next: 0, previous: 0, start_index: 1, end_index: 1 };
        fake.route({ path: '/stages/all/', reply: json({ pagination: { ...honest, ...pagination }, results: stages(0, 1) }) });
        const error = await rejection(client().listAll('/stages/all/'));
        assert.ok(error instanceof AuthentikError, String(error));
        assert.ok(error.message.includes(field), error.message);
      }
      fake.route({ path: '/stages/all/', reply: json({ pagination: 'lots', results: [] }) });
      assert.match(String(await rejection(client().listAll('/stages/all/'))), /"pagination" = the string "lots", not an object/);
    });

    test('a version of the wrong type is an error naming the field', async () => {
      for (const [body, said] of [
        [{ version_current: 2026 }, '"version_current" that is a number'],
        [{ version_current: '2026\n\u001b[31m' }, 'holding control characters'],
        [['2026.8.3'], 'an answer that is not an object'],
      ] as const) {
        fake.route({ path: '/admin/version/', reply: json(body) });
        const error = await rejection(client().version());
        assert.ok(error instanceof AuthentikInvalidResponseError, String(error));
        assert.ok(error.message.includes(said), error.message);
        assert.ok(error.message.includes(fake.url));
      }
    });

    test('JSON nested a million deep is refused (a 200) or kept as text (an error body), never a stack overflow', async () => {
      const deep = `${'{"a":'.repeat(1_000_000)}1${'}'.repeat(1_000_000)}`;
      fake.route({ path: '/stages/deny/x/', reply: { kind: 'text', text: deep, headers: { 'content-type': 'application/json' } } });
      const error = await rejection(client().retrieve('/stages/deny/', 'x'));
      assert.ok(error instanceof AuthentikInvalidResponseError, String(error));
      assert.match(error.message, /nested more than 100 levels deep/);
      fake.route({ path: '/stages/deny/x/', reply: { kind: 'text', status: 400, text: deep, headers: { 'content-type': 'application/json' } } });
      const invalid = await rejection(client().update('/stages/deny/', 'x', { name: 'n' }));
      assert.ok(invalid instanceof AuthentikError && invalid.name === 'AuthentikValidationError', String(invalid));
      assert.match(invalid.message, /rejected PUT \/api\/v3\/stages\/deny\/x\/ \(400\): \{"a":\{"a":/);
    });

    test('an object or list of the wrong shape is an error naming the server and the request', async () => {
      const api = client();
      for (const [path, body, call, said] of [
        ['/stages/deny/x/', 'just text', () => api.retrieve('/stages/deny/', 'x'), 'GET /api/v3/stages/deny/x/ with a string, not the object'],
        ['/stages/deny/x/', [{ pk: 'x' }], () => api.update('/stages/deny/', 'x', { name: 'n' }), 'PUT /api/v3/stages/deny/x/ with a list, not the object'],
        ['/stages/deny/', null, () => api.create('/stages/deny/', { name: 'n' }), 'POST /api/v3/stages/deny/ with null, not the object'],
        ['/stages/all/types/', { results: [] }, () => api.stageTypes(), 'GET /api/v3/stages/all/types/ with an object, not the list'],
        ['/stages/email/templates/', 7, () => api.emailTemplates(), 'GET /api/v3/stages/email/templates/ with a number, not the list'],
      ] as const) {
        fake.route({ path, reply: json(body) });
        const error = await rejection(call());
        assert.ok(error instanceof AuthentikInvalidResponseError, String(error));
        assert.ok(error.message.startsWith(`authentik at ${fake.url} answered ${said}`), error.message);
      }
    });
  });

  describe("class 7c: the server's OpenAPI document", () => {
    test('an alias bomb is refused in milliseconds, as a ServerSchemaError naming the server (the CLI)', async () => {
      fake.route({ path: '/schema/', reply: { kind: 'text', text: aliasBomb(), headers: { 'content-type': 'application/vnd.oai.openapi' } } });
      const started = Date.now();
      const error = await rejection((async () => readServerCatalog(await fetchServerSchemaText(client()), fake.url))());
      assert.ok(error instanceof ServerSchemaError, String(error));
      assert.match(error.message, new RegExp(`^The schema of authentik at ${fake.url} \\(GET /api/v3/schema/\\) cannot be used: .*alias`));
      assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
      assert.throws(() => readServerCatalog(`{"openapi": "3.0.3", "paths": ${'['.repeat(100_000)}`, fake.url), ServerSchemaError);
    });

    test('VS Code hands the text to its language server, which refuses an alias bomb just as fast and keeps its schema', async () => {
      const server = await startStageServer();
      try {
        const started = Date.now();
        await assert.rejects(server.request(SetSchemaRequest.method, { openapi: aliasBomb(), source: `${fake.url}/api/v3/schema/` }), /cannot be used: .*alias/);
        assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
        const info = await server.request<{ version: string }>('authentikStages/schemaInfo', {});
        assert.equal(info.version, '2026.8.3');
      } finally {
        await server.shutdown();
      }
    });

    test('the real schema is read by the same function', async () => {
      const catalog = readServerCatalog(await fetchServerSchemaText(client()), fake.url);
      assert.ok(catalog.models.length > 10);
      assert.equal(catalog.index.source, `${fake.url}/api/v3/schema/`);
    });
  });

  describe('class 9: the token never comes back out', () => {
    const echo = Object.values(tokenEncodings(TOKEN)).join(' | ');
    const scenarios: Array<[string, () => HostileReply]> = [
      ['400 field errors', () => json({ name: [`bad: ${echo}`], [echo]: ['as a key'], config: { url: [echo] } }, 400, { 'x-echo': Buffer.from(`Bearer ${TOKEN}`).toString('base64') })],
      ['403 detail', () => json({ detail: `Token invalid: ${echo}`, code: echo }, 403, { 'www-authenticate': encodeURIComponent(TOKEN) })],
      ['500 text', () => ({ kind: 'text', status: 500, text: `Traceback: ${echo}`.padStart(250, '.') })],
      // Megabytes of backslashes (what a JSON-escape matcher could spend quadratic time on).
      ['500 text in 4 MiB of backslashes', () => ({ kind: 'text', status: 500, text: `${'\\'.repeat(2 * 1024 * 1024)}${echo}${'\\'.repeat(2 * 1024 * 1024)}` })],
      ['200 not JSON', () => ({ kind: 'text', status: 200, text: `<html>${echo}</html>`, headers: { 'content-type': 'text/html' } })],
      // The snippet of the body is cut at 200 characters: right through the echoed token.
      ['200 not JSON, the token across the cut', () => ({ kind: 'text', status: 200, text: `<html>${' '.repeat(174)}${TOKEN}</html>` })],
      ['redirect', () => ({ kind: 'redirect', location: `${elsewhere.url}/?t=${encodeURIComponent(TOKEN)}&b=${Buffer.from(TOKEN).toString('base64')}` })],
    ];
    for (const [name, reply] of scenarios) {
      test(`${name}: in no message, property, cause or log line, in any encoding`, async () => {
        fake.route({ method: 'PUT', path: /^\/stages\/deny\//, reply });
        const logs: string[] = [];
        const started = Date.now();
        const error = await rejection(client({}, logs).update('/stages/deny/', 'x', { name: 'n' }));
        assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
        assert.ok(error instanceof AuthentikError, String(error));
        assert.ok(logs.length > 0);
        assertNoToken(errorTexts(error, logs), name);
      });
    }
  });
});

describe('the command line against a hostile authentik', () => {
  let sandbox: Sandbox;
  let fake: HostileServer;
  let elsewhere: Awaited<ReturnType<typeof startElsewhere>>;
  let dir: string;
  let env: Record<string, string>;
  let file: string;
  let pk: string;
  before(async () => {
    sandbox = await startSandbox({ port: 0, token: TOKEN });
    fake = await startHostileServer({ upstream: sandbox.url });
    elsewhere = await startElsewhere();
    dir = mkdtempSync(join(tmpdir(), 'authentik-hostile-api-'));
    writeFileSync(join(dir, '.git'), '');
    env = { AUTHENTIK_URL: fake.url, AUTHENTIK_TOKEN: TOKEN };
    const pulled = await cli(dir, ['pull', '--model', DENY, '--out', 'stages'], env);
    assert.equal(pulled.status, 0, pulled.stderr);
    file = pulled.stdout.trim().split('\n')[0]!.split(/\s+/)[1]!;
    pk = /^pk: (\S+)$/m.exec(readFileSync(join(dir, file), 'utf8'))![1]!;
  });
  beforeEach(() => {
    fake.reset();
    elsewhere.received.length = 0;
  });
  after(async () => {
    await fake.close();
    await sandbox.close();
    elsewhere.server.close();
  });

  /** The stage file with a local edit (a secret the push would send). */
  const edit = (): string => {
    const text = readFileSync(join(dir, file), 'utf8').replace(/^deny_message:.*\n/m, '');
    const edited = `${text}deny_message: a secret for the real server only\n`;
    writeFileSync(join(dir, file), edited);
    return edited;
  };

  test('class 6: push answered by a 307 to another server fails, sends nothing there, leaves the file as it was', async () => {
    const edited = edit();
    fake.route({ path: `/stages/deny/${pk}/`, method: 'PUT', reply: { kind: 'redirect', status: 307, location: `${elsewhere.url}/api/v3/stages/deny/${pk}/` } });
    const pushed = await cli(dir, ['push', file], env);
    assert.notEqual(pushed.status, 0, pushed.stdout);
    assert.match(pushed.stdout + pushed.stderr, new RegExp(`redirected PUT /api/v3/stages/deny/${pk}/ \\(307\\) to "${elsewhere.url}/api/v3/stages/deny/${pk}/"\\. The redirect was not followed: nothing was sent to that address`));
    assert.match(pushed.stdout + pushed.stderr, /Fix the server URL/);
    assert.deepEqual(elsewhere.received, []);
    assert.equal(readFileSync(join(dir, file), 'utf8'), edited);
    assert.notEqual(sandbox.store.getStage(pk)!['deny_message'], 'a secret for the real server only');

    fake.route({ path: '/stages/all/', reply: { kind: 'redirect', status: 302, location: `${elsewhere.url}/api/v3/stages/all/` } });
    const listed = await cli(dir, ['list'], env);
    assert.notEqual(listed.status, 0);
    assert.match(listed.stderr, /redirected GET \/api\/v3\/stages\/all\/\?page=1&page_size=100 \(302\)/);
    assert.deepEqual(elsewhere.received, []);
  });

  test('class 7: an endless list answer and ten million pages end quickly with a clear error', async () => {
    fake.route({ path: '/stages/all/', reply: { kind: 'stream', chunk: '{"pk": "x", "name": "y"},'.repeat(100) } });
    const before = fake.requests.length;
    const endless = await cli(dir, ['list'], env);
    assert.notEqual(endless.status, 0);
    assert.match(endless.stderr, new RegExp(`authentik at ${fake.url} answered GET /api/v3/stages/all/ \\(200\\) with more than 8 MiB`));
    assert.doesNotMatch(endless.stderr, /\n\s+at /, 'no stack trace');
    fake.route({ path: '/stages/all/', reply: page([{ pk: 'a', name: 'b', meta_model_name: DENY }], { count: 100_000, total_pages: 10_000_000 }) });
    const many = await cli(dir, ['list'], env);
    assert.notEqual(many.status, 0);
    assert.match(many.stderr, /pagination\.total_pages = 10000000, more than the 10000 pages/);
    assert.equal(fake.requests.slice(before).filter((r) => r.path === '/api/v3/stages/all/').length, 2, 'page 1 only, once per run');
  });

  test("class 7: an alias-bomb /schema/ from a server of another version: the bundled schema, in well under seconds, reported on every run", async () => {
    fake.route(
      { path: '/admin/version/', reply: json({ version_current: '2026.9.1', version_latest: '2026.9.1', version_latest_valid: true, build_hash: '', outdated: false, outpost_outdated: false }) },
      { path: '/schema/', reply: { kind: 'text', text: aliasBomb(), headers: { 'content-type': 'application/vnd.oai.openapi' } } },
    );
    const before = fake.requests.length;
    for (let run = 0; run < 2; run++) {
      const listed = await cli(dir, ['list', '--model', DENY], env);
      assert.equal(listed.status, 0, listed.stderr);
      assert.match(listed.stderr, new RegExp(`The schema of authentik at ${fake.url} \\(GET /api/v3/schema/\\) cannot be used: .*alias.* Using the bundled authentik ${BUNDLED_VERSION.replace(/\./g, '\\.')} schema instead\\.`));
      assert.match(listed.stdout, /authentik_stages_deny\.denystage/);
      assert.ok(listed.ms < 4000, `run ${run} took ${listed.ms} ms`);
    }
    assert.equal(fake.requests.slice(before).filter((r) => r.path === '/api/v3/schema/').length, 2, 'fetched once per run: not retried, not hidden behind a cached failure');
    fake.route({ path: '/schema/', reply: json({ hello: 'not OpenAPI' }) });
    const notOpenApi = await cli(dir, ['list', '--model', DENY], env);
    assert.equal(notOpenApi.status, 0, notOpenApi.stderr);
    assert.match(notOpenApi.stderr, /cannot be used: The document is not an OpenAPI 3 document/);
    assert.doesNotMatch(notOpenApi.stderr, /\n\s+at /, 'no stack trace');
  });

  test('class 9: push answered with the token echoed in every encoding: not in stdout or stderr', async () => {
    const echo = Object.values(tokenEncodings(TOKEN)).join(' | ');
    const replies: Array<[HostileReply, boolean]> = [
      [json({ deny_message: [`bad: ${echo}`], non_field_errors: [echo] }, 400), true],
      [json({ detail: `Token invalid: ${echo}` }, 403), true],
      [{ kind: 'text', status: 500, text: `crash ${echo}` }, true],
      // The message of a 2xx that is not JSON quotes none of the body.
      [{ kind: 'text', status: 200, text: `<p>${echo}</p>`, headers: { 'content-type': 'text/html' } }, false],
    ];
    for (const [reply, quoted] of replies) {
      edit();
      fake.route({ path: `/stages/deny/${pk}/`, method: 'PUT', reply });
      const pushed = await cli(dir, ['push', file], env);
      assert.notEqual(pushed.status, 0, `${JSON.stringify(reply).slice(0, 80)}: ${pushed.stdout}`);
      if (quoted) assert.match(pushed.stdout + pushed.stderr, /\[token\]/, 'the echo is shown, redacted');
      assertNoToken([pushed.stdout, pushed.stderr], `push answered ${JSON.stringify(reply).slice(0, 60)}`);
    }
  });
});
