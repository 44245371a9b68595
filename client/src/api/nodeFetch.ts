/**
 * A `FetchLike` over `node:https` / `node:http`, for servers whose certificate Node's global
 * `fetch` cannot be told to trust: Node 20's `fetch` takes a custom CA only through an undici
 * `Agent`, and undici is not a dependency of this project. This one trusts Node's bundled root
 * CAs plus the given PEM certificates (a self-signed server certificate or a private CA).
 *
 * It does what the transport needs and no more: string body, plain-object headers, `signal`;
 * redirects are returned as they are (the transport reports them, never follows them). The
 * promise resolves when the headers arrive; the body is a stream read as the transport pulls it
 * (so a body without end is stopped by the transport's size limit, and cancelling the stream or
 * firing the signal closes the connection).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { rootCertificates } from 'node:tls';
import type { FetchLike } from './http';

/** Splits a PEM bundle into its certificates (a file may hold several). */
export function splitPem(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

export interface NodeFetchOptions {
  /** PEM: one or more certificates trusted in addition to Node's root CAs. */
  caCertificates?: string;
  /** Sockets kept per host (default 16). */
  maxSockets?: number;
}

export interface NodeFetch {
  fetch: FetchLike;
  /** Closes the kept-alive sockets. */
  close(): void;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function headersOf(response: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

function prematureClose(): Error {
  return Object.assign(new Error('the connection was closed before the whole answer arrived'), { code: 'ECONNRESET' });
}

/**
 * The answer's body as a web stream handed over as soon as the headers arrive, reading no further
 * ahead than its reader asks (so the transport's size limit stops the transfer, not just the
 * reading); `fail` errors it (an abort, a socket error); `settled` runs once when it ends either way.
 */
function bodyStream(response: http.IncomingMessage, request: http.ClientRequest, settled: () => void): { stream: ReadableStream<Uint8Array>; fail: (error: unknown) => void } {
  let finished = false;
  let fail: (error: unknown) => void = () => undefined;
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        fail = (error: unknown): void => {
          if (finished) return;
          finished = true;
          settled();
          controller.error(error);
        };
        response.on('data', (chunk: Buffer) => {
          if (finished) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) response.pause();
        });
        response.on('error', (error) => fail(error));
        response.on('aborted', () => fail(prematureClose()));
        response.on('end', () => {
          if (!response.complete) return fail(prematureClose());
          if (finished) return;
          finished = true;
          settled();
          controller.close();
        });
      },
      pull() {
        response.resume();
      },
      cancel() {
        finished = true;
        settled();
        response.destroy();
        request.destroy();
      },
    },
    { highWaterMark: 4 },
  );
  return { stream, fail: (error) => fail(error) };
}

export function createNodeFetch(options: NodeFetchOptions = {}): NodeFetch {
  const extra = options.caCertificates === undefined ? [] : splitPem(options.caCertificates);
  if (options.caCertificates !== undefined && extra.length === 0) {
    throw new TypeError('caCertificates holds no PEM certificate ("-----BEGIN CERTIFICATE----- …"): give the CA certificate of the authentik server.');
  }
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 16, ca: [...rootCertificates, ...extra] });
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 16 });

  const fetch: FetchLike = (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(abortReason(signal));
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const headers: Record<string, string> = {};
      if (init.headers) new Headers(init.headers).forEach((value, key) => (headers[key] = value));
      const body = typeof init.body === 'string' ? Buffer.from(init.body) : undefined;
      if (body) headers['content-length'] = String(body.length);
      let failBody: ((error: unknown) => void) | undefined;
      const request = (secure ? https : http).request(target, { method: init.method ?? 'GET', headers, agent: secure ? httpsAgent : httpAgent }, (response) => {
        const status = response.statusCode ?? 0;
        const done = (): void => signal?.removeEventListener('abort', onAbort);
        let stream: ReadableStream<Uint8Array> | null = null;
        if (status === 204 || status === 304 || init.method === 'HEAD') {
          response.resume();
          response.on('end', done);
        } else {
          const body = bodyStream(response, request, done);
          stream = body.stream;
          failBody = body.fail;
        }
        try {
          resolve(new Response(stream, { status, statusText: response.statusMessage ?? '', headers: headersOf(response) }));
        } catch (error) {
          response.destroy();
          reject(error);
        }
      });
      const onAbort = (): void => {
        const reason = abortReason(signal!);
        request.destroy();
        failBody?.(reason);
        reject(reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', (error) => {
        failBody?.(error);
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      });
      request.end(body);
    });

  return {
    fetch,
    close() {
      httpsAgent.destroy();
      httpAgent.destroy();
    },
  };
}
