// LSP benchmark: our authentik stage server vs Red Hat's yaml-language-server vs a no-op floor
// server, over stdio, on files of 1, 200 and 2,000 email stages. Run after the build:
//   node dist/bench/lsp-bench.js [--no-fail] [--sizes=1,200,2000] [--servers=ours,yaml-ls,floor]
//                                [--edits=N] [--requests=N] [--opens=N]
// Prints a markdown table and the targets (PASS/FAIL) to stdout, progress to stderr, and writes
// .bench/lsp-bench.json. Exits 1 when a target fails, unless --no-fail.
import { resolve } from 'node:path';
import { option, runBench } from './lib/entry';
import { runLspBench } from './lib/lspBench';
import { stageTargetSpecs } from './lib/report';
import { stageFileInputs, type ServerId } from './lib/servers';
import { stageFile } from './lib/stageFixtures';

const root = resolve(__dirname, '..', '..'); // dist/bench/lsp-bench.js → the repository
const sizes = (option('sizes') ?? '1,200,2000').split(',').map(Number);
const editsOverride = option('edits');

runBench(async () =>
  runLspBench({
    title: 'LSP benchmark',
    name: 'lsp-bench',
    root,
    sizes,
    serverIds: (option('servers') ?? 'ours,yaml-ls,floor').split(',') as ServerId[],
    inputs: stageFileInputs(root),
    unit: 'stages',
    file: stageFile,
    fileName: (stages) => `bench-${stages}.stage.yaml`,
    targets: stageTargetSpecs(sizes),
    edits: (stages) => (editsOverride ? Number(editsOverride) : stages >= 1000 ? 10 : 20),
    opens: () => Number(option('opens') ?? 1),
    requests: () => Number(option('requests') ?? 20),
    waitTimeoutMs: (stages) => 20_000 + 30 * stages,
  }),
);
