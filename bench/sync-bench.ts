// Sync benchmark: push, diff and the dry run of a folder of stage files against the sandbox server
// (on its own worker thread) with 50 ms of latency per request, through the command line as a user
// (or CI) runs it, against `list` of the same stages. Then 10 of the files edited and pushed. And,
// for comparison, the push as it was before folders were compared from lists: `pushFile` file
// after file, one fetch per stage (skip it with --no-old: it takes ~30 s).
//   node dist/bench/sync-bench.js [--no-fail] [--no-old] [--files=500] [--latency=50] [--runs=3]
// Prints a markdown table and the targets (PASS/FAIL) to stdout, progress to stderr, and writes
// .bench/sync-bench.json. Exits 1 when a target fails, unless --no-fail.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SchemaCatalog } from '@authentik-stages/engine';
import { AuthentikClient } from '../client/src/api';
import { BaseStore } from '../client/src/sync/baseStore';
import { pushFile } from '../client/src/sync/push';
import { engineValidator } from '../client/src/sync/validator';
import { serveSandboxIfWorker, startSandboxWorker } from './lib/listBenchSandbox';
import { benchArgs as args, noFail, option, runBench } from './lib/entry';

const root = resolve(__dirname, '..', '..'); // dist/bench/sync-bench.js → the repository
const cliPath = join(root, 'dist', 'cli.js');
const files = Number(option('files') ?? 500);
const latencyMs = Number(option('latency') ?? 50);
const runs = Number(option('runs') ?? 3);
const measureOld = !args.includes('--no-old');
const TOKEN = 'sync-bench-token';
const MODELS = ['authentik_stages_dummy.dummystage', 'authentik_stages_deny.denystage'];

interface Timing {
  label: string;
  median: number;
  runs: number[];
}

function run(cwd: string, argv: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cliPath, ...argv], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

async function time(label: string, times: number, once: () => Promise<void>): Promise<Timing> {
  const all: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await once();
    all.push(performance.now() - started);
    console.error(`bench: ${label}: ${all[i]!.toFixed(0)} ms`);
  }
  const sorted = [...all].sort((a, b) => a - b);
  return { label, median: sorted[Math.floor(sorted.length / 2)]!, runs: all };
}

async function main(): Promise<number> {
  if (!Number.isInteger(files) || files < 20 || !Number.isInteger(runs) || runs < 1 || !(latencyMs >= 0)) {
    console.error(`bench: bad arguments ${args.join(' ')}`);
    return 2;
  }
  const perType = Math.ceil(files / MODELS.length);
  console.error(`bench: starting the sandbox: ${perType} stages of each of ${MODELS.length} types, ${latencyMs} ms latency per request`);
  const sandbox = await startSandboxWorker(__filename, {
    port: 0,
    token: TOKEN,
    latencyMs,
    seed: { demo: false, generate: MODELS.map((model) => ({ model, count: perType, namePrefix: `${model.split('.')[1]}-` })) },
  });
  const dir = mkdtempSync(join(tmpdir(), 'authentik-sync-bench-'));
  const env = { AUTHENTIK_URL: sandbox.url, AUTHENTIK_TOKEN: sandbox.token };
  const check = async (argv: string[], expect: (out: string) => boolean, status = 0): Promise<void> => {
    const result = await run(dir, argv, env);
    if (result.status !== status || !expect(result.stdout)) throw new Error(`authentik-stages ${argv.slice(0, 2).join(' ')} … exited ${result.status}:\n${result.stderr.slice(0, 2000)}`);
  };
  try {
    for (const model of MODELS) await check(['pull', '--model', model, '--out', 'stages'], () => true);
    const names = readdirSync(join(dir, 'stages')).filter((n) => n.endsWith('.stage.yaml')).sort();
    const paths = names.map((n) => `stages/${n}`);
    const unchanged = (out: string): boolean => out.split('\n').filter((l) => l.startsWith('unchanged')).length === paths.length;
    const timings: Timing[] = [];
    timings.push(await time(`list (${paths.length} stages)`, runs, () => check(['list'], (out) => out.trim().split('\n').length === paths.length)));
    timings.push(await time(`diff of ${paths.length} unchanged files`, runs, () => check(['diff', ...paths], (out) => out.split('\n').filter((l) => l.endsWith('same as the server')).length === paths.length)));
    timings.push(await time(`push --dry-run of ${paths.length} unchanged files`, runs, () => check(['push', '--dry-run', ...paths], unchanged)));
    timings.push(await time(`push of ${paths.length} unchanged files`, runs, () => check(['push', ...paths], unchanged)));
    let round = 0;
    timings.push(
      await time(`push of ${paths.length} files, 10 edited`, runs, async () => {
        round++;
        for (const name of names.filter((n) => n.startsWith('denystage-')).slice(0, 10)) {
          const path = join(dir, 'stages', name);
          writeFileSync(path, readFileSync(path, 'utf8').replace(/^deny_message:.*$/m, '').trimEnd() + `\ndeny_message: edited ${round}\n`);
        }
        await check(['push', ...paths], (out) => out.split('\n').filter((l) => l.startsWith('updated')).length === 10);
      }),
    );
    if (measureOld) {
      // The push before: each file on its own, each stage fetched by pk (what `push` did file after file).
      const client = new AuthentikClient({ baseUrl: sandbox.url, token: sandbox.token, timeoutMs: 30_000, maxRetries: 0 });
      const catalog = SchemaCatalog.fromDirectory(join(root, 'schemas'));
      const bases = new BaseStore(dir, sandbox.url);
      const validate = engineValidator(catalog);
      timings.push(
        await time(`old: pushFile of ${paths.length} unchanged files, one after another`, 1, async () => {
          for (const path of paths) {
            const result = await pushFile(join(dir, path), { api: client, catalog, validate, bases, env: {} });
            if (result.outcomes[0]?.status !== 'unchanged') throw new Error(`${path}: ${result.outcomes[0]?.status ?? 'no outcome'}`);
          }
        }),
      );
      client.close();
    }
    const by = (prefix: string): Timing => timings.find((t) => t.label.startsWith(prefix))!;
    const list = by('list');
    const targets = [
      { name: `push of ${paths.length} unchanged files ≤ 3 × list`, value: by('push of').median, limit: 3 * list.median },
      { name: `diff of ${paths.length} unchanged files ≤ 3 × list`, value: by('diff').median, limit: 3 * list.median },
      { name: `push --dry-run of ${paths.length} unchanged files ≤ 3 × list`, value: by('push --dry-run').median, limit: 3 * list.median },
      { name: `10 edited among ${paths.length} pushed < 2 s`, value: by(`push of ${paths.length} files, 10`).median, limit: 2000 },
    ].map((t) => ({ ...t, status: t.value <= t.limit ? 'PASS' : 'FAIL' }));
    const out = [
      `## Sync benchmark: ${paths.length} stage files of ${MODELS.length} types, ${latencyMs} ms latency per request (node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'})`,
      '',
      `The command line (a process each run, connecting included) against the sandbox server on its own worker thread; median of ${runs} runs.`,
      '',
      '| run | median | runs |',
      '| --- | ---: | --- |',
      ...timings.map((t) => `| ${t.label} | ${t.median.toFixed(0)} ms | ${t.runs.map((r) => r.toFixed(0)).join(', ')} |`),
      '',
      'Targets:',
      '',
      ...targets.map((t) => `- ${t.status} ${t.name}: ${t.value.toFixed(0)} ms (limit ${t.limit.toFixed(0)} ms)`),
      '',
    ];
    process.stdout.write(out.join('\n'));
    const outDir = join(root, '.bench');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'sync-bench.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, files: paths.length, latencyMs, runs, timings, targets }, null, 2)}\n`);
    const failed = targets.filter((t) => t.status === 'FAIL').length;
    console.error(`bench: wrote ${join(outDir, 'sync-bench.json')}; ${failed} target(s) failed`);
    return failed && !noFail ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await sandbox.close();
  }
}

if (!serveSandboxIfWorker()) {
  runBench(main);
}
