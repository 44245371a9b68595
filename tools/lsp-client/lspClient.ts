// A small LSP client over stdio, for tests and benchmarks.
//
// It spawns a language server, speaks JSON-RPC to it through vscode-languageserver-protocol,
// answers the requests a server typically sends to its client (workspace/configuration from a
// settable `settings` object, client/registerCapability, window/workDoneProgress/create, …),
// keeps a mirror of every open document, and records every publishDiagnostics with a sequence
// number and an arrival time, so that a caller can wait for "the diagnostics that answer this
// change" without racing the server:
//
//   const since = client.diagnosticsMarker();          // before the triggering notification
//   client.change(uri, 7, [edit]);
//   const rec = await client.waitForDiagnostics(uri, { since, afterVersion: 7 });
//
// Every wait is bounded by a timeout, and every wait fails at once (with the tail of the
// server's stderr) when the server process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  CancellationTokenSource,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
  type ClientCapabilities,
  type ConfigurationItem,
  type ConfigurationParams,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';

/** How to start the server process. */
export interface LspServerCommand {
  command: string;
  args?: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Name used in error messages; defaults to the command line. */
  name?: string;
}

/** One publishDiagnostics notification as received. */
export interface DiagnosticsRecord {
  /** Increasing over all publishes this client received (all uris); compare with diagnosticsMarker(). */
  seq: number;
  uri: string;
  /** The document version the server said the diagnostics are for, if it said one. */
  version: number | undefined;
  diagnostics: Diagnostic[];
  /** performance.now() when the notification was read. */
  receivedAt: number;
}

export interface WaitForDiagnosticsOptions {
  /**
   * Only publishes received after this marker (from diagnosticsMarker()) count. Defaults to the
   * marker at the time of the call; when `afterVersion` is given and `since` is not, publishes
   * already received that carry a version ≥ afterVersion count too.
   */
  since?: number;
  /** Publishes that carry a version must carry one ≥ this; publishes without a version are not filtered by it. */
  afterVersion?: number;
  /** Extra condition on the publish. */
  predicate?: (record: DiagnosticsRecord) => boolean;
  /** Defaults to 10 s. */
  timeoutMs?: number;
}

/** A JSON-like settings tree, keyed by configuration section. */
export type LspSettings = Record<string, unknown>;

/** A document the client has opened, as the client last sent it. */
export interface OpenDocument {
  uri: string;
  languageId: string;
  version: number;
  text: string;
}

interface DiagnosticsWaiter {
  uri: string;
  accept: (record: DiagnosticsRecord) => boolean;
  resolve: (record: DiagnosticsRecord) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const STDERR_LIMIT = 64 * 1024;
const LOG_LIMIT = 200;
const HISTORY_PER_URI = 64;

/** The file: URI of a path (resolved against the current directory). */
export function fileUri(path: string): string {
  return pathToFileURL(resolvePath(path)).href;
}

/**
 * The LSP position (0-based line, UTF-16 character) of the first occurrence of `needle` in
 * `text` at or after `fromIndex`, moved `offsetInNeedle` characters into the needle.
 * Throws if the needle is not found.
 */
export function positionOf(text: string, needle: string, offsetInNeedle = 0, fromIndex = 0): Position {
  const at = text.indexOf(needle, fromIndex);
  if (at < 0) throw new Error(`positionOf: ${JSON.stringify(needle)} not found`);
  return positionAt(text, at + offsetInNeedle);
}

/** The LSP position of a string offset. */
export function positionAt(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

/** The string offset of an LSP position (clamped to the line and the text). */
export function offsetAt(text: string, position: Position): number {
  let lineStart = 0;
  for (let line = 0; line < position.line; line++) {
    const nl = text.indexOf('\n', lineStart);
    if (nl < 0) return text.length;
    lineStart = nl + 1;
  }
  let lineEnd = text.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  return Math.min(lineStart + Math.max(0, position.character), lineEnd);
}

/** Applies LSP content changes (full or incremental) to a text, in order. */
export function applyContentChanges(text: string, changes: readonly TextDocumentContentChangeEvent[]): string {
  for (const change of changes) {
    if ('range' in change) {
      const start = offsetAt(text, change.range.start);
      const end = offsetAt(text, change.range.end);
      text = text.slice(0, start) + change.text + text.slice(end);
    } else {
      text = change.text;
    }
  }
  return text;
}

/** A diagnostic's message as text (LSP 3.18 types allow a MarkupContent message). */
export function diagnosticMessage(diagnostic: Diagnostic): string {
  const message: unknown = diagnostic.message;
  if (typeof message === 'string') return message;
  return typeof message === 'object' && message !== null && 'value' in message ? String(message.value) : String(message);
}

/** The default client capabilities: what an editor like VS Code announces, in small. */
export function defaultClientCapabilities(): ClientCapabilities {
  return {
    workspace: {
      configuration: true,
      didChangeConfiguration: { dynamicRegistration: true },
      workspaceFolders: false,
      applyEdit: false,
    },
    textDocument: {
      synchronization: { dynamicRegistration: false, willSave: false, willSaveWaitUntil: false, didSave: true },
      completion: {
        dynamicRegistration: false,
        contextSupport: true,
        completionItem: {
          snippetSupport: true,
          documentationFormat: ['markdown', 'plaintext'],
          insertReplaceSupport: false,
          labelDetailsSupport: true,
        },
      },
      hover: { dynamicRegistration: false, contentFormat: ['markdown', 'plaintext'] },
      codeAction: {
        dynamicRegistration: false,
        isPreferredSupport: true,
        codeActionLiteralSupport: {
          codeActionKind: {
            valueSet: ['', 'quickfix', 'refactor', 'refactor.extract', 'refactor.inline', 'refactor.rewrite', 'source', 'source.organizeImports'],
          },
        },
      },
      documentSymbol: { dynamicRegistration: false, hierarchicalDocumentSymbolSupport: true },
      publishDiagnostics: { relatedInformation: true, versionSupport: true },
    },
    window: { workDoneProgress: true },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override)) return (override === undefined ? base : override) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = deepMerge(out[key], value);
  return out as T;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A running language server and the client end of its connection. */
export class LspClient {
  /** Settings answered to workspace/configuration, keyed by section (dotted sections are looked up as paths too). */
  settings: LspSettings = {};
  /** The result of initialize, once initialize() has resolved. */
  initializeResult: InitializeResult | undefined;
  /** window/logMessage and window/showMessage texts, the last few hundred. */
  readonly logMessages: string[] = [];
  /** Methods of server→client requests received (the last few hundred), in order. */
  readonly serverRequests: string[] = [];
  /** Exit code and signal, once the process has exited. */
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;

  private readonly name: string;
  private readonly connection: ProtocolConnection;
  private stderrText = '';
  private stderrDropped = 0;
  private exited = false;
  private readonly exitPromise: Promise<void>;
  private seq = 0;
  private readonly history = new Map<string, DiagnosticsRecord[]>();
  private waiters: DiagnosticsWaiter[] = [];
  private readonly documents = new Map<string, OpenDocument>();
  private readonly requestCounts = new Map<string, number>();
  private lastPeakRss: number | undefined;

  private constructor(
    /** The server process. */
    readonly child: ChildProcess,
    name: string,
  ) {
    this.name = name;
    this.exitPromise = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        this.exited = true;
        this.exitCode = code;
        this.exitSignal = signal;
        this.failWaiters(new Error(`${this.name} exited (code ${code}, signal ${signal})${this.stderrTail()}`));
        resolve();
      });
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderrText += chunk;
      if (this.stderrText.length > STDERR_LIMIT) {
        const cut = this.stderrText.length - STDERR_LIMIT;
        this.stderrDropped += cut;
        this.stderrText = this.stderrText.slice(cut);
      }
    });
    // Writing to a server that died raises EPIPE on stdin; the exit handler reports it.
    child.stdin?.on('error', () => undefined);
    child.stdout?.on('error', () => undefined);

    if (!child.stdout || !child.stdin) throw new Error(`${name}: no stdio pipes`);
    this.connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    this.connection.onError(() => undefined);
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) =>
      this.recordDiagnostics(params),
    );
    this.connection.onNotification('window/logMessage', (params: { message?: string }) => this.log(params.message));
    this.connection.onNotification('window/showMessage', (params: { message?: string }) => this.log(params.message));
    this.connection.onRequest('workspace/configuration', (params: ConfigurationParams) => {
      this.countRequest('workspace/configuration');
      return params.items.map((item) => this.configurationFor(item));
    });
    for (const method of [
      'client/registerCapability',
      'client/unregisterCapability',
      'window/workDoneProgress/create',
      'window/showMessageRequest',
      'workspace/codeLens/refresh',
      'workspace/semanticTokens/refresh',
      'workspace/inlayHint/refresh',
      'workspace/inlineValue/refresh',
      'workspace/diagnostic/refresh',
      'workspace/foldingRange/refresh',
    ]) {
      this.connection.onRequest(method, () => {
        this.countRequest(method);
        return null;
      });
    }
    this.connection.onRequest('workspace/workspaceFolders', () => {
      this.countRequest('workspace/workspaceFolders');
      return null;
    });
    this.connection.onRequest('workspace/applyEdit', () => {
      this.countRequest('workspace/applyEdit');
      return { applied: false, failureReason: 'test client does not apply edits' };
    });
    // Any other request is answered by vscode-jsonrpc itself with MethodNotFound.
    this.connection.listen();
  }

  /** Spawns the server and connects to it over stdio. Rejects if the process cannot be started. */
  static async start(options: LspServerCommand): Promise<LspClient> {
    const args = options.args ?? [];
    const name = options.name ?? [options.command, ...args].join(' ');
    const child = spawn(options.command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (error) => reject(new Error(`${name}: cannot start: ${error.message}`)));
    });
    child.on('error', () => undefined);
    return new LspClient(child, name);
  }

  /** True while the server process is running. */
  get alive(): boolean {
    return !this.exited;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** What the server wrote to stderr (the last 64 KiB). */
  get stderr(): string {
    return this.stderrDropped > 0 ? `[… ${this.stderrDropped} characters dropped …]\n${this.stderrText}` : this.stderrText;
  }

  /** Sends initialize (capabilities deep-merged over the defaults) and then initialized. */
  async initialize(params: Partial<InitializeParams> = {}, timeoutMs = 30_000): Promise<InitializeResult> {
    const base: InitializeParams = {
      processId: process.pid,
      clientInfo: { name: 'authentik-stages-test-client', version: '0.1.0' },
      locale: 'en',
      rootUri: null,
      workspaceFolders: null,
      capabilities: defaultClientCapabilities(),
    };
    const full: InitializeParams = { ...base, ...params, capabilities: deepMerge(base.capabilities, params.capabilities) };
    const result = await this.request<InitializeResult>('initialize', full, timeoutMs);
    this.initializeResult = result;
    await this.notify('initialized', {});
    return result;
  }

  /** Sends a request; rejects on timeout (cancelling the request), on an error response, or when the server exits. */
  async request<R>(method: string, params: unknown, timeoutMs = 10_000): Promise<R> {
    if (this.exited) throw new Error(`${this.name}: ${method}: server is not running${this.stderrTail()}`);
    type Outcome = { kind: 'ok'; value: R } | { kind: 'error'; error: unknown } | { kind: 'timeout' } | { kind: 'exit' };
    const cancel = new CancellationTokenSource();
    let timer: NodeJS.Timeout | undefined;
    // Every promise raced here resolves (never rejects), so nothing is left unhandled when one loses.
    const response: Promise<Outcome> = this.connection.sendRequest<R>(method, params, cancel.token).then(
      (value) => ({ kind: 'ok', value }),
      (error: unknown) => ({ kind: 'error', error }),
    );
    const timeout = new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
    });
    const exit = this.exitPromise.then((): Outcome => ({ kind: 'exit' }));
    const outcome = await Promise.race([response, timeout, exit]);
    clearTimeout(timer);
    switch (outcome.kind) {
      case 'ok':
        cancel.dispose();
        return outcome.value;
      case 'timeout':
        cancel.cancel();
        cancel.dispose();
        throw new Error(`${this.name}: request ${method} timed out after ${timeoutMs} ms`);
      case 'exit':
        cancel.dispose();
        throw new Error(`${this.name}: server exited (code ${this.exitCode}, signal ${this.exitSignal}) during ${method}${this.stderrTail()}`);
      case 'error': {
        cancel.dispose();
        const error = outcome.error;
        if (error instanceof ResponseError) throw new Error(`${this.name}: ${method} failed: ${error.message} (code ${error.code})`);
        throw error instanceof Error ? error : new Error(`${this.name}: ${method} failed: ${errorMessage(error)}`);
      }
    }
  }

  /** Sends a notification. Resolves once it is handed to the pipe; never throws for a dead server. */
  async notify(method: string, params?: unknown): Promise<void> {
    if (this.exited) return;
    try {
      await this.connection.sendNotification(method, params);
    } catch {
      // the exit handler reports a dead server
    }
  }

  /** didOpen; remembers the text. Returns performance.now() at sending. */
  open(uri: string, languageId: string, text: string, version = 1): number {
    this.documents.set(uri, { uri, languageId, version, text });
    const sentAt = performance.now();
    void this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
    return sentAt;
  }

  /** didChange with full or incremental changes; updates the mirror after sending. Returns performance.now() at sending. */
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): number {
    const sentAt = performance.now();
    void this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    const doc = this.documents.get(uri);
    if (doc) {
      doc.text = applyContentChanges(doc.text, changes);
      doc.version = version;
    }
    return sentAt;
  }

  /** didClose. */
  close(uri: string): void {
    this.documents.delete(uri);
    void this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  /** The document as the client last sent it. */
  document(uri: string): OpenDocument | undefined {
    return this.documents.get(uri);
  }

  /** A marker for waitForDiagnostics({since}): take it before sending what should trigger diagnostics. */
  diagnosticsMarker(): number {
    return this.seq;
  }

  /** The last publishDiagnostics received for the uri. */
  lastDiagnostics(uri: string): DiagnosticsRecord | undefined {
    const list = this.history.get(uri);
    return list?.[list.length - 1];
  }

  /** Diagnostics publishes received for the uri (the last few dozen), oldest first. */
  diagnosticsHistory(uri: string): readonly DiagnosticsRecord[] {
    return this.history.get(uri) ?? [];
  }

  /**
   * Resolves with the first publishDiagnostics for the uri received after `since` (see the
   * options), or an already received one that qualifies. Rejects on timeout or server exit.
   */
  waitForDiagnostics(uri: string, options: WaitForDiagnosticsOptions = {}): Promise<DiagnosticsRecord> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const searchVersioned = options.since === undefined && options.afterVersion !== undefined;
    const since = options.since ?? this.seq;
    const afterVersion = options.afterVersion;
    const accept = (record: DiagnosticsRecord): boolean => {
      if (record.uri !== uri) return false;
      if (afterVersion !== undefined && record.version !== undefined) {
        if (record.version < afterVersion) return false;
        if (record.seq <= since && !searchVersioned) return false;
      } else if (record.seq <= since) {
        return false;
      }
      return options.predicate ? options.predicate(record) : true;
    };
    const found = (this.history.get(uri) ?? []).find(accept);
    if (found) return Promise.resolve(found);
    if (this.exited) return Promise.reject(new Error(`${this.name} is not running${this.stderrTail()}`));
    return new Promise<DiagnosticsRecord>((resolve, reject) => {
      const waiter: DiagnosticsWaiter = {
        uri,
        accept,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          const last = this.lastDiagnostics(uri);
          const lastText = last
            ? `; last publish for it: #${last.seq}, version ${last.version}, ${last.diagnostics.length} diagnostics`
            : '; no publish for it yet';
          reject(
            new Error(
              `${this.name}: no matching diagnostics for ${uri} within ${timeoutMs} ms` +
                ` (since #${since}${afterVersion !== undefined ? `, version ≥ ${afterVersion}` : ''}${lastText})`,
            ),
          );
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** waitForDiagnostics from now on (and, with afterVersion, any already received publish of that version or later). */
  nextDiagnostics(uri: string, options: Omit<WaitForDiagnosticsOptions, 'since'> = {}): Promise<DiagnosticsRecord> {
    return this.waitForDiagnostics(uri, options);
  }

  /** How many server→client requests of this method the client has answered. */
  requestCount(method: string): number {
    return this.requestCounts.get(method) ?? 0;
  }

  /** Resolves once the client has answered `count` requests of this method in all (polling; bounded). */
  async waitForServerRequest(method: string, count = 1, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.requestCount(method) < count) {
      if (this.exited) throw new Error(`${this.name} exited before requesting ${method}${this.stderrTail()}`);
      if (Date.now() > deadline) throw new Error(`${this.name}: no ${method} request within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** VmHWM (peak resident set) of the server process in bytes; after exit, the last value read. */
  peakRssBytes(): number | undefined {
    const value = this.readStatus('VmHWM');
    if (value !== undefined) this.lastPeakRss = value;
    return value ?? this.lastPeakRss;
  }

  /** VmRSS (current resident set) of the server process in bytes, while it runs. */
  rssBytes(): number | undefined {
    return this.readStatus('VmRSS');
  }

  /**
   * shutdown request + exit notification; waits for the process to exit and kills it (SIGKILL)
   * if it has not exited within timeoutMs. Never throws.
   */
  async shutdown(timeoutMs = 5_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }> {
    let killed = false;
    if (!this.exited) {
      this.peakRssBytes();
      try {
        await this.request('shutdown', null, timeoutMs);
      } catch {
        // exit anyway
      }
      await this.notify('exit');
      this.child.stdin?.end();
      const exited = await Promise.race([
        this.exitPromise.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref()),
      ]);
      if (!exited) {
        killed = true;
        this.kill();
        await Promise.race([this.exitPromise, new Promise((r) => setTimeout(r, 2_000).unref())]);
      }
    }
    this.connection.dispose();
    return { code: this.exitCode, signal: this.exitSignal, killed };
  }

  /** Kills the process at once (SIGKILL). */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  private readStatus(field: string): number | undefined {
    if (this.exited || this.child.pid === undefined) return undefined;
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const match = new RegExp(`^${field}:\\s*(\\d+)\\s*kB`, 'm').exec(status);
      return match ? Number(match[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  private configurationFor(item: ConfigurationItem): unknown {
    const section = item.section;
    if (section === undefined || section === '') return this.settings;
    if (Object.prototype.hasOwnProperty.call(this.settings, section)) return this.settings[section] ?? null;
    let node: unknown = this.settings;
    for (const part of section.split('.')) {
      if (!isPlainObject(node) || !Object.prototype.hasOwnProperty.call(node, part)) return null;
      node = node[part];
    }
    return node ?? null;
  }

  private recordDiagnostics(params: PublishDiagnosticsParams): void {
    const record: DiagnosticsRecord = {
      seq: ++this.seq,
      uri: params.uri,
      version: typeof params.version === 'number' ? params.version : undefined,
      diagnostics: params.diagnostics,
      receivedAt: performance.now(),
    };
    let list = this.history.get(params.uri);
    if (!list) this.history.set(params.uri, (list = []));
    list.push(record);
    if (list.length > HISTORY_PER_URI) list.splice(0, list.length - HISTORY_PER_URI);
    const matched = this.waiters.filter((w) => w.uri === record.uri && w.accept(record));
    if (matched.length === 0) return;
    this.waiters = this.waiters.filter((w) => !matched.includes(w));
    for (const waiter of matched) {
      clearTimeout(waiter.timer);
      waiter.resolve(record);
    }
  }

  private failWaiters(error: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }

  private countRequest(method: string): void {
    this.requestCounts.set(method, this.requestCount(method) + 1);
    this.serverRequests.push(method);
    if (this.serverRequests.length > LOG_LIMIT) this.serverRequests.splice(0, this.serverRequests.length - LOG_LIMIT);
  }

  private log(message: string | undefined): void {
    if (message === undefined) return;
    this.logMessages.push(message);
    if (this.logMessages.length > LOG_LIMIT) this.logMessages.splice(0, this.logMessages.length - LOG_LIMIT);
  }

  private stderrTail(): string {
    const tail = this.stderrText.trim().split('\n').slice(-15).join('\n');
    return tail ? `\n--- stderr tail ---\n${tail}` : '';
  }

  /** For error messages. */
  toString(): string {
    return `LspClient(${this.name}, pid ${this.child.pid}${this.exited ? ', exited' : ''})`;
  }

}
