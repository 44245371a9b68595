// Robustness of the built language server (dist/server.js) over LSP: hostile hand-written files
// (not YAML, binary, NUL, deep nesting, ~5 MB, alias bombs, huge numbers, very long lines, many
// `---`, JSON with comments, odd UTF-16, odd line endings, every tag) and random variants of the
// blueprint corpus (truncated, bytes flipped, spliced, random stage bodies), as both languageIds,
// mixing open, incremental and full changes, close and re-open, with completion, hover,
// documentSymbol and codeAction requests at random positions after each step.
//
// Checked: the process stays alive; every request is answered in time (error responses count as
// answered and are reported); every change is answered by a publishDiagnostics for its version
// within 10 s (30 s for files over 1 MB); what comes back is well-formed for an editor (ranges
// inside the document, a symbol's selectionRange inside its range, completion edits on one line
// around the cursor, no empty symbol names); a document edited incrementally gets the same
// diagnostics as the same text opened fresh; the server logs no internal error; shutdown succeeds.
//
// Random choices come from a seeded PRNG: the seed is printed, and FUZZ_SEED=<seed> replays a run.
// When the server dies, the test records what killed it, starts a new server and goes on, so that
// one run reports every problem; any crash fails the test.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { isMap, isSeq, parseAllDocuments, stringify, type Node } from 'yaml';
import type {
  CodeAction,
  Command,
  CompletionItem,
  CompletionList,
  Diagnostic,
  DocumentSymbol,
  Hover,
  Position,
  Range,
  SymbolInformation,
  TextDocumentContentChangeEvent,
  TextEdit,
} from 'vscode-languageserver-protocol';
import { LspClient, fileUri } from '../tools/lsp-client/lspClient';
import { corpusDir, repoRoot as root, serverModule as serverBundle } from './support/paths';
import { SERVER_NODE_FLAGS } from '../server/src/protocol';
import { Rng, runSeed } from './support/rng';

const catalogIndex = JSON.parse(readFileSync(join(root, 'schemas', 'index.json'), 'utf8')) as {
  models: Record<string, { model: string; fields: string[]; required: string[]; readOnly: string[]; writeOnly: string[]; durations: string[]; references: string[] }>;
};

// CI runs a fixed seed so that a result can be reproduced; developers' runs explore new ones.
const SEED = runSeed('FUZZ_SEED', 20261122);
/** Random operations after the hand-written files; FUZZ_STEPS overrides. */
const RANDOM_STEPS = Number(process.env['FUZZ_STEPS'] ?? 1500);
const DIAGNOSTICS_TIMEOUT_MS = 10_000;
const BIG_TIMEOUT_MS = 30_000;
const BIG = 1_000_000;
const MAX_RESTARTS = 25;
/** Diagnostics saying the parser ran out of stack (raw, or as the server words it). */
const STACK_EXHAUSTED = /Maximum call stack size exceeded|Stack overflow|Invalid regular expression|nests too deeply/;

type LanguageId = 'authentik-stage-yaml' | 'authentik-stage-json';
const LANGUAGES: readonly LanguageId[] = ['authentik-stage-yaml', 'authentik-stage-json'];


// ---------------------------------------------------------------------------------------------
// Positions the way LSP counts them: UTF-16 code units, lines broken by \r\n, \r or \n.

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10) starts.push(i + 1);
  }
  return starts;
}

class TextModel {
  readonly starts: number[];
  constructor(readonly text: string) {
    this.starts = lineStarts(text);
  }
  get lineCount(): number {
    return this.starts.length;
  }
  /** Length of a line without its line break. */
  lineLength(line: number): number {
    const start = this.starts[line]!;
    let end = line + 1 < this.starts.length ? this.starts[line + 1]! : this.text.length;
    while (end > start && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return end - start;
  }
  positionAt(offset: number): Position {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: offset - this.starts[low]! };
  }
  /** An offset that a position can address: not between the \r and \n of a CRLF. */
  addressable(offset: number): number {
    const o = Math.max(0, Math.min(offset, this.text.length));
    return o > 0 && this.text.charCodeAt(o - 1) === 13 && this.text.charCodeAt(o) === 10 ? o - 1 : o;
  }
  validPosition(p: Position | undefined): boolean {
    return (
      !!p && Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0 && p.line < this.lineCount && p.character <= this.lineLength(p.line)
    );
  }
  /** Why a range is unusable in this text, or undefined when it is fine. */
  rangeProblem(range: Range | undefined): string | undefined {
    if (!range || typeof range !== 'object') return 'no range';
    if (!this.validPosition(range.start) || !this.validPosition(range.end)) return `range ${fmtRange(range)} outside the document (${this.lineCount} lines)`;
    if (comparePositions(range.start, range.end) > 0) return `range ${fmtRange(range)} ends before it starts`;
    return undefined;
  }
}

function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

function contains(outer: Range, inner: Range): boolean {
  return comparePositions(outer.start, inner.start) <= 0 && comparePositions(inner.end, outer.end) <= 0;
}

function fmtRange(r: Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

// ---------------------------------------------------------------------------------------------
// Material: the corpus, stage bodies made from it, hand-written hostile files, random stage bodies

interface Sample {
  name: string;
  text: string;
  /** The language the text is meant for; it is opened as the other one too. */
  native: LanguageId;
}

function loadCorpus(dir: string): { raw: Sample[]; stageYaml: Sample[]; stageJson: Sample[] } {
  const raw: Sample[] = [];
  const stageYaml: Sample[] = [];
  const stageJson: Sample[] = [];
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const text = readFileSync(join(dir, file), 'utf8');
    raw.push({ name: `corpus:${file}`, text, native: 'authentik-stage-yaml' });
    const bodies: Array<Record<string, unknown>> = [];
    for (const doc of parseAllDocuments(text, { version: '1.1' }) as ReturnType<typeof parseAllDocuments> & unknown[]) {
      const entries = doc.get('entries', true);
      const nodes: Node[] = isSeq(entries) ? (entries.items as Node[]) : [];
      if (isMap(entries)) for (const pair of entries.items) if (isSeq(pair.value)) nodes.push(...(pair.value.items as Node[]));
      for (const node of nodes) {
        if (!isMap(node)) continue;
        const model = node.get('model');
        if (typeof model !== 'string' || !model.startsWith('authentik_stages_')) continue;
        // Tags are left as whatever the yaml package makes of them: good enough for fuzzing.
        const plain = node.toJS(doc) as { identifiers?: unknown; attrs?: unknown };
        const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
        bodies.push({ model, ...record(plain.identifiers), ...record(plain.attrs) });
      }
    }
    if (bodies.length === 0) continue;
    stageYaml.push({ name: `stages:${file}`, text: bodies.map((b) => stringify(b)).join('---\n'), native: 'authentik-stage-yaml' });
    bodies.forEach((b, i) => stageJson.push({ name: `stage-json:${file}#${i}`, text: `${JSON.stringify(b, null, 2)}\n`, native: 'authentik-stage-json' }));
  }
  return { raw, stageYaml, stageJson };
}

const EMAIL = 'model: authentik_stages_email.emailstage\nname: fuzz-email\n';

function billionLaughs(levels: number): string {
  const names = 'abcdefghijklmnop';
  let text = `model: authentik_stages_prompt.promptstage\nname: lol\n${names[0]}: &${names[0]} [${Array(9).fill('"lol"').join(', ')}]\n`;
  for (let i = 1; i < levels; i++) text += `${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(', ')}]\n`;
  return `${text}fields: *${names[levels - 1]}\nvalidation_policies: *${names[levels - 1]}\n`;
}

function deepBlockMap(levels: number): string {
  let text = '';
  for (let i = 0; i < levels; i++) text += `${' '.repeat(i)}k${i}:\n`;
  return `${text}${' '.repeat(levels)}leaf\n`;
}

/** About `bytes` of `---` separated stage documents made from the corpus. */
function bigYaml(stageYaml: Sample[], bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const chunk = stageYaml[i % stageYaml.length]!.text;
    parts.push(chunk);
    size += chunk.length + 4;
  }
  return parts.join('---\n');
}

function bigJson(bytes: number): string {
  const uuids: string[] = [];
  for (let i = 0; uuids.length * 40 < bytes; i++) uuids.push(`00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`);
  return JSON.stringify({ model: 'authentik_stages_prompt.promptstage', name: 'big', fields: uuids, validation_policies: [] }, null, 1);
}

function hostileSamples(stageYaml: Sample[], rng: Rng): Sample[] {
  const y = 'authentik-stage-yaml' as const;
  const j = 'authentik-stage-json' as const;
  const bytes = (n: number): string => Array.from({ length: n }, () => String.fromCharCode(rng.int(256))).join('');
  return [
    // Deep nesting first, while the server is fresh: that is when running out of stack hurts most.
    { name: 'deep-flow-unclosed-5000', text: `${'['.repeat(5000)}${'{'.repeat(5000)}`, native: y },
    { name: 'deep-flow-seq-5000', text: `${'['.repeat(5000)}${']'.repeat(5000)}`, native: y },
    { name: 'deep-json-object-5000', text: `${'{"a": '.repeat(5000)}1${'}'.repeat(5000)}`, native: j },
    { name: 'deep-in-field-3000', text: `model: authentik_stages_prompt.promptstage\nname: deep\nfields: ${'['.repeat(3000)}${']'.repeat(3000)}\n`, native: y },
    { name: 'deep-block-map-1200', text: deepBlockMap(1200), native: y },
    { name: 'deep-block-seq-5000', text: `${'- '.repeat(5000)}x\n`, native: y },
    { name: 'empty', text: '', native: y },
    { name: 'whitespace-and-comments', text: ' \n\t\n# only a comment\n   # another\n', native: y },
    { name: 'not-yaml', text: 'This is ::: not {YAML} at all ]]] [[[ @@@ `x` %%%\n\t- : - :\n&&& *** !!! ||| >>>\n', native: y },
    { name: 'binary-4k', text: bytes(4096), native: y },
    { name: 'nul-bytes', text: `${EMAIL}host: "a\0b"\nsubject: x\0y\n\0\0\0\nfrom_address: \0@x.y\n`, native: y },
    { name: 'nul-json', text: `{"model": "authentik_stages_email.emailstage", "name": "a\0b", "\0": 1}\0`, native: j },
    { name: 'five-mb-yaml', text: bigYaml(stageYaml, 5_000_000), native: y },
    { name: 'five-mb-json', text: bigJson(5_000_000), native: j },
    { name: 'list-document', text: '- model: authentik_stages_email.emailstage\n  name: a\n- b\n- [c]\n', native: y },
    { name: 'scalar-documents', text: '42\n---\n"just a string"\n---\n~\n---\n!Env FOO\n---\n[]\n---\n{}\n---\ntrue\n---\n...\n', native: y },
    { name: 'json-scalar', text: '"model"', native: j },
    { name: 'json-array', text: '[{"model": "authentik_stages_email.emailstage", "name": "x"}]', native: j },
    { name: 'billion-laughs-9', text: billionLaughs(9), native: y },
    { name: 'billion-laughs-16', text: billionLaughs(16), native: y },
    { name: 'alias-to-self', text: `${EMAIL}a: &a [*a]\nb: &b {x: *b}\nhost: *nope\n`, native: y },
    { name: 'alias-as-key', text: `${EMAIL}x: &k port\n*k : 25\n? *k\n: 26\n<<: {port: 1}\n`, native: y },
    {
      name: 'huge-numbers',
      text:
        `${EMAIL}port: 1e400\ntimeout: 123456789012345678901234567890\nrecovery_max_attempts: -0x7fffffffffffffffffffffff\n` +
        `port2: .nan\ntimeout2: -.inf\nhost: 1e400\nsubject: -0.0\ntoken_expiry: "minutes=1e400"\nrecovery_cache_timeout: "seconds=${'9'.repeat(5000)}"\n`,
      native: y,
    },
    { name: 'huge-number-strings', text: `${EMAIL}port: "${'9'.repeat(2000)}"\ntimeout: "${'1'.repeat(999)}"\nuse_tls: "${'1'.repeat(3000)}"\n`, native: y },
    { name: 'huge-numbers-json', text: `{"model": "authentik_stages_email.emailstage", "name": "n", "port": 1e400, "timeout": -1e-400, "recovery_max_attempts": ${'9'.repeat(400)}}`, native: j },
    { name: 'long-line-yaml', text: `${EMAIL.replace('fuzz-email', 'x'.repeat(1_000_000))}host: y\n`, native: y },
    { name: 'long-line-json', text: JSON.stringify({ model: 'authentik_stages_email.emailstage', name: 'n', subject: 'ü'.repeat(1_500_000) }), native: j },
    { name: 'many-separators', text: '---\n'.repeat(20_000), native: y },
    { name: 'many-small-documents', text: '---\nmodel: authentik_stages_dummy.dummystage\nname: d\nthrow_error: maybe\n'.repeat(4000), native: y },
    { name: 'json-comments-trailing-commas', text: '{\n  // a comment\n  "model": "authentik_stages_email.emailstage", /* block */\n  "name": "x",\n  "port": 25,\n}\n', native: j },
    { name: 'json-single-quotes-unquoted-keys', text: "{model: 'authentik_stages_email.emailstage', name: 'x', port: 0x19, }", native: j },
    {
      name: 'utf16-oddities',
      text: `\ufeff${EMAIL}subject: "\ud800 lone high, lone low \udfff, \ufffe\uffff, 😀 split: \ud83d"\nhost: Ã©Ã¨ mojibake \ufffd\nfrom_address: "a\u2028b\u2029c@d.e"\n\ud83dmodel: x\n`,
      native: y,
    },
    { name: 'utf16-oddities-json', text: `\ufeff{"model": "authentik_stages_email.emailstage", "name": "\ud800", "subject": "\\ud800\\udc00\\udfff"}`, native: j },
    { name: 'cr-only-lines', text: `${EMAIL}port: abc\rhost: x\r\rsubject: y\r`.replace(/\n/g, '\r'), native: y },
    { name: 'mixed-line-endings', text: `${EMAIL}port: abc\r\nhost: x\rsubject: y\n\r\n\r\rtimeout: z\r\n`, native: y },
    { name: 'tabs', text: '\tmodel: authentik_stages_email.emailstage\n\tname: x\nport:\t25\n  \t- a\n', native: y },
    {
      name: 'tags-galore',
      text:
        `model: !Env MODEL\nname: !Env\nhost: !Env []\nusername: !Env [A, b]\npassword: !Env [1, 2, 3]\nport: !KeyOf x\ntimeout: !Find [a, [b, c]]\n` +
        `subject: !!binary aGVsbG8=\ntemplate: !<tag:yaml.org,2002:str> x\nfrom_address: !!python/object:os.system x\ntoken_expiry: !Format [a, !Context b]\nuse_tls: !!bool yes\nuse_ssl: !Condition [AND, true]\n! : x\n!Env : y\n`,
      native: y,
    },
    { name: 'directives', text: `%YAML 1.1\n%TAG ! tag:example.com,2000:\n---\n${EMAIL}port: 0o31\n---\n%YAML 9.9\n---\nmodel: x\n%FOO bar\n`, native: y },
    {
      name: 'weird-keys',
      text: `${EMAIL}? [a, b]\n: c\n? {x: 1}\n: d\n"": empty\n__proto__: {model: authentik_stages_deny.denystage, port: abc}\nconstructor: 1\nnull: 2\n~: 3\n1.5: 4\n"a/b~c": 5\n`,
      native: y,
    },
    { name: 'duplicate-keys', text: 'model: authentik_stages_email.emailstage\nmodel: authentik_stages_deny.denystage\nname: x\nname: y\n', native: y },
    { name: 'duplicate-keys-json', text: '{"model": "authentik_stages_email.emailstage", "name": "x", "name": 5, "port": 1, "port": "a"}', native: j },
    {
      name: 'model-shapes',
      text: ['model: [a]', 'model: {a: 1}', 'model: 1', 'model: null', 'model: ""', 'model: AUTHENTIK_STAGES_EMAIL.EMAILSTAGE', 'model:', 'name: only', 'model: authentik_stages_email.emailstag']
        .map((line) => `${line}\nname: m\n`)
        .join('---\n'),
      native: y,
    },
    {
      name: 'block-scalars',
      text: `${EMAIL}subject: |\n  x\n y\nhost: >-\n\n  folded\ntemplate: |9999\n  z\nusername: |-\n${'  '}\ntoken_expiry: |\n  minutes=1\n`,
      native: y,
    },
    { name: 'unterminated-quotes', text: `${EMAIL}host: "abc\nsubject: 'x\nport: "25`, native: y },
    { name: 'unterminated-json', text: '{"model": "authentik_stages_email.emailstage", "name": "x", "port": [1, {"a": ', native: j },
  ];
}

const FIELD_VALUES: readonly unknown[] = [
  null, true, false, 0, -1, 1.5, 2 ** 31, 2 ** 53 + 2, 1e308, -0, '', ' ', '   ', 'x', 'yes', 'off', 'Null', '25', '25.0', ' 25 ', '0x19', '1e3',
  'hours=1;minutes=2', 'hours=1,minutes=2', 'foo=1', '=', ';;', 'minutes=abc', 'MINUTES=5;bogus=1', 'days=1.5;weeks=-2',
  '7e1c7f32-9b0e-4e4c-a2d5-5d7f1c0e2b4a', '7E1C7F329B0E4E4CA2D55D7F1C0E2B4A', 'not-a-uuid', 'a@b.c', 'no-at-sign', 'http://x', 'ftp://',
  [], [1, 'a', null], ['7e1c7f32-9b0e-4e4c-a2d5-5d7f1c0e2b4a'], {}, { a: 1 }, { a: { b: [1, { c: 2 }] } }, 'x'.repeat(20_000), '\0', '😀', '\ud800',
];

function yamlScalar(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/** A stage document of a random model: its fields (and a few others) with random values. */
function randomStage(rng: Rng, language: LanguageId): string {
  const entries = Object.values(catalogIndex.models);
  const entry = rng.pick(entries);
  const keys = new Set<string>();
  for (const f of entry.fields) if (rng.chance(0.5)) keys.add(f);
  for (const f of [...entry.readOnly, ...entry.writeOnly, ...entry.durations, ...entry.references, ...entry.required]) if (rng.chance(0.5)) keys.add(f);
  if (rng.chance(0.3)) keys.add(`${rng.pick(entry.fields)}x`);
  if (rng.chance(0.2)) keys.add('pk');
  const body: Array<[string, unknown, string | undefined]> = [];
  for (const key of keys) {
    const tag = language === 'authentik-stage-yaml' && rng.chance(0.1) ? rng.pick(['!Env FUZZ_VAR', '!Env', '!Env [A, b]', '!KeyOf x', '!Find [a, b]']) : undefined;
    body.push([key, rng.pick(FIELD_VALUES), tag]);
  }
  const model = rng.chance(0.95) ? entry.model : rng.pick(['authentik_stages_email.emailstag', 'nope', '']);
  if (language === 'authentik-stage-json') {
    return JSON.stringify({ model, ...Object.fromEntries(body.map(([k, v]) => [k, v])) }, null, rng.chance(0.5) ? 2 : undefined);
  }
  return `model: ${model}\n${body.map(([k, v, tag]) => `${k}: ${tag ?? yamlScalar(v)}`).join('\n')}\n`;
}

const TOKENS: readonly string[] = [
  ': ', '\n', '\n  ', '- ', '[', ']', '{', '}', '"', "'", ',', '#', '&a ', '*a', '!Env X', '!KeyOf ', '---\n', '...\n', '|\n', '>-\n', '? ',
  '\t', '\r', '\r\n', '\0', '\ud800', '😀', 'model: authentik_stages_email.emailstage\n', 'name: x\n', 'port: "25"\n', 'token_expiry: hours=1,minutes=2\n',
  'password: secret\n', 'component: x\n', 'null', '~', '1e400', '\\', '%YAML 1.2\n', '<<: *a\n', '  ', 'fields: [', '}]\n',
];

// ---------------------------------------------------------------------------------------------
// The harness

interface OpenDoc {
  uri: string;
  languageId: LanguageId;
  version: number;
  model: TextModel;
  name: string;
  /** The diagnostics of the latest version, and of the one before (stale ones, as an editor may send). */
  diagnostics: Diagnostic[];
  previousDiagnostics: Diagnostic[];
}

interface Stats {
  steps: number;
  opens: number;
  changes: number;
  closes: number;
  twinChecks: number;
  requests: Record<string, number>;
  errorResponses: string[];
  slowestDiagnosticsMs: number;
  slowestDiagnosticsCase: string;
  slowestRequestMs: number;
  slowestRequestCase: string;
  /** Steps that took over a second. */
  slowSteps: string[];
}

class Fuzzer {
  client!: LspClient;
  /** Problems found, each once, with how often it was seen. */
  readonly failures = new Map<string, number>();
  readonly crashes: string[] = [];
  readonly docs = new Map<string, OpenDoc>();
  readonly stats: Stats = {
    steps: 0,
    opens: 0,
    changes: 0,
    closes: 0,
    twinChecks: 0,
    requests: {},
    errorResponses: [],
    slowestDiagnosticsMs: 0,
    slowestDiagnosticsCase: '',
    slowestRequestMs: 0,
    slowestRequestCase: '',
    slowSteps: [],
  };
  private serial = 0;
  /** What the harness is doing, for failure messages. */
  current = '';

  constructor(readonly rng: Rng) {}

  async start(): Promise<void> {
    this.client = await LspClient.start({ command: process.execPath, args: [...SERVER_NODE_FLAGS, serverBundle, '--stdio'], cwd: root, name: 'authentik-stages server' });
    await this.client.initialize();
    this.docs.clear();
  }

  fail(message: string): void {
    const key = `${this.current}: ${message}`;
    if (this.failures.size < 300 || this.failures.has(key)) this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
  }

  failureReport(): string {
    return [...this.failures].map(([message, n]) => `[seed ${SEED}] ${message}${n > 1 ? ` (×${n})` : ''}`).join('\n');
  }

  /** Runs one step; a dead server is recorded as a crash and replaced by a new one. */
  async step(description: string, work: () => Promise<void>): Promise<void> {
    this.current = description;
    this.stats.steps++;
    const startedAt = performance.now();
    try {
      await work();
    } catch (error) {
      if (this.client.alive) this.fail((error as Error).message);
    }
    const ms = performance.now() - startedAt;
    if (ms > 1000) this.stats.slowSteps.push(`${description} ${Math.round(ms)} ms`);
    this.drainLog();
    if (!this.client.alive) {
      const lines = this.client.stderr.split('\n').filter((l) => l.trim() !== '' && !/^\s*\d+: 0x/.test(l) && !/Scavenge|Mark-Compact|^<---|^-----/.test(l));
      const tail = (lines.filter((l) => /FATAL|Error|^\s+at /.test(l)).slice(0, 4).join(' | ') || lines.slice(-4).join(' | ')).slice(0, 600);
      this.crashes.push(`[seed ${SEED}] server died (code ${this.client.exitCode}, signal ${this.client.exitSignal}) during ${description}: ${tail}`);
      if (this.crashes.length > MAX_RESTARTS) throw new Error(`the server died ${this.crashes.length} times:\n${this.crashes.join('\n')}`);
      await this.start();
    }
  }

  /** Internal errors the server logged (a guarded handler that threw, an uncaught exception). */
  private drainLog(): void {
    const messages = this.client.logMessages.splice(0);
    for (const message of messages) {
      if (/failed:|Uncaught|Unhandled/.test(message)) {
        // The message and the first frames are enough to tell the failures apart.
        const lines = message.split('\n');
        this.fail(`server logged an internal error: ${[lines[0], ...lines.slice(1, 3).map((l) => l.trim())].join(' ')}`);
      }
    }
  }

  private timeoutFor(doc: { model: TextModel }): number {
    return doc.model.text.length > BIG ? BIG_TIMEOUT_MS : DIAGNOSTICS_TIMEOUT_MS;
  }

  private newUri(name: string, languageId: LanguageId): string {
    const ext = this.rng.chance(0.9) ? (languageId === 'authentik-stage-json' ? 'json' : 'yaml') : this.rng.pick(['yaml', 'json', 'yml', 'txt']);
    const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);
    return fileUri(join(root, '.fuzz', `${++this.serial}-${safe}.stage.${ext}`));
  }

  /** Waits for the publish of `version` and checks it. */
  private async diagnosticsFor(doc: OpenDoc, since: number, sentAt: number): Promise<void> {
    const record = await this.client.waitForDiagnostics(doc.uri, { since, afterVersion: doc.version, timeoutMs: this.timeoutFor(doc) });
    const ms = record.receivedAt - sentAt;
    if (ms > this.stats.slowestDiagnosticsMs) {
      this.stats.slowestDiagnosticsMs = ms;
      this.stats.slowestDiagnosticsCase = `${doc.name} (${doc.model.text.length} chars)`;
    }
    if (record.version !== doc.version) this.fail(`diagnostics for version ${record.version}, expected ${doc.version}`);
    if (!Array.isArray(record.diagnostics)) {
      this.fail('publishDiagnostics without a diagnostics array');
      return;
    }
    for (const d of record.diagnostics) {
      const problem = doc.model.rangeProblem(d.range);
      if (problem) this.fail(`diagnostic ${JSON.stringify(String(d.message).slice(0, 80))}: ${problem}`);
      if (d.severity !== 1 && d.severity !== 2 && d.severity !== 3) this.fail(`diagnostic with severity ${d.severity}`);
      if (typeof d.message !== 'string' || d.message === '') this.fail('diagnostic without a message');
      if (d.source !== 'authentik') this.fail(`diagnostic with source ${d.source}`);
    }
    doc.previousDiagnostics = doc.diagnostics;
    doc.diagnostics = record.diagnostics;
  }

  async open(sample: Sample, languageId: LanguageId): Promise<OpenDoc> {
    const doc: OpenDoc = {
      uri: this.newUri(sample.name, languageId),
      languageId,
      version: 1 + this.rng.int(3),
      model: new TextModel(sample.text),
      name: `${sample.name} as ${languageId}`,
      diagnostics: [],
      previousDiagnostics: [],
    };
    const since = this.client.diagnosticsMarker();
    const sentAt = this.client.open(doc.uri, languageId, sample.text, doc.version);
    this.docs.set(doc.uri, doc);
    this.stats.opens++;
    await this.diagnosticsFor(doc, since, sentAt);
    return doc;
  }

  /** Sends `count` random changes at once (the server may skip to the last) and waits for the last version. */
  async edit(doc: OpenDoc, count: number, material: () => string): Promise<void> {
    const since = this.client.diagnosticsMarker();
    let sentAt = 0;
    for (let i = 0; i < count; i++) {
      const changes: TextDocumentContentChangeEvent[] = [];
      let text = doc.model.text;
      const kind = this.rng.weighted([
        [6, 'incremental'],
        [1, 'several'],
        [1, 'full'],
      ] as const);
      if (kind === 'full') {
        text = material();
        changes.push({ text });
      } else {
        for (let n = kind === 'several' ? 2 + this.rng.int(3) : 1; n > 0; n--) {
          const model = new TextModel(text);
          const start = model.addressable(this.rng.int(text.length + 1));
          const span = this.rng.chance(0.8) ? this.rng.int(12) : this.rng.int(Math.max(1, Math.floor(text.length / 10)));
          const end = model.addressable(Math.max(start, Math.min(text.length, start + span)));
          const insert = this.insertion();
          changes.push({ range: { start: model.positionAt(start), end: model.positionAt(end) }, text: insert });
          text = text.slice(0, start) + insert + text.slice(end);
        }
      }
      doc.version += 1 + (this.rng.chance(0.1) ? this.rng.int(5) : 0);
      doc.model = new TextModel(text);
      sentAt = this.client.change(doc.uri, doc.version, changes);
      this.stats.changes++;
    }
    await this.diagnosticsFor(doc, since, sentAt);
  }

  private insertion(): string {
    switch (this.rng.int(5)) {
      case 0:
        return '';
      case 1:
        return Array.from({ length: 1 + this.rng.int(4) }, () => this.rng.pick(TOKENS)).join('');
      case 2:
        return String.fromCharCode(this.rng.int(0x10000));
      case 3:
        return Array.from({ length: 1 + this.rng.int(30) }, () => String.fromCharCode(32 + this.rng.int(95))).join('');
      default:
        return this.rng.pick(TOKENS);
    }
  }

  /** Applies one of the server's own quick fixes, as an editor would. */
  async applyQuickFix(doc: OpenDoc, actions: Array<CodeAction | Command>): Promise<void> {
    const withEdits = actions.filter((a): a is CodeAction => 'edit' in a && !!(a as CodeAction).edit?.changes?.[doc.uri]?.length);
    if (withEdits.length === 0) return;
    const action = this.rng.pick(withEdits);
    const edits = [...action.edit!.changes![doc.uri]!].sort((a, b) => comparePositions(b.range.start, a.range.start));
    // TextEdits refer to the text before any of them; sent last-first, each stays valid.
    const since = this.client.diagnosticsMarker();
    let text = doc.model.text;
    const offset = (model: TextModel, p: Position): number => model.starts[p.line]! + p.character;
    for (const e of edits) {
      const model = new TextModel(text);
      text = text.slice(0, offset(model, e.range.start)) + e.newText + text.slice(offset(model, e.range.end));
    }
    doc.version++;
    doc.model = new TextModel(text);
    const sentAt = this.client.change(
      doc.uri,
      doc.version,
      edits.map((e) => ({ range: e.range, text: e.newText })),
    );
    this.stats.changes++;
    await this.diagnosticsFor(doc, since, sentAt);
  }

  async close(doc: OpenDoc): Promise<void> {
    const since = this.client.diagnosticsMarker();
    this.client.close(doc.uri);
    this.docs.delete(doc.uri);
    this.stats.closes++;
    const record = await this.client.waitForDiagnostics(doc.uri, { since, timeoutMs: DIAGNOSTICS_TIMEOUT_MS });
    if (record.diagnostics.length !== 0) this.fail(`close: the last publish keeps ${record.diagnostics.length} diagnostics`);
  }

  /** The same text opened fresh must get the same diagnostics as the incrementally edited one. */
  async twinCheck(doc: OpenDoc): Promise<void> {
    this.stats.twinChecks++;
    const twin = await this.open({ name: `twin of ${doc.name}`, text: doc.model.text, native: doc.languageId }, doc.languageId);
    const norm = (list: Diagnostic[]): string[] => list.map((d) => `${fmtRange(d.range)} ${d.severity} ${String(d.code)} ${d.message}`).sort();
    const mine = norm(doc.diagnostics);
    const fresh = norm(twin.diagnostics);
    // Where the parser runs out of stack depends on how deep the stack already was.
    const overflowed = [...mine, ...fresh].some((d) => STACK_EXHAUSTED.test(d));
    if (!overflowed && JSON.stringify(mine) !== JSON.stringify(fresh)) {
      const onlyMine = mine.filter((d) => !fresh.includes(d)).slice(0, 3);
      const onlyFresh = fresh.filter((d) => !mine.includes(d)).slice(0, 3);
      this.fail(`incremental edits and a fresh open disagree: only after edits ${JSON.stringify(onlyMine)}; only fresh ${JSON.stringify(onlyFresh)}; text ${JSON.stringify(doc.model.text.slice(0, 300))}`);
    }
    await this.close(twin);
  }

  private randomPosition(doc: OpenDoc): Position {
    const { model } = doc;
    const r = this.rng.next();
    if (r < 0.05) return { line: 0, character: 0 };
    if (r < 0.1) return model.positionAt(model.text.length);
    return model.positionAt(model.addressable(this.rng.int(model.text.length + 1)));
  }

  private async ask<R>(method: string, params: unknown, doc: OpenDoc): Promise<{ ok: true; value: R } | { ok: false }> {
    this.stats.requests[method] = (this.stats.requests[method] ?? 0) + 1;
    const started = performance.now();
    try {
      const value = await this.client.request<R>(method, params, this.timeoutFor(doc));
      const ms = performance.now() - started;
      if (ms > this.stats.slowestRequestMs) {
        this.stats.slowestRequestMs = ms;
        this.stats.slowestRequestCase = `${method} on ${doc.name} (${doc.model.text.length} chars)`;
      }
      return { ok: true, value };
    } catch (error) {
      const message = (error as Error).message;
      if (!this.client.alive) throw error;
      if (/timed out/.test(message)) this.fail(`${method} was not answered: ${message}`);
      else if (this.stats.errorResponses.length < 50) this.stats.errorResponses.push(`${this.current}: ${message}`);
      return { ok: false };
    }
  }

  /** Completion, hover, documentSymbol and codeAction at random places; every answer is checked. */
  async requests(doc: OpenDoc, rounds = 1): Promise<void> {
    const textDocument = { uri: doc.uri };
    for (let round = 0; round < rounds; round++) {
      const position = this.randomPosition(doc);
      const completion = await this.ask<CompletionList | CompletionItem[] | null>('textDocument/completion', { textDocument, position }, doc);
      if (completion.ok) this.checkCompletion(doc, position, completion.value);

      const hoverAt = this.randomPosition(doc);
      const hover = await this.ask<Hover | null>('textDocument/hover', { textDocument, position: hoverAt }, doc);
      if (hover.ok && hover.value !== null) {
        if (!hover.value || !('contents' in hover.value)) this.fail(`hover answer without contents: ${JSON.stringify(hover.value).slice(0, 200)}`);
        else if (hover.value.range) {
          const problem = doc.model.rangeProblem(hover.value.range);
          if (problem) this.fail(`hover range: ${problem}`);
        }
      }

      const symbols = await this.ask<Array<DocumentSymbol | SymbolInformation> | null>('textDocument/documentSymbol', { textDocument }, doc);
      if (symbols.ok) this.checkSymbols(doc, symbols.value);

      const stale = this.rng.chance(0.2);
      const diagnostics = stale ? doc.previousDiagnostics : doc.diagnostics;
      const from = this.randomPosition(doc);
      const range: Range = this.rng.chance(0.5) ? { start: from, end: from } : { start: { line: 0, character: 0 }, end: doc.model.positionAt(doc.model.text.length) };
      const chosen = this.rng.chance(0.7) ? diagnostics : diagnostics.filter(() => this.rng.chance(0.5));
      const actions = await this.ask<Array<CodeAction | Command> | null>(
        'textDocument/codeAction',
        { textDocument, range, context: { diagnostics: chosen, triggerKind: 1 } },
        doc,
      );
      if (actions.ok) {
        if (actions.value !== null && !Array.isArray(actions.value)) this.fail('codeAction answer is not a list');
        else if (!stale && actions.value) this.checkActions(doc, actions.value);
        if (!stale && actions.value && this.rng.chance(0.3)) await this.applyQuickFix(doc, actions.value);
      }
    }
  }

  private checkCompletion(doc: OpenDoc, position: Position, value: CompletionList | CompletionItem[] | null): void {
    if (value === null) return;
    const items = Array.isArray(value) ? value : value?.items;
    if (!Array.isArray(items)) {
      this.fail(`completion answer is neither a list nor a CompletionList: ${JSON.stringify(value).slice(0, 200)}`);
      return;
    }
    for (const item of items) {
      if (typeof item.label !== 'string' || item.label === '') this.fail(`completion item without a label: ${JSON.stringify(item).slice(0, 200)}`);
      const edit = item.textEdit;
      if (edit) {
        const ranges = 'range' in edit ? [edit.range] : [edit.insert, edit.replace];
        for (const r of ranges) {
          const problem = doc.model.rangeProblem(r);
          if (problem) this.fail(`completion ${JSON.stringify(item.label)} textEdit: ${problem}`);
          // VS Code drops items whose edit spans lines or does not contain the cursor.
          else if (r.start.line !== r.end.line || !contains(r, { start: position, end: position })) {
            this.fail(`completion ${JSON.stringify(item.label)}: textEdit range ${fmtRange(r)} is not one line around the cursor ${position.line}:${position.character}`);
          }
        }
      }
      for (const extra of item.additionalTextEdits ?? []) {
        const problem = doc.model.rangeProblem(extra.range);
        if (problem) this.fail(`completion ${JSON.stringify(item.label)} additionalTextEdit: ${problem}`);
      }
    }
  }

  private checkSymbols(doc: OpenDoc, value: Array<DocumentSymbol | SymbolInformation> | null): void {
    if (value === null) return;
    if (!Array.isArray(value)) {
      this.fail('documentSymbol answer is not a list');
      return;
    }
    const visit = (symbol: DocumentSymbol | SymbolInformation, path: string): void => {
      // VS Code rejects the whole answer for an empty name or a selectionRange outside the range.
      if (typeof symbol.name !== 'string' || symbol.name === '') this.fail(`symbol ${path} has an empty name`);
      if ('location' in symbol) {
        const problem = doc.model.rangeProblem(symbol.location.range);
        if (problem) this.fail(`symbol ${path}: ${problem}`);
        return;
      }
      const problem = doc.model.rangeProblem(symbol.range) ?? doc.model.rangeProblem(symbol.selectionRange);
      if (problem) this.fail(`symbol ${path} ${JSON.stringify(symbol.name)}: ${problem}`);
      else if (!contains(symbol.range, symbol.selectionRange)) {
        this.fail(`symbol ${path} ${JSON.stringify(symbol.name)}: selectionRange ${fmtRange(symbol.selectionRange)} is not inside range ${fmtRange(symbol.range)}`);
      }
      (symbol.children ?? []).forEach((child, i) => visit(child, `${path}/${i}`));
    };
    value.forEach((symbol, i) => visit(symbol, `#${i}`));
  }

  private checkActions(doc: OpenDoc, actions: Array<CodeAction | Command>): void {
    for (const action of actions) {
      if (typeof action.title !== 'string' || action.title === '') this.fail('code action without a title');
      const changes = 'edit' in action ? (action as CodeAction).edit?.changes : undefined;
      for (const [uri, edits] of Object.entries(changes ?? {})) {
        if (uri !== doc.uri) this.fail(`code action ${JSON.stringify(action.title)} edits another document ${uri}`);
        const sorted = [...(edits as TextEdit[])].sort((a, b) => comparePositions(a.range.start, b.range.start));
        sorted.forEach((e, i) => {
          const problem = doc.model.rangeProblem(e.range);
          if (problem) this.fail(`code action ${JSON.stringify(action.title)}: ${problem}`);
          const next = sorted[i + 1];
          if (next && comparePositions(e.range.end, next.range.start) > 0) this.fail(`code action ${JSON.stringify(action.title)}: overlapping edits`);
        });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Variants of a text

function mutate(rng: Rng, text: string, others: readonly Sample[]): string {
  switch (rng.int(8)) {
    case 0:
      return text.slice(0, rng.int(text.length + 1));
    case 1: {
      // flip characters: random bytes, or characters that matter to YAML
      const chars = [...text];
      for (let n = 1 + rng.int(8); n > 0 && chars.length > 0; n--) {
        chars[rng.int(chars.length)] = rng.chance(0.5) ? String.fromCharCode(rng.int(256)) : rng.pick([':', '-', ' ', '\n', '"', "'", '[', '{', '#', '\t', '\0', '&', '*', '!', '\r']);
      }
      return chars.join('');
    }
    case 2: {
      const a = rng.int(text.length + 1);
      return text.slice(0, a) + text.slice(Math.min(text.length, a + rng.int(200)));
    }
    case 3: {
      const a = rng.int(text.length + 1);
      const b = Math.min(text.length, a + rng.int(300));
      return text.slice(0, b) + text.slice(a, b) + text.slice(b);
    }
    case 4: {
      const other = rng.pick(others).text;
      return text.slice(0, rng.int(text.length + 1)) + other.slice(rng.int(other.length + 1));
    }
    case 5: {
      const lines = text.split('\n');
      for (let n = 1 + rng.int(4); n > 0 && lines.length > 1; n--) {
        const i = rng.int(lines.length);
        const j = rng.int(lines.length);
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      }
      return lines.join('\n');
    }
    case 6: {
      const lines = text.split('\n');
      for (let n = 1 + rng.int(4); n > 0; n--) {
        const i = rng.int(lines.length);
        lines[i] = rng.chance(0.5) ? `${rng.pick(['  ', ' ', '\t', '- '])}${lines[i]}` : lines[i]!.replace(/^\s{1,2}/, '');
      }
      return lines.join('\n');
    }
    default:
      return text.replace(/\n/g, rng.pick(['\r\n', '\r', '\n\n', '\n']));
  }
}

// ---------------------------------------------------------------------------------------------

describe(`language server robustness (seed ${SEED}; replay with FUZZ_SEED=${SEED})`, () => {
  const rng = new Rng(SEED);
  const fuzzer = new Fuzzer(rng);
  let corpus: ReturnType<typeof loadCorpus>;
  let started = 0;

  before(async () => {
    assert.ok(existsSync(serverBundle), `${serverBundle} is missing: run \`node scripts/build.mjs\` first`);
    corpus = loadCorpus(corpusDir());
    assert.ok(corpus.raw.length > 0 && corpus.stageYaml.length > 0, 'the corpus has no blueprint with stage entries');
    started = performance.now();
    await fuzzer.start();
  });

  after(async () => {
    if (fuzzer.client?.alive) await fuzzer.client.shutdown();
  });

  it('survives hostile hand-written files, as both languageIds', async (t) => {
    const samples = hostileSamples(corpus.stageYaml, rng);
    const materials = [...samples, ...corpus.stageYaml, ...corpus.stageJson];
    for (const sample of samples) {
      for (const languageId of LANGUAGES) {
        // The 5 MB files once each, in their own language: enough to show the bound, and the time.
        if (sample.text.length > 2 * BIG && languageId !== sample.native) continue;
        const big = sample.text.length > BIG;
        await fuzzer.step(`${sample.name} as ${languageId}`, async () => {
          const doc = await fuzzer.open(sample, languageId);
          await fuzzer.requests(doc, big ? 1 : 2);
          await fuzzer.edit(doc, 1, () => mutate(rng, sample.text, materials));
          await fuzzer.requests(doc, 1);
          if (!big) {
            await fuzzer.edit(doc, 1 + rng.int(3), () => rng.pick(materials).text);
            await fuzzer.requests(doc, 1);
            if (rng.chance(0.5)) await fuzzer.twinCheck(doc);
          }
          await fuzzer.close(doc);
        });
      }
    }
    t.diagnostic(`hostile files: ${samples.length} (${fuzzer.stats.steps} steps) in ${Math.round(performance.now() - started)} ms`);
  });

  it('survives random variants of the corpus and random stage bodies', async (t) => {
    const phaseStart = performance.now();
    const materials = [...corpus.raw, ...corpus.stageYaml, ...corpus.stageJson];
    const sample = (): Sample => {
      const kind = rng.weighted([
        [3, 'corpus'],
        [3, 'mutated'],
        [3, 'random-stage'],
      ] as const);
      if (kind === 'random-stage') {
        const native = rng.pick(LANGUAGES);
        return { name: `random ${native === 'authentik-stage-json' ? 'json' : 'yaml'} stage`, text: randomStage(rng, native), native };
      }
      const base = rng.pick(materials);
      return kind === 'corpus' ? base : { name: `mutated ${base.name}`, text: mutate(rng, base.text, materials), native: base.native };
    };
    const material = (): string => (rng.chance(0.5) ? sample().text : mutate(rng, rng.pick(materials).text, materials));

    for (let i = 0; i < RANDOM_STEPS; i++) {
      const open = [...fuzzer.docs.values()];
      const operation =
        open.length === 0
          ? 'open'
          : rng.weighted([
              [open.length < 6 ? 3 : 0, 'open'],
              [6, 'edit'],
              [1, 'edit-two'],
              [2, 'close'],
              [1, 'reopen'],
              [1, 'twin'],
            ] as const);
      const target = open.length > 0 ? rng.pick(open) : undefined;
      await fuzzer.step(`random step ${i}: ${operation}${target ? ` ${target.name}` : ''}`, async () => {
        switch (operation) {
          case 'open': {
            const s = sample();
            const doc = await fuzzer.open(s, rng.chance(0.75) ? s.native : rng.pick(LANGUAGES));
            await fuzzer.requests(doc);
            break;
          }
          case 'edit':
            await fuzzer.edit(target!, rng.chance(0.2) ? 2 + rng.int(3) : 1, material);
            await fuzzer.requests(target!);
            break;
          case 'edit-two': {
            const other = rng.pick(open);
            const since = fuzzer.client.diagnosticsMarker();
            await Promise.all([fuzzer.edit(target!, 1, material), other === target ? Promise.resolve() : fuzzer.edit(other, 1, material)]);
            assert.ok(fuzzer.client.diagnosticsMarker() > since);
            await fuzzer.requests(target!);
            break;
          }
          case 'close':
            await fuzzer.close(target!);
            break;
          case 'reopen': {
            // Close, then open the same text again under the other languageId.
            await fuzzer.close(target!);
            const languageId = target!.languageId === 'authentik-stage-yaml' ? 'authentik-stage-json' : 'authentik-stage-yaml';
            const doc = await fuzzer.open({ name: `reopened ${target!.name}`, text: target!.model.text, native: languageId }, languageId);
            await fuzzer.requests(doc);
            break;
          }
          case 'twin':
            if (target!.model.text.length < 200_000) await fuzzer.twinCheck(target!);
            break;
        }
      });
    }
    // Close what is still open: every close is answered too.
    for (const doc of [...fuzzer.docs.values()]) await fuzzer.step(`final close of ${doc.name}`, () => fuzzer.close(doc));
    t.diagnostic(`random phase: ${RANDOM_STEPS} steps in ${Math.round(performance.now() - phaseStart)} ms`);
  });

  it('reports what it did', (t) => {
    const s = fuzzer.stats;
    const requests = Object.entries(s.requests)
      .map(([m, n]) => `${m.replace('textDocument/', '')} ${n}`)
      .join(', ');
    t.diagnostic(
      `seed ${SEED}: ${s.steps} steps, ${s.opens} opens, ${s.changes} changes, ${s.closes} closes, ${s.twinChecks} twin checks; requests: ${requests}; ` +
        `${s.errorResponses.length} error responses; slowest diagnostics ${Math.round(s.slowestDiagnosticsMs)} ms (${s.slowestDiagnosticsCase}); ` +
        `slowest request ${Math.round(s.slowestRequestMs)} ms (${s.slowestRequestCase}); ${fuzzer.crashes.length} crashes; total ${Math.round(performance.now() - started)} ms`,
    );
    for (const e of s.errorResponses.slice(0, 10)) t.diagnostic(`error response: ${e}`);
    if (s.slowSteps.length > 0) t.diagnostic(`steps over 1 s: ${s.slowSteps.join('; ')}`);
    assert.ok((s.requests['textDocument/completion'] ?? 0) > 0, 'no request was sent');
  });

  it('kept the server alive', () => {
    assert.ok(fuzzer.crashes.length === 0, `the server died ${fuzzer.crashes.length} times:\n${fuzzer.crashes.join('\n')}`);
  });

  it('got a timely, well-formed answer to every change and request', () => {
    assert.ok(fuzzer.failures.size === 0, `${fuzzer.failures.size} problems:\n${fuzzer.failureReport()}`);
  });

  it('shuts down cleanly', async () => {
    const { code, killed } = await fuzzer.client.shutdown();
    assert.equal(killed, false, 'the server did not exit after shutdown + exit');
    assert.equal(code, 0, 'exit code after shutdown + exit');
  });
});
