// LSP benchmark: our authentik stage server vs Red Hat's yaml-language-server vs a no-op floor
// server, over stdio, on files of 1, 200 and 2,000 email stages. Run after the build:
//   node dist/bench/lsp-bench.js [--no-fail] [--sizes=1,200,2000] [--servers=ours,yaml-ls,floor]
//                                [--edits=N] [--requests=N]
// Prints a markdown table and the targets (PASS/FAIL) to stdout, progress to stderr, and writes
// .bench/lsp-bench.json. Exits 1 when a target fails, unless --no-fail.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileUri } from '../tools/lsp-client/lspClient';
import { measureServer, type RunResult } from './lib/measure';
import { judgeTargets, notesText, resultsTable, targetsText } from './lib/report';
import { serverDefinitions, type ServerId } from './lib/servers';
import { stageFile } from './lib/stageFixtures';
import { benchArgs as args, noFail, option, runBench } from './lib/entry';

const root = resolve(__dirname, '..', '..'); // dist/bench/lsp-bench.js → the repository
const sizes = (option('sizes') ?? '1,200,2000').split(',').map(Number);
const serverIds = (option('servers') ?? 'ours,yaml-ls,floor').split(',') as ServerId[];
const editsOverride = option('edits');
const requests = Number(option('requests') ?? 20);

async function main(): Promise<number> {
  const servers = serverDefinitions(root).filter((s) => serverIds.includes(s.id));
  if (servers.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    console.error(`bench: bad arguments ${args.join(' ')}`);
    return 2;
  }
  const outDir = join(root, '.bench');
  mkdirSync(outDir, { recursive: true });
  // The stage files live in a temporary folder, not under .bench/: yaml-language-server's schema
  // globs (picomatch, `**/*.stage.yaml`) never match a path through a dot-folder.
  const fixtureDir = mkdtempSync(join(tmpdir(), 'authentik-stages-bench-'));
  try {
    return await runAll(servers, outDir, fixtureDir);
  } finally {
    rmSync(fixtureDir, { recursive: true, force: true });
  }
}

async function runAll(servers: ReturnType<typeof serverDefinitions>, outDir: string, fixtureDir: string): Promise<number> {
  const runs: RunResult[] = [];
  const started = Date.now();
  for (const stages of sizes) {
    const file = stageFile(stages);
    const path = join(fixtureDir, `bench-${stages}.stage.yaml`);
    writeFileSync(path, file.text);
    const edits = editsOverride ? Number(editsOverride) : stages >= 1000 ? 10 : 20;
    for (const server of servers) {
      runs.push(
        await measureServer(server, file, {
          uri: fileUri(path),
          edits,
          warmupEdits: 3,
          pauseMs: 25,
          requests,
          waitTimeoutMs: 20_000 + 30 * stages,
          runBudgetMs: 8 * 60_000,
          progress: (message) => console.error(message),
        }),
      );
    }
  }

  const order: ServerId[] = ['ours', 'yaml-ls', 'floor'];
  runs.sort((a, b) => a.stages - b.stages || order.indexOf(a.server) - order.indexOf(b.server));
  const targets = judgeTargets(runs, sizes, serverIds);
  const failed = targets.filter((t) => t.status === 'FAIL');
  const notes = notesText(runs);
  const out = [
    `## LSP benchmark (node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'})`,
    '',
    resultsTable(runs),
    '',
    'Targets (ratios ours / yaml-language-server, this run):',
    '',
    targetsText(targets, runs),
    ...(notes ? ['', 'Notes:', '', notes] : []),
    '',
  ].join('\n');
  process.stdout.write(out);

  const jsonPath = join(outDir, 'lsp-bench.json');
  writeFileSync(
    jsonPath,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? null,
        durationMs: Date.now() - started,
        sizes,
        servers: serverIds,
        runs,
        targets,
        pass: failed.length === 0,
      },
      null,
      2,
    ) + '\n',
  );
  console.error(`bench: wrote ${jsonPath} in ${((Date.now() - started) / 1000).toFixed(1)} s; ${failed.length} target(s) failed`);
  return failed.length > 0 && !noFail ? 1 : 0;
}

runBench(main);
