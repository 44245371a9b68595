// The measuring loop for one server and one file size, spoken over LSP through LspClient.
import { performance } from 'node:perf_hooks';
import type { CompletionItem, CompletionList, Diagnostic, Hover, MarkedString, MarkupContent } from 'vscode-languageserver-protocol';
import { LspClient, type DiagnosticsRecord } from '../../tools/lsp-client/lspClient';
import type { ServerDefinition, ServerId } from './servers';
import { type BenchFile, type SizeUnit, keyPosition, sizeText, valueRange } from './benchFile';

export interface Stats {
  samples: number[];
  median: number | null;
  p95: number | null;
}

export interface RunResult {
  server: ServerId;
  label: string;
  /** Stages or entries in the file. */
  size: number;
  unit: SizeUnit;
  lines: number;
  bytes: number;
  /** Set when the run could not finish; the measurements it got so far are kept. */
  error?: string;
  /** Things worth knowing about the run that are not errors. */
  notes: string[];
  /** didOpen → the first publishDiagnostics for the document: the median of the samples. */
  openToDiagnosticsMs: number | null;
  /** One per fresh server: the measured run's own open first, then the extra opens. */
  openToDiagnosticsSamples: number[];
  changeToDiagnostics: Stats & {
    /** Whether the server put a version on its publishes (then the version picked the answer). */
    versioned: boolean;
    /** Answers whose content did not match the edit (the invalid port not flagged, or the valid one flagged). */
    contentMismatches: number;
    /** publishDiagnostics received per timed edit (for the file), e.g. 2 when a server publishes twice. */
    publishesPerEdit: number | null;
  };
  keyCompletion: Stats & { items: number | null };
  valueCompletion: Stats & { items: number | null; labels: string[] };
  hover: Stats & { nonEmpty: boolean | null };
  peakRssBytes: number | null;
}

export interface MeasureOptions {
  uri: string;
  /** Timed edits (each alternates the port between valid and invalid). */
  edits: number;
  /** Untimed edits before them. */
  warmupEdits: number;
  /**
   * Opens timed, each in a fresh server (the measured run's own, then `opens - 1` more that only
   * open): a first open is what a user waits for, and a single sample is at the mercy of the load.
   */
  opens: number;
  /** Timed requests of each kind (key completion, value completion, hover). */
  requests: number;
  /** Pause before each edit, so that an edit never lands on work left over from the one before. */
  pauseMs: number;
  /** Bound of every single wait. */
  waitTimeoutMs: number;
  /** Bound of the whole run: loops stop early (with a note) once it is spent. */
  runBudgetMs: number;
  progress: (message: string) => void;
}

export function stats(samples: number[]): Stats {
  if (samples.length === 0) return { samples, median: null, p95: null };
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)];
  return { samples: samples.map(round2), median: round2(median), p95: round2(p95) };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function coversLine(diagnostic: Diagnostic, line: number): boolean {
  return diagnostic.range.start.line <= line && diagnostic.range.end.line >= line;
}

function hasDiagnosticOn(record: DiagnosticsRecord, line: number): boolean {
  return record.diagnostics.some((d) => coversLine(d, line));
}

function completionItems(result: CompletionList | CompletionItem[] | null | undefined): CompletionItem[] {
  if (!result) return [];
  return Array.isArray(result) ? result : result.items;
}

function hoverText(hover: Hover | null | undefined): string {
  if (!hover) return '';
  const part = (c: MarkupContent | MarkedString): string => (typeof c === 'string' ? c : c.value);
  const contents = hover.contents;
  return Array.isArray(contents) ? contents.map(part).join('\n') : part(contents);
}

async function startServer(server: ServerDefinition, timeoutMs: number): Promise<LspClient> {
  const client = await LspClient.start(server.command);
  client.settings = server.settings;
  try {
    await client.initialize({}, timeoutMs);
    if (server.configure) await server.configure(client);
  } catch (error) {
    await client.shutdown(5_000);
    throw error;
  }
  return client;
}

/** Opens the file (version 1) and waits for its first diagnostics: the milliseconds between. */
async function timeOpen(client: LspClient, server: ServerDefinition, file: BenchFile, uri: string, timeoutMs: number): Promise<number> {
  const since = client.diagnosticsMarker();
  const openedAt = client.open(uri, server.languageId, file.text, 1);
  const first = await client.waitForDiagnostics(uri, { since, afterVersion: 1, timeoutMs });
  return first.receivedAt - openedAt;
}

/** Starts the server, opens the file, measures, reads the peak memory, and always shuts the server down. */
export async function measureServer(server: ServerDefinition, file: BenchFile, options: MeasureOptions): Promise<RunResult> {
  const result: RunResult = {
    server: server.id,
    label: server.label,
    size: file.size,
    unit: file.unit,
    lines: file.lines,
    bytes: file.bytes,
    notes: [],
    openToDiagnosticsMs: null,
    openToDiagnosticsSamples: [],
    changeToDiagnostics: { ...stats([]), versioned: false, contentMismatches: 0, publishesPerEdit: null },
    keyCompletion: { ...stats([]), items: null },
    valueCompletion: { ...stats([]), items: null, labels: [] },
    hover: { ...stats([]), nonEmpty: null },
    peakRssBytes: null,
  };
  if (server.missing) {
    result.error = `not run: ${server.missing}`;
    return result;
  }
  const what = `${server.label} ${sizeText(file.size, file.unit)}`;
  const deadline = Date.now() + options.runBudgetMs;
  const overBudget = (phase: string): boolean => {
    if (Date.now() <= deadline) return false;
    result.notes.push(`run budget of ${options.runBudgetMs} ms spent during ${phase}: stopped early`);
    return true;
  };
  const uri = options.uri;
  const timeoutMs = options.waitTimeoutMs;
  let client: LspClient | undefined;
  let version = 1;
  try {
    options.progress(`bench: ${what}: starting`);
    client = await startServer(server, timeoutMs);
    options.progress(`bench: ${what}: open → diagnostics…`);
    result.openToDiagnosticsSamples.push(await timeOpen(client, server, file, uri, timeoutMs));
    let since = client.diagnosticsMarker();

    // change → diagnostics: the port of the probed email stage, alternately invalid and valid.
    options.progress(`bench: ${what}: change→diagnostics…`);
    const samples: number[] = [];
    let invalid = false;
    const editPort = async (): Promise<{ latency: number; record: DiagnosticsRecord; reflects: boolean }> => {
      const c = client as LspClient;
      await new Promise((r) => setTimeout(r, options.pauseMs));
      const text = c.document(uri)?.text ?? '';
      const port = valueRange(text, file.probeStart, 'port', file.probeIndent);
      invalid = !invalid;
      const expectDiagnostic = invalid;
      const reflects = (r: DiagnosticsRecord): boolean => hasDiagnosticOn(r, port.line) === expectDiagnostic;
      since = c.diagnosticsMarker();
      const v = ++version;
      const sentAt = c.change(uri, v, [{ range: port.range, text: invalid ? file.invalidPort : file.validPort }]);
      // The answer to this change: the first publish for this version or later when the server
      // sends versions, else (yaml-language-server) the first publish whose content shows the edit.
      const record = await c.waitForDiagnostics(uri, {
        since,
        timeoutMs,
        predicate: (r) => (r.version !== undefined ? r.version >= v : reflects(r)),
      });
      return { latency: record.receivedAt - sentAt, record, reflects: reflects(record) };
    };
    for (let i = 0; i < options.warmupEdits && !overBudget('warm-up'); i++) await editPort();
    const publishesBefore = client.diagnosticsMarker();
    for (let i = 0; i < options.edits && !overBudget('change→diagnostics'); i++) {
      const { latency, record, reflects } = await editPort();
      samples.push(latency);
      if (record.version !== undefined) result.changeToDiagnostics.versioned = true;
      if (!reflects) result.changeToDiagnostics.contentMismatches++;
    }
    // Publishes that belong to the timed edits, counted once the last one has had time to arrive.
    const typical = stats(samples).median ?? 0;
    await new Promise((r) => setTimeout(r, Math.min(3_000, Math.max(options.pauseMs, 300, 2 * typical))));
    const publishes = client.diagnosticsMarker() - publishesBefore;
    result.changeToDiagnostics.publishesPerEdit = samples.length ? round2(publishes / samples.length) : null;
    if (invalid) await editPort(); // leave the file valid again
    result.changeToDiagnostics = { ...result.changeToDiagnostics, ...stats(samples) };
    if (result.changeToDiagnostics.contentMismatches > 0 && server.id !== 'floor') {
      result.notes.push(
        `${result.changeToDiagnostics.contentMismatches} of ${samples.length} change→diagnostics answers did not match the edit (port ${file.invalidPort} not flagged, or ${file.validPort} flagged)`,
      );
    }

    // Completion set-up: a new empty line (indented as the fields) in the probed stage, and `use_tls: ` without value.
    {
      const text = client.document(uri)?.text ?? '';
      const cacheTimeout = valueRange(text, file.probeStart, 'recovery_cache_timeout', file.probeIndent);
      const useTls = valueRange(text, file.probeStart, 'use_tls', file.probeIndent);
      since = client.diagnosticsMarker();
      const v = ++version;
      client.change(uri, v, [
        { range: { start: cacheTimeout.range.end, end: cacheTimeout.range.end }, text: `\n${file.probeIndent}` },
        { range: useTls.range, text: '' },
      ]);
      try {
        await client.waitForDiagnostics(uri, {
          since,
          timeoutMs,
          predicate: (r) => (r.version !== undefined ? r.version >= v : hasDiagnosticOn(r, useTls.line)),
        });
      } catch (error) {
        result.notes.push(`no diagnostics after the completion set-up edit: ${errorText(error)}`);
      }
    }
    const text = client.document(uri)?.text ?? '';
    const emptyLine = { line: valueRange(text, file.probeStart, 'recovery_cache_timeout', file.probeIndent).line + 1, character: file.probeIndent.length };
    const useTlsValue = valueRange(text, file.probeStart, 'use_tls', file.probeIndent).range.start;
    const tokenExpiry = keyPosition(text, file.probeStart, 'token_expiry', file.probeIndent, 3);

    const timeRequests = async <R>(label: string, method: string, params: unknown, last: (r: R) => void): Promise<number[]> => {
      options.progress(`bench: ${what}: ${label}…`);
      const times: number[] = [];
      for (let i = 0; i < options.requests && !overBudget(label); i++) {
        const c = client as LspClient;
        const start = performance.now();
        const response = await c.request<R>(method, params, timeoutMs);
        times.push(performance.now() - start);
        last(response);
      }
      return times;
    };
    const textDocument = { uri };
    let keyItems: CompletionItem[] = [];
    const keyTimes = await timeRequests<CompletionList | CompletionItem[] | null>(
      'key completion',
      'textDocument/completion',
      { textDocument, position: emptyLine, context: { triggerKind: 1 } },
      (r) => (keyItems = completionItems(r)),
    );
    result.keyCompletion = { ...stats(keyTimes), items: keyItems.length };
    let valueItems: CompletionItem[] = [];
    const valueTimes = await timeRequests<CompletionList | CompletionItem[] | null>(
      'value completion',
      'textDocument/completion',
      { textDocument, position: useTlsValue, context: { triggerKind: 1 } },
      (r) => (valueItems = completionItems(r)),
    );
    result.valueCompletion = { ...stats(valueTimes), items: valueItems.length, labels: valueItems.slice(0, 8).map((i) => i.label) };
    let hover = '';
    const hoverTimes = await timeRequests<Hover | null>(
      'hover',
      'textDocument/hover',
      { textDocument, position: tokenExpiry },
      (r) => (hover = hoverText(r)),
    );
    result.hover = { ...stats(hoverTimes), nonEmpty: hover.trim().length > 0 };
    // What the answers lacked (requests the run budget left unasked say nothing).
    if (server.id !== 'floor') {
      if (keyTimes.length > 0 && keyItems.length === 0) result.notes.push('key completion on the new empty line returned no items');
      if (valueTimes.length > 0 && !valueItems.some((i) => i.label === 'true' || i.label === 'false')) {
        result.notes.push(`value completion after "use_tls: " offered no boolean (got ${valueItems.length} items)`);
      }
      if (hoverTimes.length > 0 && !hover.trim()) result.notes.push('hover on token_expiry returned nothing');
    }
  } catch (error) {
    result.error = errorText(error);
  } finally {
    if (client) {
      result.peakRssBytes = client.peakRssBytes() ?? null;
      const exit = await client.shutdown(5_000);
      if (exit.killed) result.notes.push('server did not exit after shutdown/exit: killed');
    }
  }
  for (let i = 1; i < options.opens && !result.error && !overBudget('the extra opens'); i++) {
    options.progress(`bench: ${what}: open → diagnostics in a fresh server (${i + 1} of ${options.opens})…`);
    const fresh = await startServer(server, timeoutMs).catch((error: unknown) => error as Error);
    if (fresh instanceof Error) {
      result.notes.push(`extra open ${i + 1}: ${errorText(fresh)}`);
      break;
    }
    try {
      result.openToDiagnosticsSamples.push(await timeOpen(fresh, server, file, uri, timeoutMs));
    } catch (error) {
      result.notes.push(`extra open ${i + 1}: ${errorText(error)}`);
      break;
    } finally {
      await fresh.shutdown(5_000);
    }
  }
  result.openToDiagnosticsSamples = result.openToDiagnosticsSamples.map(round2);
  result.openToDiagnosticsMs = stats(result.openToDiagnosticsSamples).median;
  const c = result.changeToDiagnostics;
  options.progress(
    `bench: ${what}: done${result.error ? ` with error: ${result.error.split('\n')[0]}` : ''}` +
      (c.median !== null ? ` (change→diagnostics median ${c.median} ms)` : ''),
  );
  return result;
}
