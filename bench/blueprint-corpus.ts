// authentik's own blueprints (../shared/corpus/authentik-blueprints, unchanged), through our server
// and through yaml-language-server with authentik's blueprint schema and customTags, side by side:
// how many errors and warnings each reports, file by file. Every file there is one authentik ships
// or shipped; the errors that authentik 2026.8 would also refuse are test/blueprintCorpus.test.ts's
// listed exceptions. Run after the build:
//   node dist/bench/blueprint-corpus.js [--corpus=<folder>]
// Prints a markdown table to stdout, progress to stderr, and writes .bench/blueprint-corpus.json.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { fileUri, LspClient } from '../tools/lsp-client/lspClient';
import { blueprintInputs, serverDefinitions, type ServerDefinition } from './lib/servers';
import { option, runBench } from './lib/entry';

const root = resolve(__dirname, '..', '..'); // dist/bench/blueprint-corpus.js → the repository
const corpus = option('corpus') ?? [join(root, '..', 'shared', 'corpus', 'authentik-blueprints'), '/work/shared/corpus/authentik-blueprints'].find((dir) => existsSync(dir));

interface Counts {
  errors: number;
  warnings: number;
}

async function countsOf(server: ServerDefinition, files: readonly string[]): Promise<Counts[]> {
  const client = await LspClient.start(server.command);
  client.settings = server.settings;
  try {
    await client.initialize();
    await server.configure?.(client);
    const out: Counts[] = [];
    for (const path of files) {
      const uri = fileUri(path);
      const since = client.diagnosticsMarker();
      client.open(uri, server.languageId, readFileSync(path, 'utf8'));
      const record = await client.waitForDiagnostics(uri, { since, afterVersion: 1, timeoutMs: 60_000 });
      const of = (severity: number): number => record.diagnostics.filter((d: Diagnostic) => (d.severity ?? 1) === severity).length;
      out.push({ errors: of(1), warnings: of(2) });
      client.close(uri);
    }
    return out;
  } finally {
    await client.shutdown();
  }
}

async function main(): Promise<number> {
  if (!corpus) {
    console.error('blueprint-corpus: no corpus beside the repository (../shared/corpus/authentik-blueprints): nothing to compare');
    return 0;
  }
  const files = readdirSync(corpus)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => join(corpus, name));
  const servers = serverDefinitions(root, blueprintInputs(root)).filter((s) => s.id !== 'floor');
  const results: Record<string, Counts[]> = {};
  for (const server of servers) {
    if (server.missing) throw new Error(server.missing);
    console.error(`blueprint-corpus: ${server.label} on ${files.length} files`);
    results[server.id] = await countsOf(server, files);
  }
  const ours = results['ours']!;
  const theirs = results['yaml-ls']!;
  const sum = (counts: Counts[], key: keyof Counts): number => counts.reduce((total, c) => total + c[key], 0);
  const lines = [
    `## authentik's blueprints (${files.length} files, unchanged): errors / warnings`,
    '',
    '| file | authentik-stages (ours) | yaml-language-server + authentik schema |',
    '| --- | ---: | ---: |',
    ...files.map((path, i) => `| ${path.slice(corpus.length + 1)} | ${ours[i]!.errors} / ${ours[i]!.warnings} | ${theirs[i]!.errors} / ${theirs[i]!.warnings} |`),
    `| **all** | **${sum(ours, 'errors')} / ${sum(ours, 'warnings')}** | **${sum(theirs, 'errors')} / ${sum(theirs, 'warnings')}** |`,
    '',
    `Files with an error: ours ${ours.filter((c) => c.errors > 0).length}, yaml-language-server ${theirs.filter((c) => c.errors > 0).length}.`,
  ];
  console.log(lines.join('\n'));
  mkdirSync(join(root, '.bench'), { recursive: true });
  writeFileSync(join(root, '.bench', 'blueprint-corpus.json'), `${JSON.stringify({ files: files.map((f) => f.slice(corpus.length + 1)), results }, null, 2)}\n`);
  return 0;
}

runBench(main);
