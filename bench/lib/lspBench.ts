// One LSP benchmark run, side by side: every size × every server, measured in one process over
// stdio, then the markdown table, the targets (PASS/FAIL) and .bench/<name>.json. The stage-file
// benchmark (lsp-bench.ts) and the blueprint benchmark (blueprint-bench.ts) are two plans of it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileUri } from '../../tools/lsp-client/lspClient';
import type { BenchFile, SizeUnit } from './benchFile';
import { benchArgs, noFail } from './entry';
import { measureServer, type RunResult } from './measure';
import { judgeTargets, notesText, resultsTable, targetsText, type TargetSpec } from './report';
import { serverDefinitions, type BenchInputs, type ServerId } from './servers';

export interface LspBenchPlan {
  /** The report's heading, e.g. "LSP benchmark". */
  title: string;
  /** The JSON's name under .bench/, without extension. */
  name: string;
  /** The repository (where dist/ and node_modules/ are). */
  root: string;
  sizes: number[];
  serverIds: ServerId[];
  inputs: BenchInputs;
  unit: SizeUnit;
  file: (size: number) => BenchFile;
  /** The file's name in the temporary folder (yaml-language-server's schema globs match it). */
  fileName: (size: number) => string;
  targets: TargetSpec[];
  /** Timed edits at a size. */
  edits: (size: number) => number;
  /** Timed opens (each in a fresh server) at a size. */
  opens: (size: number) => number;
  /** Timed requests of each kind (key completion, value completion, hover) at a size. */
  requests: (size: number) => number;
  /** Bound of every single wait at a size. */
  waitTimeoutMs: (size: number) => number;
}

const SERVER_ORDER: ServerId[] = ['ours', 'yaml-ls', 'floor'];

/** Runs the plan; the exit status: 0, 1 when a target failed (unless --no-fail), 2 on bad arguments. */
export async function runLspBench(plan: LspBenchPlan): Promise<number> {
  const servers = serverDefinitions(plan.root, plan.inputs).filter((s) => plan.serverIds.includes(s.id));
  if (servers.length === 0 || plan.sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    console.error(`bench: bad arguments ${benchArgs.join(' ')}`);
    return 2;
  }
  const outDir = join(plan.root, '.bench');
  mkdirSync(outDir, { recursive: true });
  // The files live in a temporary folder, not under .bench/: yaml-language-server's schema
  // globs (picomatch, `**/*.stage.yaml`) never match a path through a dot-folder.
  const fixtureDir = mkdtempSync(join(tmpdir(), `authentik-stages-${plan.name}-`));
  try {
    return await runAll(plan, servers, outDir, fixtureDir);
  } finally {
    rmSync(fixtureDir, { recursive: true, force: true });
  }
}

async function runAll(plan: LspBenchPlan, servers: ReturnType<typeof serverDefinitions>, outDir: string, fixtureDir: string): Promise<number> {
  const runs: RunResult[] = [];
  const started = Date.now();
  for (const size of plan.sizes) {
    const file = plan.file(size);
    const path = join(fixtureDir, plan.fileName(size));
    writeFileSync(path, file.text);
    for (const server of servers) {
      runs.push(
        await measureServer(server, file, {
          uri: fileUri(path),
          edits: plan.edits(size),
          warmupEdits: 3,
          opens: plan.opens(size),
          pauseMs: 25,
          requests: plan.requests(size),
          waitTimeoutMs: plan.waitTimeoutMs(size),
          runBudgetMs: 8 * 60_000,
          progress: (message) => console.error(message),
        }),
      );
    }
  }

  runs.sort((a, b) => a.size - b.size || SERVER_ORDER.indexOf(a.server) - SERVER_ORDER.indexOf(b.server));
  const targets = judgeTargets(runs, plan.targets, plan.sizes, plan.serverIds);
  const failed = targets.filter((t) => t.status === 'FAIL');
  const notes = notesText(runs);
  const out = [
    `## ${plan.title} (node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'})`,
    '',
    resultsTable(runs, plan.unit),
    '',
    'Targets (ratios ours / yaml-language-server, this run):',
    '',
    targetsText(targets, runs),
    ...(notes ? ['', 'Notes:', '', notes] : []),
    '',
  ].join('\n');
  process.stdout.write(out);

  const jsonPath = join(outDir, `${plan.name}.json`);
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
        sizes: plan.sizes,
        unit: plan.unit,
        servers: plan.serverIds,
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
