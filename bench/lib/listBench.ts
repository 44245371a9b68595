// The list benchmark's measuring and reporting: time `AuthentikClient.listAll` per configuration
// (page size × concurrency), check every run returned the whole list in order, and judge the target.
import { performance } from 'node:perf_hooks';
import type { AuthentikClient, StageObject } from '../../client/src/api';

export interface ListConfig {
  label: string;
  pageSize: number;
  concurrency: number;
}

export interface ListRun {
  config: ListConfig;
  /** Wall time of each run (ms). */
  samples: number[];
  median: number;
  min: number;
  /** Requests one run made. */
  requests: number;
  /** Objects one run returned. */
  objects: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Runs `listAll` `runs` times for one configuration. `expected` is the list in server order:
 * every run must return exactly it, or the measurement is void.
 */
export async function measureList(
  client: AuthentikClient,
  apiPath: string,
  config: ListConfig,
  runs: number,
  expected: readonly string[],
  countRequests: () => number,
  progress: (line: string) => void,
): Promise<ListRun> {
  const samples: number[] = [];
  let requests = 0;
  let objects = 0;
  for (let run = 1; run <= runs; run++) {
    const before = countRequests();
    const started = performance.now();
    const all = await client.listAll<StageObject>(apiPath, { pageSize: config.pageSize, concurrency: config.concurrency });
    const elapsed = performance.now() - started;
    requests = countRequests() - before;
    objects = all.length;
    if (all.length !== expected.length || all.some((stage, i) => stage.pk !== expected[i])) {
      throw new Error(`${config.label}: listAll returned ${all.length} objects, not the ${expected.length} expected in server order`);
    }
    samples.push(elapsed);
    progress(`  ${config.label} (page size ${config.pageSize}, concurrency ${config.concurrency}) run ${run}/${runs}: ${elapsed.toFixed(0)} ms, ${requests} requests`);
  }
  return { config, samples, median: median(samples), min: Math.min(...samples), requests, objects };
}

export interface TargetResult {
  name: string;
  status: 'PASS' | 'FAIL';
  detail: string;
}

/** Concurrent paging (page size 100) under 1 s and at least 4× faster than page by page. */
export function judge(sequential: ListRun, concurrent: ListRun, limits = { maxMs: 1000, minSpeedup: 4 }): TargetResult[] {
  const speedup = sequential.median / concurrent.median;
  return [
    {
      name: `concurrent listAll of ${concurrent.objects.toLocaleString('en-US')} (page size ${concurrent.config.pageSize}) < ${limits.maxMs} ms`,
      status: concurrent.median < limits.maxMs ? 'PASS' : 'FAIL',
      detail: `median ${concurrent.median.toFixed(0)} ms`,
    },
    {
      name: `concurrent ≥ ${limits.minSpeedup}× faster than page by page`,
      status: speedup >= limits.minSpeedup ? 'PASS' : 'FAIL',
      detail: `${speedup.toFixed(2)}× (${sequential.median.toFixed(0)} ms → ${concurrent.median.toFixed(0)} ms)`,
    },
  ];
}

export function resultsTable(runs: ListRun[], baseline: ListRun): string {
  const lines = [
    '| mode | page size | concurrency | requests | median (ms) | min (ms) | vs page by page |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const run of runs) {
    lines.push(
      `| ${run.config.label} | ${run.config.pageSize} | ${run.config.concurrency} | ${run.requests} | ${run.median.toFixed(0)} | ${run.min.toFixed(0)} | ${(baseline.median / run.median).toFixed(2)}× |`,
    );
  }
  return lines.join('\n');
}

export function targetsText(targets: TargetResult[]): string {
  return targets.map((t) => `- ${t.status} ${t.name}: ${t.detail}`).join('\n');
}
