// List benchmark: `AuthentikClient.listAll` of 5,000 stages from the sandbox server over HTTP on
// 127.0.0.1 with 50 ms of latency added to every request: page by page (concurrency 1) against
// concurrent paging, page size 100, plus larger page sizes up to the server's maximum. Run after
// the build:
//   node dist/bench/list-bench.js [--no-fail] [--stages=5000] [--latency=50] [--runs=3] [--concurrency=6]
// Prints a markdown table and the targets (PASS/FAIL) to stdout, progress to stderr, and writes
// .bench/list-bench.json. Exits 1 when a target fails, unless --no-fail.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { AuthentikClient, type FetchLike, type StageObject } from '../client/src/api';
import { startSandbox } from '../test/sandbox/server';
import { judge, measureList, resultsTable, targetsText, type ListConfig, type ListRun } from './lib/listBench';

const root = resolve(__dirname, '..', '..'); // dist/bench/list-bench.js → the repository
const args = process.argv.slice(2);
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const noFail = args.includes('--no-fail');
const stages = Number(option('stages') ?? 5000);
const latencyMs = Number(option('latency') ?? 50);
const runs = Number(option('runs') ?? 3);
const concurrency = Number(option('concurrency') ?? 6);

const MODEL = 'authentik_stages_dummy.dummystage';
const API_PATH = '/stages/dummy/';
const TOKEN = 'list-bench-token';

async function main(): Promise<number> {
  if (![stages, runs, concurrency].every((n) => Number.isInteger(n) && n >= 1) || !(latencyMs >= 0)) {
    console.error(`bench: bad arguments ${args.join(' ')}`);
    return 2;
  }
  const started = Date.now();
  console.error(`bench: starting the sandbox with ${stages} ${MODEL} and ${latencyMs} ms latency per request`);
  const sandbox = await startSandbox({
    port: 0,
    token: TOKEN,
    latencyMs,
    seed: { demo: false, generate: [{ model: MODEL, count: stages, namePrefix: 'bench-' }] },
  });
  try {
    let requests = 0;
    const countingFetch: FetchLike = (url, init) => {
      requests++;
      return globalThis.fetch(url, init);
    };
    const client = new AuthentikClient({ baseUrl: sandbox.url, token: sandbox.token ?? TOKEN, fetch: countingFetch, timeoutMs: 30_000, maxRetries: 0 });

    // The expected list (server order) and the server's largest page size, found by asking for more.
    const probe = await client.listPage<StageObject>(API_PATH, { pageSize: 1_000_000 });
    const maxPageSize = probe.results.length < probe.pagination.count ? probe.results.length : Math.max(probe.results.length, 100);
    console.error(`bench: ${probe.pagination.count} stages on the server; largest page it serves: ${maxPageSize}`);
    const expected = (await client.listAll<StageObject>(API_PATH, { pageSize: maxPageSize })).map((s) => s.pk);
    if (expected.length !== stages) throw new Error(`the sandbox holds ${expected.length} ${MODEL}, not ${stages}`);

    const pageSizes = [...new Set([200, 500, 1000, maxPageSize].filter((size) => size > 100 && size <= maxPageSize))].sort((a, b) => a - b);
    const configs: ListConfig[] = [
      { label: 'page by page', pageSize: 100, concurrency: 1 },
      { label: 'concurrent', pageSize: 100, concurrency },
      ...pageSizes.map((pageSize) => ({ label: 'concurrent', pageSize, concurrency })),
      ...(pageSizes.length ? [{ label: 'page by page', pageSize: pageSizes[pageSizes.length - 1]!, concurrency: 1 }] : []),
    ];
    const results: ListRun[] = [];
    for (const config of configs) {
      results.push(await measureList(client, API_PATH, config, runs, expected, () => requests, (line) => console.error(line)));
    }
    const sequential = results[0]!;
    const concurrent = results[1]!;
    const best = results.slice(1).reduce((a, b) => (b.median < a.median ? b : a));
    const targets = judge(sequential, concurrent);
    const failed = targets.filter((t) => t.status === 'FAIL');
    process.stdout.write(
      [
        `## List benchmark: listAll of ${stages.toLocaleString('en-US')} stages, ${latencyMs} ms latency per request (node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'})`,
        '',
        `Median of ${runs} runs each, over HTTP on 127.0.0.1 against the sandbox server (largest page size it serves: ${maxPageSize}).`,
        '',
        resultsTable(results, sequential),
        '',
        `Fastest: ${best.config.label}, page size ${best.config.pageSize}, concurrency ${best.config.concurrency}: ${best.median.toFixed(0)} ms.`,
        '',
        'Targets:',
        '',
        targetsText(targets),
        '',
      ].join('\n'),
    );
    const outDir = join(root, '.bench');
    mkdirSync(outDir, { recursive: true });
    const jsonPath = join(outDir, 'list-bench.json');
    writeFileSync(
      jsonPath,
      JSON.stringify(
        { date: new Date().toISOString(), node: process.version, cpus: cpus().length, stages, latencyMs, runs, maxPageSize, durationMs: Date.now() - started, results, targets, pass: failed.length === 0 },
        null,
        2,
      ) + '\n',
    );
    console.error(`bench: wrote ${jsonPath} in ${((Date.now() - started) / 1000).toFixed(1)} s; ${failed.length} target(s) failed`);
    return failed.length > 0 && !noFail ? 1 : 0;
  } finally {
    await sandbox.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 2;
  },
);
