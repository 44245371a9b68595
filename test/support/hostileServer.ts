/**
 * A hostile fake authentik on 127.0.0.1: each test says what it answers. Routes it is given are
 * answered as the test says (crafted names, pks and values, redirects, huge or endless bodies,
 * endless pages, alias bombs, delays, dropped connections); every other request goes on to an
 * upstream server (usually a sandbox) when one is given, else gets authentik's 404. So a test can
 * keep a whole working authentik and make one endpoint lie.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake received it. */
export interface HostileRequest {
  method: string;
  /** Path without the query, e.g. `/api/v3/stages/email/`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** The body as text (`''` when none). */
  body: string;
}

/** What a route answers. */
export type HostileReply =
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'text'; status?: number; text: string; headers?: Record<string, string> }
  /** A 3xx (default 307) to `location`, with an optional body. */
  | { kind: 'redirect'; status?: number; location: string }
  /** `chunk` repeated without end (or `times` times), with no Content-Length. */
  | { kind: 'stream'; status?: number; chunk: string; times?: number; contentType?: string }
  /** Headers sent, then nothing: the body never ends. */
  | { kind: 'stall'; status?: number }
  /** The socket is destroyed without an answer. */
  | { kind: 'drop' }
  /** Passed on to the upstream server, as if the route did not exist. */
  | { kind: 'pass' };

export interface HostileRoute {
  /** Only this method; any when absent. */
  method?: string;
  /** The path under `/api/v3` (e.g. `/stages/all/`), exactly, or a pattern tested on it. */
  path: string | RegExp;
  /** Wait this long before answering. */
  delayMs?: number;
  reply: HostileReply | ((request: HostileRequest) => HostileReply | Promise<HostileReply>);
}

export interface HostileServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request received, oldest first (the ones passed upstream too). */
  requests: HostileRequest[];
  /** Adds routes in front of the existing ones (the newest route wins). */
  route(...routes: HostileRoute[]): void;
  /** Removes every route. */
  reset(): void;
  close(): Promise<void>;
}

export interface HostileOptions {
  routes?: HostileRoute[];
  /** Requests no route answers go here (e.g. a sandbox's url); without it they get a 404. */
  upstream?: string;
}

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): HostileReply => ({ kind: 'json', status, body, ...(Object.keys(headers).length ? { headers } : {}) });

/** An authentik page of `results`, claiming whatever pagination the test wants. */
export function page(results: unknown[], pagination: Partial<Record<'count' | 'current' | 'total_pages' | 'next' | 'previous' | 'start_index' | 'end_index', number>> = {}): HostileReply {
  const count = pagination.count ?? results.length;
  return json({
    pagination: { count, current: 1, total_pages: 1, next: 0, previous: 0, start_index: results.length ? 1 : 0, end_index: results.length, ...pagination },
    results,
    autocomplete: {},
  });
}

const API_PREFIX = '/api/v3';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function matches(route: HostileRoute, method: string, apiPath: string): boolean {
  if (route.method && route.method.toUpperCase() !== method) return false;
  return typeof route.path === 'string' ? route.path === apiPath : route.path.test(apiPath);
}

function forward(upstream: string, req: IncomingMessage, body: string, res: ServerResponse): void {
  const target = new URL(req.url ?? '/', upstream);
  const headers = { ...req.headers, host: target.host };
  const out = httpRequest(target, { method: req.method ?? 'GET', headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  out.on('error', () => res.destroy());
  out.end(body);
}

async function answer(reply: HostileReply, res: ServerResponse, pass: () => void): Promise<void> {
  switch (reply.kind) {
    case 'pass':
      return pass();
    case 'drop':
      res.socket?.destroy();
      return;
    case 'json': {
      const text = JSON.stringify(reply.body);
      res.writeHead(reply.status ?? 200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...(reply.headers ?? {}) });
      res.end(text);
      return;
    }
    case 'text':
      res.writeHead(reply.status ?? 200, { 'Content-Type': 'text/plain', 'Content-Length': String(Buffer.byteLength(reply.text)), ...(reply.headers ?? {}) });
      res.end(reply.text);
      return;
    case 'redirect':
      res.writeHead(reply.status ?? 307, { Location: reply.location, 'Content-Length': '0' });
      res.end();
      return;
    case 'stall':
      res.writeHead(reply.status ?? 200, { 'Content-Type': 'application/json' });
      res.write('{');
      return;
    case 'stream': {
      res.writeHead(reply.status ?? 200, { 'Content-Type': reply.contentType ?? 'application/json' });
      let sent = 0;
      // Writes as fast as the client reads, until the client gives up (or `times` chunks went out).
      const pump = (): void => {
        while (!res.destroyed && (reply.times === undefined || sent < reply.times)) {
          sent++;
          if (!res.write(reply.chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        if (!res.destroyed) res.end();
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
      return;
    }
  }
}

export async function startHostileServer(options: HostileOptions = {}): Promise<HostileServer> {
  let routes: HostileRoute[] = [...(options.routes ?? [])].reverse();
  const requests: HostileRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = await readBody(req);
      const method = (req.method ?? 'GET').toUpperCase();
      const record: HostileRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, body };
      requests.push(record);
      const apiPath = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname;
      const pass = (): void => {
        if (options.upstream) forward(options.upstream, req, body, res);
        else void answer(json({ detail: 'Not found.' }, 404), res, pass);
      };
      const route = routes.find((r) => matches(r, method, apiPath));
      if (!route) return pass();
      if (route.delayMs) await new Promise((resolve) => setTimeout(resolve, route.delayMs));
      const reply = typeof route.reply === 'function' ? await route.reply(record) : route.reply;
      await answer(reply, res, pass);
    })().catch(() => res.destroy());
  });
  // Sockets held open by stalled or streamed answers must not keep close() waiting.
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route(...added) {
      routes = [...[...added].reverse(), ...routes];
    },
    reset() {
      routes = [];
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
