/**
 * The plan of a push, and the push of many files that follows it. The plan reads one list per
 * stage type of the files (see ServerListing) and decides, per document and server, what a push
 * does — create, update (which fields, old → new), unchanged, conflict, adopt, deleted on the
 * server, blocked — with the same decisions the push makes (`stageTarget`, `decideUpdate`), and
 * writes nothing: no file, no base, no sync state, no request but reads.
 *
 * `pushFiles` pushes what the plan says changes (files a few at a time), and takes the others
 * as unchanged without a request: that is what makes a folder of hundreds of unchanged files cost
 * one list per type.
 */
import type { FileProblem } from '@authentik-stages/engine';
import type { BaseStore } from './baseStore';
import { FindResolver } from './findResolver';
import { describeStage, localStages, type LocalStage } from './localStage';
import type { FieldConflict } from './merge';
import { normalizeFields, sameValue } from './normalize';
import { identityOf } from './portableTarget';
import { prepareFile, pushFile, stageTarget, type PushFileResult, type PushOptions, type PushOutcome } from './push';
import { ServerListing } from './serverListing';
import { parseStageFile, type EditableStageFile } from './stageFileIO';
import { readStageText } from './stageFileText';
import { decideUpdate } from './updateDecision';

export type PlanAction = 'create' | 'update' | 'unchanged' | 'conflict' | 'adopt' | 'deleted-on-server' | 'blocked';

export interface PlannedChange {
  field: string;
  /** The server's value (undefined: not set). */
  old: unknown;
  /** The value the push sends (a `!Find` as the pk it resolved to). */
  new: unknown;
}

export interface PlannedStage {
  file: string;
  /** 0-based position of the document in the file. */
  document: number;
  /** As messages name it (see `describeStage`). */
  stage: string;
  model: string;
  name: string | undefined;
  /** No pk in the file: found on this server through the sync state (or by name, to adopt). */
  portable: boolean;
  /** The stage's pk on this server; undefined for a create. */
  pk: string | undefined;
  action: PlanAction;
  /** update (and adopt): the fields the file sends over the server's values. */
  changes: PlannedChange[];
  /** Fields changed only on the server since the last sync: the push takes them into the file. */
  takenFromServer: string[];
  /** conflict (and adopt, when adopting would conflict): what stops it; `force` overwrites them. */
  conflicts: FieldConflict[];
  /** adopt: what taking the same-named stage does (with `adoptSameNamed`): base-less, so differences are conflicts unless `force`. */
  adoptThen?: 'update' | 'unchanged' | 'conflict';
}

export interface PlannedFile {
  file: string;
  /** Nothing of it would be sent: `problems` say why (validation, `!Env`, `!Find`). */
  blocked: boolean;
  problems: FileProblem[];
  stages: PlannedStage[];
}

export interface PushPlan {
  server: string;
  files: PlannedFile[];
}

export type PlanOptions = Omit<PushOptions, 'documents' | 'adopt' | 'log' | 'adoptSameNamed'>;

/** Files prepared at once (validation and `!Find` lookups are asynchronous). */
const FILES_AT_ONCE = 8;
/** Files pushed at once: bounded writes. */
const WRITES_AT_ONCE = 4;

interface ReadFile {
  path: string;
  file: EditableStageFile | undefined;
  readError?: string;
}

async function inPool<T>(items: readonly T[], size: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

function readFiles(paths: readonly string[]): ReadFile[] {
  return paths.map((path) => {
    try {
      return { path, file: parseStageFile(path, readStageText(path).text) };
    } catch (error) {
      return { path, file: undefined, readError: (error as Error).message };
    }
  });
}

/** The server's stages of every type the files hold, from one list per type. */
async function listingFor(files: readonly ReadFile[], options: PlanOptions): Promise<ServerListing> {
  if (options.listing) return options.listing;
  const entries = files.flatMap((f) => (f.file ? localStages(f.file, options.catalog).stages.map((s) => s.entry) : []));
  return ServerListing.load(options.api, entries);
}

/** What a push of `files` (absolute paths) would do on `options.api`'s server; nothing is written, only reads are sent. */
export async function planPush(files: readonly string[], options: PlanOptions): Promise<PushPlan> {
  return (await planFiles(readFiles(files), options)).plan;
}

/** The plan, and the document each planned stage is (for the push that follows it). */
async function planFiles(read: readonly ReadFile[], options: PlanOptions): Promise<{ plan: PushPlan; locals: Map<PlannedStage, LocalStage>; listing: ServerListing }> {
  const listing = await listingFor(read, options);
  const locals = new Map<PlannedStage, LocalStage>();
  const finds = options.finds ?? new FindResolver(options.api, options.env);
  const planned: PlannedFile[] = new Array<PlannedFile>(read.length);
  await inPool(read, FILES_AT_ONCE, async ({ path, file, readError }, index) => {
    const result: PlannedFile = { file: path, blocked: false, problems: [], stages: [] };
    planned[index] = result;
    if (!file) {
      result.blocked = true;
      result.problems.push({ file: path, line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', message: readError ?? 'The file could not be read.', field: null });
      return;
    }
    const problems = { file: path, invalid: [] as FileProblem[], problems: [] as FileProblem[], blocked: false };
    const prepared = await prepareFile(file, { ...options, finds }, problems);
    result.problems.push(...problems.invalid, ...problems.problems);
    if (!prepared) {
      result.blocked = true;
      return;
    }
    for (const stage of prepared.stages) {
      const plannedStage = await planStage(stage, prepared.stages, prepared.bodies.get(stage)!, { ...options, listing });
      locals.set(plannedStage, stage);
      result.stages.push(plannedStage);
    }
  });
  return { plan: { server: options.bases.serverUrl, files: planned }, locals, listing };
}

async function planStage(stage: LocalStage, siblings: readonly LocalStage[], body: Record<string, unknown>, options: PlanOptions & { listing: ServerListing }): Promise<PlannedStage> {
  const target = await stageTarget(stage, siblings, options);
  const planned: PlannedStage = {
    file: stage.file.path,
    document: stage.doc.index,
    stage: describeStage(stage),
    model: stage.model,
    name: stage.name,
    portable: target.kind !== 'pinned',
    pk: target.kind === 'pinned' ? stage.pk : target.kind === 'new' ? undefined : target.pk,
    action: 'create',
    changes: [],
    takenFromServer: [],
    conflicts: [],
  };
  if (!planned.pk) return planned;
  const remote = options.listing.stage(planned.pk)?.remote;
  if (!remote) return { ...planned, action: 'deleted-on-server' };
  const adopting = target.kind === 'same-name';
  const decision = decideUpdate(stage, body, remote, adopting ? undefined : options.bases.get(planned.pk), options);
  const serverValues = normalizeFields(remote, stage.entry, stage.schema);
  const sent = { ...decision.merge.push };
  for (const field of decision.overwritten) sent[field] = decision.merge.conflicts.find((c) => c.field === field)?.local;
  planned.changes = Object.entries(sent).map(([field, value]) => ({ field, old: serverValues[field], new: value }));
  if (decision.sendsSecret) for (const field of stage.entry.writeOnly.filter((f) => Object.hasOwn(body, f))) planned.changes.push({ field, old: undefined, new: '(secret, sent)' });
  planned.takenFromServer = Object.keys(decision.merge.takeRemote);
  planned.conflicts = decision.action === 'conflict' ? decision.merge.conflicts : [];
  if (adopting) return { ...planned, action: 'adopt', adoptThen: decision.action };
  return { ...planned, action: decision.action };
}

export interface PushFilesResult {
  plan: PushPlan;
  /** One per file, in the order given: what `pushFile` says (unchanged files: without a request). */
  results: PushFileResult[];
}

/**
 * Pushes many files from one plan: files the plan finds unchanged are not pushed (their bases
 * and sync state are brought up to date, without a request); the others go through `pushFile`
 * with the plan's listing, a few at a time, each write read back as always.
 */
export async function pushFiles(files: readonly string[], options: Omit<PushOptions, 'documents' | 'log'>): Promise<PushFilesResult> {
  const finds = options.finds ?? new FindResolver(options.api, options.env);
  const { plan, locals, listing } = await planFiles(readFiles(files), { ...options, finds });
  const shared = { ...options, listing, finds };
  const results: PushFileResult[] = new Array<PushFileResult>(plan.files.length);
  await inPool(plan.files, WRITES_AT_ONCE, async (planned, index) => {
    const quiet = planned.blocked ? [] : planned.stages.filter((s) => isQuiet(s));
    const loud = planned.stages.filter((s) => !quiet.includes(s)).map((s) => s.document);
    const settled = quiet.map((s) => settleUnchanged(s, locals.get(s)!, options.bases, listing));
    if (planned.blocked || loud.length) {
      const result = await pushFile(planned.file, { ...shared, ...(planned.blocked ? {} : { documents: loud }) });
      result.outcomes = [...result.outcomes, ...settled].sort((a, b) => (a.document ?? 0) - (b.document ?? 0));
      results[index] = result;
    } else {
      results[index] = { file: planned.file, outcomes: settled, invalid: [], problems: [], rewritten: false, blocked: false, unwritten: [] };
    }
  });
  return { plan, results };
}

/** Nothing to send and nothing to take into the file. */
function isQuiet(stage: PlannedStage): boolean {
  return stage.action === 'unchanged' && stage.takenFromServer.length === 0;
}

/** An unchanged stage's outcome; its base (and a portable document's identity) recorded if they were not already. */
function settleUnchanged(planned: PlannedStage, stage: LocalStage, bases: BaseStore, listing: ServerListing): PushOutcome {
  const outcome: PushOutcome = { stage: planned.stage, document: planned.document, model: planned.model, pk: planned.pk, status: 'unchanged', merged: [], conflicts: [], storedDifferently: [], overwritten: [] };
  const remote = planned.pk ? listing.stage(planned.pk)?.remote : undefined;
  if (!remote) return outcome;
  try {
    const fields = normalizeFields(remote, stage.entry, stage.schema);
    const base = bases.get(remote.pk);
    if (!base || !sameValue(base.fields, fields)) bases.set({ model: stage.model, pk: remote.pk, recordedAt: new Date().toISOString(), fields });
    if (planned.portable) {
      const identity = identityOf(stage, remote.pk, bases);
      const known = bases.identities.byPk(remote.pk);
      if (!known || known.file !== identity.file || known.document !== identity.document || known.name !== identity.name) bases.identities.record(identity);
    }
  } catch {
    // A base that cannot be recorded only means the next push may ask to confirm conflicts.
  }
  return outcome;
}
