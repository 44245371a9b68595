// List benchmark: `AuthentikClient.listAll` of 5,000 stages from the sandbox server over HTTP on
// 127.0.0.1 with 50 ms of latency added to every request: page by page (concurrency 1) against
// concurrent paging, page size 100, plus larger page sizes up to the server's maximum. Run after
// the build:
//   node dist/bench/list-bench.js [--no-fail] [--stages=5000] [--latency=50] [--runs=3] [--concurrency=6]
//                                 [--max-page-sizes=100,1000]
// The first max page size (authentik's default, 100) is where the target is judged; the others
// show what raising authentik's `pagination_max_page_size` buys.
// Prints a markdown table and the targets (PASS/FAIL) to stdout, progress to stderr, and writes
// .bench/list-bench.json. Exits 1 when a target fails, unless --no-fail.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { AuthentikClient, type FetchLike, type StageObject } from '../client/src/api';
import { judge, measureList, resultsTable, targetsText, type ListConfig, type ListRun } from './lib/listBench';
import { serveSandboxIfWorker, startSandboxWorker } from './lib/listBenchSandbox';
import { benchArgs as args, noFail, option, runBench } from './lib/entry';

const root = resolve(__dirname, '..', '..'); // dist/bench/list-bench.js → the repository
const stages = Number(option('stages') ?? 5000);
const latencyMs = Number(option('latency') ?? 50);
const runs = Number(option('runs') ?? 3);
const concurrency = Number(option('concurrency') ?? 6);

const MODEL = 'authentik_stages_dummy.dummystage';
const API_PATH = '/stages/dummy/';
const TOKEN = 'list-bench-token';
/** authentik's `pagination_max_page_size` is 100 by default; an admin may raise it. */
const maxPageSizes = (option('max-page-sizes') ?? '100,1000').split(',').map(Number);

interface Section {
  maxPageSize: number;
  results: ListRun[];
}

/** One sandbox (a server max page size): the configurations worth timing under it. */
function configsFor(maxPageSize: number, first: boolean): ListConfig[] {
  const sizes = [50, 100, 200, 500, 1000, maxPageSize].filter((size) => size <= maxPageSize && (first || size > 100));
  const unique = [...new Set(sizes)].sort((a, b) => a - b);
  const configs: ListConfig[] = [];
  if (first) configs.push({ label: 'page by page', pageSize: 100, concurrency: 1 }, { label: 'concurrent', pageSize: 100, concurrency });
  for (const pageSize of unique) if (!(first && pageSize === 100)) configs.push({ label: 'concurrent', pageSize, concurrency });
  if (!first) configs.push({ label: 'page by page', pageSize: maxPageSize, concurrency: 1 });
  if (first) configs.push({ label: 'concurrent', pageSize: 100, concurrency: concurrency * 2 });
  return configs;
}

async function measureSandbox(maxPageSize: number, first: boolean): Promise<Section> {
  console.error(`bench: starting the sandbox: ${stages} ${MODEL}, ${latencyMs} ms latency per request, max page size ${maxPageSize}`);
  // The server runs on a worker thread, as a real server runs elsewhere: its work does not
  // queue behind the client's on one event loop.
  const sandbox = await startSandboxWorker(__filename, {
    port: 0,
    token: TOKEN,
    latencyMs,
    maxPageSize,
    seed: { demo: false, generate: [{ model: MODEL, count: stages, namePrefix: 'bench-' }] },
  });
  try {
    let requests = 0;
    const countingFetch: FetchLike = (url, init) => {
      requests++;
      return globalThis.fetch(url, init);
    };
    const client = new AuthentikClient({ baseUrl: sandbox.url, token: sandbox.token, fetch: countingFetch, timeoutMs: 30_000, maxRetries: 0 });
    // The expected list, in server order (every timed run must return exactly it).
    const expected = (await client.listAll<StageObject>(API_PATH, { pageSize: maxPageSize })).map((s) => s.pk);
    if (expected.length !== stages) throw new Error(`the sandbox holds ${expected.length} ${MODEL}, not ${stages}`);
    const results: ListRun[] = [];
    for (const config of configsFor(maxPageSize, first)) {
      results.push(await measureList(client, API_PATH, config, runs, expected, () => requests, (line) => console.error(line)));
    }
    return { maxPageSize, results };
  } finally {
    await sandbox.close();
  }
}

async function main(): Promise<number> {
  if (![stages, runs, concurrency].every((n) => Number.isInteger(n) && n >= 1) || !(latencyMs >= 0) || maxPageSizes.some((n) => !Number.isInteger(n) || n < 100)) {
    console.error(`bench: bad arguments ${args.join(' ')}`);
    return 2;
  }
  const started = Date.now();
  const sections: Section[] = [];
  for (const [i, maxPageSize] of maxPageSizes.entries()) sections.push(await measureSandbox(maxPageSize, i === 0));
  const sequential = sections[0]!.results[0]!;
  const concurrent = sections[0]!.results[1]!;
  const targets = judge(sequential, concurrent);
  const failed = targets.filter((t) => t.status === 'FAIL');
  const out = [
    `## List benchmark: listAll of ${stages.toLocaleString('en-US')} stages, ${latencyMs} ms latency per request (node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'})`,
    '',
    `Against the sandbox server (on its own worker thread) over HTTP on 127.0.0.1; median of ${runs} runs each; "vs page by page" compares with page by page at page size 100.`,
    '',
  ];
  for (const section of sections) {
    const best = section.results.reduce((a, b) => (b.median < a.median ? b : a));
    out.push(
      `### Server max page size ${section.maxPageSize}${section.maxPageSize === 100 ? " (authentik's default pagination_max_page_size)" : ' (raised)'}`,
      '',
      resultsTable(section.results, sequential),
      '',
      `Fastest: ${best.config.label}, page size ${best.config.pageSize}, concurrency ${best.config.concurrency}: ${best.median.toFixed(0)} ms.`,
      '',
    );
  }
  out.push('Targets:', '', targetsText(targets), '');
  process.stdout.write(out.join('\n'));
  const outDir = join(root, '.bench');
  mkdirSync(outDir, { recursive: true });
  const jsonPath = join(outDir, 'list-bench.json');
  writeFileSync(
    jsonPath,
    JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, stages, latencyMs, runs, concurrency, durationMs: Date.now() - started, sections, targets, pass: failed.length === 0 }, null, 2) + '\n',
  );
  console.error(`bench: wrote ${jsonPath} in ${((Date.now() - started) / 1000).toFixed(1)} s; ${failed.length} target(s) failed`);
  return failed.length > 0 && !noFail ? 1 : 0;
}

if (!serveSandboxIfWorker()) {
  runBench(main);
}
