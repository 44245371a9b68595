// References benchmark: the object index and what the language server does with it. Run after the build:
//   node dist/bench/reference-bench.js [--no-fail] [--objects=5000] [--latency=50] [--runs=3]
// 1. the index of 5,000 objects of one model from the sandbox (on its own thread) 50 ms away;
// 2. the index of 10,000 objects in memory;
// 3. completion of a reference among 5,000 candidates over LSP (p95);
// 4. change → diagnostics of a 200-stage file, with the index loaded and without.
// Prints a markdown table and the targets (PASS/FAIL) to stdout, progress to stderr, and writes
// .bench/reference-bench.json. Exits 1 when a target fails, unless --no-fail.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CompletionList } from 'vscode-languageserver-protocol';
import type { ObjectIndex } from '@authentik-stages/engine';
import { SERVER_NODE_FLAGS, SetObjectIndexNotification } from '@authentik-stages/protocol';
import { AuthentikClient } from '../client/src/api';
import { buildObjectIndex } from '../client/src/sync/objectIndex';
import { LspClient, fileUri, positionOf } from '../tools/lsp-client/lspClient';
import { serveSandboxIfWorker, startSandboxWorker } from './lib/listBenchSandbox';
import { stats, type Stats } from './lib/measure';
import { stageFile } from './lib/stageFixtures';
import { noFail, option, runBench } from './lib/entry';

const root = resolve(__dirname, '..', '..'); // dist/bench/reference-bench.js → the repository
const objects = Number(option('objects') ?? 5000);
const latencyMs = Number(option('latency') ?? 50);
const runs = Number(option('runs') ?? 3);

const PASSWORD = 'authentik_stages_password.passwordstage';
const TOKEN = 'reference-bench-token';

interface Target {
  name: string;
  measured: string;
  pass: boolean;
}

const median = (values: number[]): number => stats(values).median ?? Number.NaN;

/** 1 — the index builder against a server `latencyMs` away: the median of `runs` builds. */
async function indexFromRemote(): Promise<{ ms: number[]; size: number }> {
  const sandbox = await startSandboxWorker(__filename, { port: 0, token: TOKEN, latencyMs, seed: { demo: false, generate: [{ model: PASSWORD, count: objects, namePrefix: 'bench-password-' }] } });
  const client = new AuthentikClient({ baseUrl: sandbox.url, token: TOKEN });
  try {
    const ms: number[] = [];
    let size = 0;
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      const index = await buildObjectIndex(client, [PASSWORD]);
      ms.push(performance.now() - started);
      size = index.models[PASSWORD]?.objects.length ?? 0;
    }
    return { ms, size };
  } finally {
    client.close();
    await sandbox.close();
  }
}

/** 2 — the heap an index of `count` objects holds (after a full GC, with the index alive). */
async function indexMemory(count: number): Promise<{ bytes: number; jsonBytes: number; index: ObjectIndex }> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const sandbox = await startSandboxWorker(__filename, { port: 0, token: TOKEN, maxPageSize: 1000, seed: { demo: false, generate: [{ model: PASSWORD, count, namePrefix: 'bench-password-' }] } });
  const client = new AuthentikClient({ baseUrl: sandbox.url, token: TOKEN });
  try {
    // Warm: code and caches of the first build do not count as the index.
    await buildObjectIndex(client, [PASSWORD], { maxObjectsPerModel: 10 });
    gc();
    const before = process.memoryUsage().heapUsed;
    const index = await buildObjectIndex(client, [PASSWORD]);
    gc();
    const bytes = process.memoryUsage().heapUsed - before;
    return { bytes, jsonBytes: Buffer.byteLength(JSON.stringify(index)), index };
  } finally {
    client.close();
    await sandbox.close();
  }
}

async function startOurServer(): Promise<LspClient> {
  const client = await LspClient.start({ command: process.execPath, args: [...SERVER_NODE_FLAGS, join(root, 'dist', 'server.js'), '--stdio'], cwd: root, name: 'authentik stage server' });
  await client.initialize();
  return client;
}

/** 3 — completion in `password_stage:` among the index's candidates, over LSP. */
async function completion(index: ObjectIndex, requests: number): Promise<{ stats: Stats; items: number }> {
  const server = await startOurServer();
  try {
    await server.notify(SetObjectIndexNotification.method, index);
    const text = 'model: authentik_stages_identification.identificationstage\nname: bench-identification\nuser_fields: [username]\npassword_stage: \n';
    const uri = fileUri(join(root, '.bench', 'reference-bench.stage.yaml'));
    server.open(uri, 'authentik-stage-yaml', text);
    await server.waitForDiagnostics(uri);
    const position = positionOf(text, 'password_stage: ', 'password_stage: '.length);
    const samples: number[] = [];
    let items = 0;
    for (let i = 0; i < requests + 5; i++) {
      const started = performance.now();
      const list = await server.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position });
      if (i >= 5) samples.push(performance.now() - started);
      items = list.items.length;
    }
    return { stats: stats(samples), items };
  } finally {
    await server.shutdown();
  }
}

/** 4 — change → diagnostics on the 200-stage file of the LSP benchmark, with or without the index. */
async function changeToDiagnostics(index: ObjectIndex | undefined, edits: number): Promise<Stats> {
  const server = await startOurServer();
  try {
    if (index) await server.notify(SetObjectIndexNotification.method, index);
    const file = stageFile(200);
    const uri = fileUri(join(root, '.bench', `reference-bench-${index ? 'indexed' : 'plain'}.stage.yaml`));
    server.open(uri, 'authentik-stage-yaml', file.text);
    await server.waitForDiagnostics(uri);
    const at = file.text.indexOf('port: 25', file.probeStart);
    const start = positionOf(file.text, 'port: 25', 6, at);
    const samples: number[] = [];
    let version = 1;
    for (let i = 0; i < edits + 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      const since = server.diagnosticsMarker();
      version++;
      const sentAt = server.change(uri, version, [{ range: { start, end: { line: start.line, character: start.character + 2 } }, text: i % 2 ? '25' : '26' }]);
      await server.waitForDiagnostics(uri, { since, afterVersion: version });
      if (i >= 3) samples.push(performance.now() - sentAt);
    }
    return stats(samples);
  } finally {
    await server.shutdown();
  }
}

async function main(): Promise<number> {
  mkdirSync(join(root, '.bench'), { recursive: true });
  console.error(`bench: the index of ${objects} password stages from the sandbox ${latencyMs} ms away, ${runs} runs`);
  const remote = await indexFromRemote();
  console.error('bench: the index of 10,000 objects in memory');
  const memory = await indexMemory(10_000);
  console.error('bench: completion among the candidates, over LSP');
  const passwords = { ...memory.index.models[PASSWORD]!, objects: memory.index.models[PASSWORD]!.objects.slice(0, 5000) };
  // The stages too, as for any stage file: each new stage's name is checked against them.
  const five: ObjectIndex = { ...memory.index, models: { [PASSWORD]: passwords, 'authentik_flows.stage': passwords } };
  const complete = await completion(five, 100);
  console.error('bench: change → diagnostics with and without the index');
  const plain = await changeToDiagnostics(undefined, 20);
  const indexed = await changeToDiagnostics(five, 20);

  const buildMs = median(remote.ms);
  const mb = memory.bytes / 1024 / 1024;
  const ratio = (indexed.median ?? Number.NaN) / (plain.median ?? Number.NaN);
  const targets: Target[] = [
    { name: `index of ${objects} objects from a server ${latencyMs} ms away under 1 s`, measured: `${buildMs.toFixed(0)} ms (median of ${runs}; ${remote.size} objects)`, pass: buildMs < 1000 && remote.size === objects },
    { name: 'index of 10,000 objects under 10 MB', measured: `${mb.toFixed(2)} MB of heap (${(memory.jsonBytes / 1024 / 1024).toFixed(2)} MB as JSON)`, pass: mb < 10 },
    { name: 'completion among 5,000 candidates under 5 ms at p95 over LSP', measured: `p95 ${complete.stats.p95} ms, median ${complete.stats.median} ms (${complete.items} items per answer)`, pass: (complete.stats.p95 ?? Infinity) < 5 },
    {
      name: 'change → diagnostics with the index loaded no slower than without (median within 25 % or 1 ms)',
      measured: `${indexed.median} vs ${plain.median} ms (p95 ${indexed.p95} vs ${plain.p95}), ${Number.isFinite(ratio) ? ratio.toFixed(2) : '?'}×`,
      pass: (indexed.median ?? Infinity) <= Math.max((plain.median ?? 0) * 1.25, (plain.median ?? 0) + 1),
    },
  ];
  const failed = targets.filter((t) => !t.pass);
  process.stdout.write(
    [
      `## References benchmark (node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'})`,
      '',
      '| target | measured | |',
      '| --- | --- | --- |',
      ...targets.map((t) => `| ${t.name} | ${t.measured} | ${t.pass ? '✔' : '✘'} |`),
      '',
    ].join('\n'),
  );
  writeFileSync(join(root, '.bench', 'reference-bench.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, remote, memory: { bytes: memory.bytes, jsonBytes: memory.jsonBytes }, completion: complete, plain, indexed, targets }, null, 2)}\n`);
  console.error(`bench: ${failed.length} target(s) failed`);
  return failed.length && !noFail ? 1 : 0;
}

if (!serveSandboxIfWorker()) {
  runBench(main);
}
