/**
 * The sandbox over HTTP (node:http): reads each request, applies latency and fault rules, hands it
 * to the API router, records it in the request log and logs one line (method, path, status, ms)
 * without the token. `/_sandbox/*` are the test controls (token required, never faulted or
 * recorded):
 *
 *   GET    /_sandbox/faults     {rules, latencyMs}
 *   POST   /_sandbox/faults     a rule, a list of rules, or {rules?, latencyMs?}  → 201 {rules, latencyMs}
 *   DELETE /_sandbox/faults     remove every rule and the latency                 → 204
 *   GET    /_sandbox/requests   the request log                                   → [{method, path, query, status, body?}]
 *   DELETE /_sandbox/requests   clear the log                                     → 204
 *   GET    /_sandbox/state      the whole state (the seed/state file format)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildCatalog, type Catalog } from './catalog';
import { Faults, parseFaultRequest } from './faults';
import { loadOpenApi } from './openapi';
import { ApiRouter, serverErrorResponse, type ApiResponse } from './router';
import { applySeed, readSeedFile, type SeedData } from './seed';
import { SandboxStore } from './store';

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: '127.0.0.1' | string;
  /** The API token (default `sandbox-token`). */
  token?: string;
  /** The OpenAPI document (default: the pinned `@goauthentik/api` `schema.yml`). */
  schemaPath?: string;
  /** Seed data or a seed file (default: the demo data). Ignored when `statePath` exists. */
  seed?: SeedData | string;
  /** Keep the state in this JSON file: loaded at start when it exists, written after every change. */
  statePath?: string;
  /** Added to every request (ms). */
  latencyMs?: number;
  /** Receives one line per request. */
  log?: (line: string) => void;
  /** Templates the "server's" email template directory holds. */
  customEmailTemplates?: string[];
  /** authentik's system settings `pagination_default_page_size` (default 20). */
  defaultPageSize?: number;
  /** authentik's system settings `pagination_max_page_size` (default 100). */
  maxPageSize?: number;
  /** Whether an enterprise licence is installed (default true); without, enterprise stages are refused. */
  enterpriseLicensed?: boolean;
}

/** One request as received. */
export interface RequestRecord {
  method: string;
  /** The path without the query string. */
  path: string;
  query: Record<string, string>;
  /** The status answered; 0 when the connection was dropped. */
  status: number;
  /** The request body: parsed JSON when it was JSON, else the text. */
  body?: unknown;
  /** Milliseconds from arrival to answer. */
  durationMs: number;
}

export type RequestLog = RequestRecord[] & { clear(): void };

export interface Sandbox {
  /** `http://127.0.0.1:<port>` (no trailing slash; the API is under `/api/v3/`). */
  url: string;
  token: string;
  store: SandboxStore;
  catalog: Catalog;
  faults: Faults;
  /** Every request received (besides `/_sandbox/*`), oldest first. */
  requests: RequestLog;
  close(): Promise<void>;
}

/** The pinned `@goauthentik/api` `schema.yml`, found from the current directory or this file. */
export function defaultSchemaPath(): string {
  const candidates = [
    join(process.cwd(), 'node_modules', '@goauthentik', 'api', 'schema.yml'),
    join(__dirname, '..', 'node_modules', '@goauthentik', 'api', 'schema.yml'),
    join(__dirname, '..', '..', 'node_modules', '@goauthentik', 'api', 'schema.yml'),
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`cannot find @goauthentik/api/schema.yml (looked in ${candidates.join(', ')}); pass schemaPath`);
  return found;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function send(res: ServerResponse, response: ApiResponse): void {
  if (res.destroyed || res.socket?.destroyed) return; // closed meanwhile (close() during a delay)
  const body = Buffer.from(response.text, 'utf8');
  res.writeHead(response.status, { ...response.headers, 'Content-Length': String(body.length) });
  res.end(body);
}

/**
 * The path and query for the log, with the token blanked wherever a client put it: a path segment
 * or query value that is the token (or, for tokens of 8+ characters, contains it) becomes `***`.
 */
export function redactToken(url: URL, token: string): string {
  const hides = (text: string): boolean => token !== '' && (text === token || (token.length >= 8 && text.includes(token)));
  const decode = (text: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  const path = url.pathname
    .split('/')
    .map((segment) => (hides(segment) || hides(decode(segment)) ? '***' : segment))
    .join('/');
  if (!url.search) return path;
  const query = url.search
    .slice(1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? '' : pair.slice(eq + 1);
      return hides(decode(key)) ? '***' : hides(decode(value.replace(/\+/g, ' '))) || hides(value) ? `${key}=***` : pair;
    })
    .join('&');
  return `${path}?${query}`;
}

function queryRecord(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of query) out[key] = value;
  return out;
}

/** Starts a sandbox server. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const token = options.token ?? 'sandbox-token';
  const host = options.host ?? '127.0.0.1';
  const api = loadOpenApi(options.schemaPath ?? defaultSchemaPath());
  const catalog = buildCatalog(api);
  const store = new SandboxStore(catalog);
  if (options.statePath && existsSync(options.statePath)) {
    applySeed(store, readSeedFile(options.statePath));
  } else if (options.seed === undefined) {
    applySeed(store, { demo: true });
  } else {
    applySeed(store, typeof options.seed === 'string' ? readSeedFile(options.seed) : options.seed);
  }
  if (options.customEmailTemplates) store.customEmailTemplates = [...new Set([...store.customEmailTemplates, ...options.customEmailTemplates])];
  if (options.statePath) {
    store.statePath = options.statePath;
    store.writeState(options.statePath);
  }
  const faults = new Faults();
  faults.latencyMs = options.latencyMs ?? 0;
  const requests = Object.assign([] as RequestRecord[], {
    clear(this: RequestRecord[]) {
      this.length = 0;
    },
  }) as RequestLog;
  const router = new ApiRouter({
    catalog,
    store,
    token,
    pages: { defaultPageSize: options.defaultPageSize ?? 20, maxPageSize: options.maxPageSize ?? 100 },
    enterpriseLicensed: options.enterpriseLicensed ?? true,
  });
  const log = options.log ?? (() => undefined);

  const control = (method: string, pathname: string, body: Buffer, authorization: string | undefined): ApiResponse => {
    const auth = router.authenticate(authorization);
    const jsonResponse = (status: number, value: unknown): ApiResponse => ({ status, headers: { 'Content-Type': 'application/json' }, text: JSON.stringify(value) });
    if (auth === 'anonymous') return jsonResponse(403, { detail: 'Authentication credentials were not provided.' });
    if (auth !== 'ok') return jsonResponse(403, { detail: auth });
    const state = (): unknown => ({ rules: faults.list().map((r) => ({ ...r, remaining: Number.isFinite(r.remaining) ? r.remaining : 0 })), latencyMs: faults.latencyMs });
    if (pathname === '/_sandbox/faults') {
      if (method === 'GET') return jsonResponse(200, state());
      if (method === 'DELETE') {
        faults.clear();
        faults.latencyMs = 0;
        return { status: 204, headers: {}, text: '' };
      }
      if (method === 'POST') {
        try {
          const parsed = parseFaultRequest(body.length ? JSON.parse(body.toString('utf8')) : {});
          for (const rule of parsed.rules) faults.add(rule);
          if (parsed.latencyMs !== undefined) faults.latencyMs = parsed.latencyMs;
          return jsonResponse(201, state());
        } catch (error) {
          return jsonResponse(400, { detail: (error as Error).message });
        }
      }
    }
    if (pathname === '/_sandbox/requests') {
      if (method === 'GET') return jsonResponse(200, requests);
      if (method === 'DELETE') {
        requests.clear();
        return { status: 204, headers: {}, text: '' };
      }
    }
    if (pathname === '/_sandbox/state' && method === 'GET') return jsonResponse(200, store.snapshot());
    return jsonResponse(404, { detail: 'Not found.' });
  };

  const server: Server = createServer((req, res) => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const pathWithQuery = `${url.pathname}${url.search}`;
    const finish = (status: number): void => log(`${method} ${redactToken(url, token)} ${status || 'dropped'} ${(performance.now() - started).toFixed(1)}ms`);
    void (async () => {
      const body = await readBody(req);
      if (url.pathname.startsWith('/_sandbox/')) {
        const response = control(method, url.pathname, body, req.headers['authorization']);
        send(res, response);
        finish(response.status);
        return;
      }
      const record: RequestRecord = { method, path: url.pathname, query: queryRecord(url.searchParams), status: 0, durationMs: 0 };
      requests.push(record);
      const decision = faults.decide(method, pathWithQuery);
      if (decision.delayMs > 0) await sleep(decision.delayMs);
      if (body.length > 0) {
        try {
          record.body = JSON.parse(body.toString('utf8'));
        } catch {
          record.body = body.toString('utf8');
        }
      }
      if (decision.drop) {
        record.durationMs = performance.now() - started;
        req.socket.destroy();
        finish(0);
        return;
      }
      let response: ApiResponse;
      if (decision.status !== undefined) {
        response = { status: decision.status, headers: { 'Content-Type': 'application/json' }, text: JSON.stringify(decision.body) };
      } else {
        try {
          response = router.handle({ method, pathname: url.pathname, query: url.searchParams, headers: req.headers, body });
          if (response.requestBody !== undefined) record.body = response.requestBody;
        } catch (error) {
          log(`sandbox: internal error: ${(error as Error).stack ?? String(error)}`);
          response = serverErrorResponse();
        }
      }
      record.status = response.status;
      record.durationMs = performance.now() - started;
      send(res, response);
      finish(response.status);
    })().catch((error: unknown) => {
      log(`sandbox: ${(error as Error).message}`);
      if (!res.headersSent) send(res, serverErrorResponse());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    token,
    store,
    catalog,
    faults,
    requests,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
