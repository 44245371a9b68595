/** `pull`, `push`, `diff` and `list`: the sync engine, from the command line. */
import { resolve } from 'node:path';
import type { FileProblem, ModelIndexEntry } from '@authentik-stages/engine';
import { AuthentikError } from '../api/errors';
import { diffStage, formatDiff, type StageDiff } from '../sync/diff';
import { fetchAll, fetchByModel, fetchByPk, type FetchedStage } from '../sync/fetchStages';
import { failuresIn, FindResolver } from '../sync/findResolver';
import { FilePositions, localStages } from '../sync/localStage';
import { buildObjectIndex } from '../sync/objectIndex';
import { pullTargetModels, type ReferenceStyle } from '../sync/pullReferences';
import { pullNeedsIndex, writePulledStages } from '../sync/pull';
import { isPushSuccess, stageTarget } from '../sync/push';
import { planPush, pushFiles, type PushPlan } from '../sync/plan';
import { ServerListing } from '../sync/serverListing';
import { engineValidator } from '../sync/validator';
import { parseStageFile } from '../sync/stageFileIO';
import { readStageText } from '../sync/stageFileText';
import type { Connection } from './connection';
import { CliExit, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, printable, printProblems, printLine, progress, usageError } from './output';

function entryFor(connection: Connection, model: string): ModelIndexEntry {
  const entry = connection.catalog.entry(model);
  if (!entry) {
    throw new CliExit(`unknown model ${model} for authentik ${connection.catalog.version}; models: ${connection.catalog.models.map((m) => m.model).join(', ')}`, EXIT_USAGE);
  }
  return entry;
}

export interface PullArgs {
  pks: string[];
  model: string | undefined;
  all: boolean;
  outDir: string;
  format: 'yaml' | 'json';
  references: ReferenceStyle;
  /** Portable files: no pk, references as !Find; the pk kept in the sync state. */
  portable: boolean;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export async function runPull(connection: Connection, args: PullArgs, cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  const selections = Number(args.pks.length > 0) + Number(Boolean(args.model)) + Number(args.all);
  if (selections !== 1) throw usageError('pull needs exactly one of: pk…, --model <model>, --all');
  connection.bases.ensureWritable();
  let fetched: FetchedStage[];
  const failures: string[] = [];
  if (args.all) {
    progress(`pull: listing every stage type on ${connection.url}`);
    fetched = await fetchAll(connection.client, connection.catalog, (entry, count) => {
      if (count) progress(`pull: ${entry.title}: ${count}`);
    });
  } else if (args.model) {
    fetched = await fetchByModel(connection.client, entryFor(connection, args.model));
  } else {
    fetched = [];
    for (const pk of args.pks) {
      // One pk the server cannot answer for does not stop the others.
      try {
        fetched.push(await fetchByPk(connection.client, connection.catalog, pk));
      } catch (error) {
        if (!(error instanceof AuthentikError)) throw error;
        failures.push(error.message);
      }
    }
  }
  // `!Find` by name needs the targets' names, and a file's own tags are kept only where the index shows they still hold.
  const outDir = resolve(cwd, args.outDir);
  const pks = fetched.flatMap((f) => (typeof f.remote.pk === 'string' ? [f.remote.pk] : []));
  const index = pullNeedsIndex(outDir, pks, args.references) ? await buildObjectIndex(connection.client, pullTargetModels(new Set(fetched.map((f) => f.entry.model)))) : undefined;
  const { pulled: results, problems, keptPks } = writePulledStages(fetched, {
    catalog: connection.catalog,
    bases: connection.bases,
    outDir,
    format: args.format,
    references: args.references,
    portable: args.portable,
    env,
    ...(index ? { index } : {}),
  });
  failures.push(...problems.map((p) => p.message));
  if (keptPks['no-unique-key']) progress(`pull: ${plural(keptPks['no-unique-key'], 'reference')} stayed pks because their target has no unique natural key`);
  if (keptPks['not-on-server']) progress(`pull: ${plural(keptPks['not-on-server'], 'reference')} stayed pks because the server lists no such object (or no name for it)`);
  if (keptPks.json) progress(`pull: ${plural(keptPks.json, 'reference')} stayed pks because JSON stage files cannot hold a !Find tag`);
  for (const r of results) printLine(`${r.action.padEnd(9)} ${args.outDir.replace(/\/$/, '')}/${r.file}  ${r.pk} ${r.model} ${r.name}`);
  const created = results.filter((r) => r.action === 'created').length;
  const updated = results.filter((r) => r.action === 'updated').length;
  progress(`pull: ${results.length} stage${results.length === 1 ? '' : 's'}: ${created} new file${created === 1 ? '' : 's'}, ${updated} updated in place`);
  for (const failure of failures) progress(`pull: error: ${failure}`);
  return failures.length ? EXIT_FINDINGS : EXIT_OK;
}

export interface PushArgs {
  force: boolean;
  /** Print the plan; write nothing, send no write. */
  dryRun: boolean;
  /** Take same-named stages this workspace never synced with the server (portable files). */
  adopt: boolean;
  /** Push files without pk as portable (their pk kept in the sync state, not in the file). */
  portable: boolean;
}

/** Pushes `files` (regular files, each once: see `resolveFiles`), from one list per stage type; or prints its plan. */
export async function runPush(connection: Connection, files: string[], args: PushArgs, cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  const options = {
    api: connection.client,
    catalog: connection.catalog,
    validate: engineValidator(connection.catalog),
    bases: connection.bases,
    env,
    force: args.force,
    portable: args.portable,
    adoptSameNamed: args.adopt,
    finds: new FindResolver(connection.client, env),
  };
  const paths = files.map((file) => resolve(cwd, file));
  const shown = new Map(paths.map((path, i) => [path, files[i]!]));
  if (args.dryRun) return printPlan(await planPush(paths, options), shown, args.adopt);
  connection.bases.ensureWritable();
  progress(`push: ${plural(files.length, 'file')}: listing their stage types on ${connection.url}`);
  const { results } = await pushFiles(paths, options);
  const findings: FileProblem[] = [];
  let failed = false;
  for (const result of results) {
    const file = shown.get(result.file) ?? result.file;
    findings.push(...[...result.invalid, ...result.problems].map((p) => ({ ...p, file })));
    if (result.blocked) progress(`push: ${file}: not sent: fix the errors first`);
    for (const outcome of result.outcomes) {
      const extra = [
        outcome.merged.length ? `took the server's ${outcome.merged.join(', ')}` : '',
        outcome.overwritten.length ? `overwrote the server's ${outcome.overwritten.join(', ')} (--force)` : '',
      ].filter(Boolean);
      printLine(`${outcome.status.padEnd(16)} ${file}  ${outcome.pk ?? '-'} ${outcome.model} ${outcome.stage}${extra.length ? ` (${extra.join('; ')})` : ''}`);
      if (!isPushSuccess(outcome.status)) failed = true;
    }
    if (result.blocked || result.problems.some((p) => p.severity === 'error')) failed = true;
  }
  printProblems(process.stderr, findings);
  return failed ? EXIT_FINDINGS : EXIT_OK;
}

/** `push --dry-run`: one line per stage (and its changed fields), exit 1 when the push would not go through as a whole. */
function printPlan(plan: PushPlan, shown: ReadonlyMap<string, string>, adopt: boolean): number {
  progress(`push --dry-run: the plan for ${plan.server}; nothing was written or sent`);
  let stops = false;
  const value = (v: unknown): string => (v === undefined ? '(not set)' : JSON.stringify(v));
  for (const file of plan.files) {
    const name = shown.get(file.file) ?? file.file;
    if (file.blocked) {
      stops = true;
      printLine(`${'blocked'.padEnd(18)} ${printable(name)}  not sent: fix the errors first`);
      printProblems(process.stderr, file.problems.map((p) => ({ ...p, file: name })));
      continue;
    }
    for (const stage of file.stages) {
      const what = stage.action === 'adopt' ? (adopt ? `adopt (${stage.adoptThen})` : 'adopt (needs --adopt)') : stage.action;
      if (stage.action === 'conflict' || stage.action === 'deleted-on-server' || (stage.action === 'adopt' && (!adopt || stage.adoptThen === 'conflict'))) stops = true;
      printLine(`${what.padEnd(18)} ${printable(name)}  ${stage.pk ?? '-'} ${stage.model} ${printable(stage.stage)}${stage.portable ? ' (portable)' : ''}`);
      for (const change of stage.changes) printLine(`    ${printable(change.field)}: ${printable(value(change.old))} → ${printable(value(change.new))}`);
      for (const field of stage.takenFromServer) printLine(`    ${printable(field)}: taken from the server into the file`);
      for (const conflict of stage.conflicts) printLine(`    ${printable(conflict.field)}: conflict: server ${printable(value(conflict.remote))}, file ${printable(value(conflict.local))}${conflict.unknownBase ? ' (no record of the last sync)' : ''}`);
    }
  }
  return stops ? EXIT_FINDINGS : EXIT_OK;
}

/** Compares `files` (regular files, each once: see `resolveFiles`) with the server, from one list per stage type. */
export async function runDiff(connection: Connection, files: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  let differs = false;
  const resolver = new FindResolver(connection.client, env);
  const parsed = files.map((file) => ({ file, contents: parseStageFile(resolve(cwd, file), readStageText(resolve(cwd, file)).text) }));
  const located = parsed.map(({ file, contents }) => ({ file, contents, ...localStages(contents, connection.catalog) }));
  const listing = await ServerListing.load(connection.client, located.flatMap((l) => l.stages.map((s) => s.entry)));
  const targets = { api: connection.client, bases: connection.bases, listing };
  for (const { file, contents, stages, problems } of located) {
    printProblems(process.stderr, problems.map((p) => ({ ...p, file })));
    // Tags compare by the pks they name on this server; one that names no single object is a finding.
    const finds = await resolver.resolveStages(stages);
    const positions = new FilePositions(contents);
    for (const stage of stages) {
      const failed = Object.values(stage.values).flatMap((value) => failuresIn(value, finds));
      printProblems(process.stderr, failed.map((f) => ({ ...positions.atPointer(stage.doc, f.pointer, f.field, 'error', f.message), file })));
      if (failed.length) differs = true;
      const target = await stageTarget(stage, stages, targets);
      const pk = target.kind === 'pinned' ? stage.pk : target.kind === 'new' ? undefined : target.pk;
      const diff: StageDiff = diffStage(pk ? { ...stage, pk } : stage, pk ? listing.stage(pk)?.remote : undefined, env, finds);
      if (diff.state !== 'same') differs = true;
      printDiff(file, diff);
      if (target.kind === 'same-name') printLine(`  (a stage of this name exists on ${printable(connection.url)}, but this workspace never synced it: push --adopt takes it)`);
    }
  }
  return differs ? EXIT_FINDINGS : EXIT_OK;
}

export async function runList(connection: Connection, model: string | undefined, search: string | undefined): Promise<number> {
  const rows: Array<{ pk: string; model: string; name: string }> = [];
  if (model) {
    const entry = entryFor(connection, model);
    for (const stage of await connection.client.listAll(entry.apiPath, search ? { search } : {})) rows.push({ pk: stage.pk, model: entry.model, name: stage.name });
  } else {
    for (const stage of await connection.client.allStages(search ? { search } : {})) rows.push({ pk: stage.pk, model: stage.meta_model_name ?? '?', name: stage.name });
  }
  for (const row of rows) printLine(`${row.pk}  ${row.model}  ${row.name}`);
  progress(`list: ${rows.length} stage${rows.length === 1 ? '' : 's'}`);
  return EXIT_OK;
}

/** `formatDiff`'s lines, each printable: the names in it are escaped first, so its only line breaks are its own. */
function printDiff(file: string, diff: StageDiff): void {
  const escaped: StageDiff = {
    ...diff,
    stage: printable(diff.stage),
    model: printable(diff.model),
    pk: diff.pk === undefined ? undefined : printable(diff.pk),
    changes: diff.changes.map((change) => ({ ...change, field: printable(change.field) })),
  };
  for (const line of formatDiff(printable(file), escaped).split('\n')) printLine(line);
}
