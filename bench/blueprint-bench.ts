// Blueprint benchmark: our server vs Red Hat's yaml-language-server given authentik's blueprint
// schema and `yaml.customTags` (bench/anchors/, copies of ../shared/anchors/) vs a no-op floor
// server, over stdio, on generated blueprints of 20 and 2,000 entries (bench/lib/blueprintFixtures.ts).
// Our server gets a plain `yaml` document named flows-N.yaml: it recognises blueprints by content.
// Run after the build:
//   node dist/bench/blueprint-bench.js [--no-fail] [--sizes=20,2000] [--servers=ours,yaml-ls,floor]
//                                      [--edits=N] [--requests=N] [--opens=N]
// Prints a markdown table and the targets (PASS/FAIL) to stdout, progress to stderr, and writes
// .bench/blueprint-bench.json. Exits 1 when a target fails, unless --no-fail.
import { resolve } from 'node:path';
import { blueprintFile } from './lib/blueprintFixtures';
import { option, runBench } from './lib/entry';
import { runLspBench } from './lib/lspBench';
import type { TargetSpec } from './lib/report';
import { blueprintInputs, type ServerId } from './lib/servers';

const root = resolve(__dirname, '..', '..'); // dist/bench/blueprint-bench.js → the repository
const sizes = (option('sizes') ?? '20,2000').split(',').map(Number);
const editsOverride = option('edits');

/** The budgets, as ratios ours / yaml-language-server in the same run. */
const BLUEPRINT_TARGETS: TargetSpec[] = [
  { name: '2,000-entry change→diagnostics (median)', size: 2000, metric: 'changeToDiagnosticsMedian', limit: 1 / 15, limitText: '≤ 1/15' },
  { name: '2,000-entry open→first diagnostics', size: 2000, metric: 'openToDiagnostics', limit: 1 / 5, limitText: '≤ 1/5' },
  { name: '2,000-entry peak memory (VmHWM)', size: 2000, metric: 'peakRssBytes', limit: 1 / 2, limitText: '≤ 1/2' },
  { name: '20-entry change→diagnostics (median)', size: 20, metric: 'changeToDiagnosticsMedian', limit: 1 / 20, limitText: '≤ 1/20' },
];

runBench(async () =>
  runLspBench({
    title: 'Blueprint benchmark',
    name: 'blueprint-bench',
    root,
    sizes,
    serverIds: (option('servers') ?? 'ours,yaml-ls,floor').split(',') as ServerId[],
    inputs: blueprintInputs(root),
    unit: 'entries',
    file: blueprintFile,
    fileName: (entries) => `flows-${entries}.yaml`,
    targets: BLUEPRINT_TARGETS,
    edits: (entries) => (editsOverride ? Number(editsOverride) : entries >= 1000 ? 10 : 20),
    // Open → first diagnostics is a budget: the median of three first opens, each in a fresh server.
    opens: () => Number(option('opens') ?? 3),
    // yaml-language-server takes seconds per completion of a 2,000-entry blueprint; the requests are
    // not among the budgets, so a few of them tell enough.
    requests: (entries) => Number(option('requests') ?? (entries >= 1000 ? 3 : 20)),
    waitTimeoutMs: (entries) => 20_000 + 30 * entries,
  }),
);
