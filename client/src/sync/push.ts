/**
 * Push: a stage file to the server, document by document, safely.
 *
 * Nothing is sent while the file has an error the language server reports, a `!Env` variable
 * is missing or a `!Find` names no single object on the server (the file keeps its tags; the
 * body, the merge and the base hold the pks they resolved to). A document without `pk` is created (POST) and gets its pk written back; one with a
 * pk is merged three ways against the server's current object and the recorded base before it is
 * updated (PUT), so a change made on the server meanwhile is taken into the file, not overwritten;
 * the same field changed on both sides stops the push. The file is rewritten only with what the
 * server accepted.
 */
import type { FileProblem, SchemaCatalog } from '@authentik-stages/engine';
import { AuthentikNotFoundError, AuthentikValidationError } from '../api/errors';
import type { StageObject } from '../api/types';
import { writeFileAtomically } from './atomicWrite';
import type { BaseRecord, BaseStore } from './baseStore';
import { describeStage, FilePositions, localStages, type LocalStage } from './localStage';
import type { FieldConflict } from './merge';
import { decideUpdate } from './updateDecision';
import { comparableFields, normalizeFields, sameValue, type FieldMap } from './normalize';
import { FindResolver, type ResolvedFinds } from './findResolver';
import { resolvedFields, type Environment } from './payload';
import { checkedStage, type StageSource } from './serverStage';
import { parseStageFile, serializeStageFile, setField, type EditableStageFile } from './stageFileIO';
import { readStageText, textToWrite, type StageFileSnapshot } from './stageFileText';
import type { SyncApi } from './syncApi';
import { decideAdopt, identityOf, matchPortable, type AdoptDecision, type PortableMatch } from './portableTarget';
import type { ServerListing } from './serverListing';
import { knownPortable, type StageIdentity } from './syncState';

/** `needs-adopt`: a portable document's name is taken on the server by a stage this workspace never synced with it; nothing was sent. */
export type PushStatus = 'created' | 'updated' | 'unchanged' | 'conflict' | 'rejected' | 'deleted-remotely' | 'needs-adopt' | 'failed';

const SUCCESSFUL: ReadonlySet<PushStatus> = new Set(['created', 'updated', 'unchanged']);

/** Whether the server holds what the file says after a push with this outcome. */
export function isPushSuccess(status: PushStatus): boolean {
  return SUCCESSFUL.has(status);
}

export interface StoredDifference {
  field: string;
  sent: unknown;
  stored: unknown;
}

export interface PushOutcome {
  stage: string;
  /** 0-based position of the document in the file (always set by a push). */
  document?: number;
  model: string;
  pk: string | undefined;
  status: PushStatus;
  /** Fields changed only on the server, taken into the file. */
  merged: string[];
  conflicts: FieldConflict[];
  /** Fields the server stored differently from what was sent. */
  storedDifferently: StoredDifference[];
  /** Conflicting fields overwritten because of `force`. */
  overwritten: string[];
}

export interface PushFileResult {
  file: string;
  outcomes: PushOutcome[];
  /** The validator's errors that blocked the push (the editor shows them already, as the language server's). */
  invalid: FileProblem[];
  /** What the push itself found: missing `!Env` variables, server 400s on their keys, conflicts, failures. */
  problems: FileProblem[];
  rewritten: boolean;
  /** Nothing was sent: the file has errors (validation or missing environment variables). */
  blocked: boolean;
  /** Why the file was not rewritten with what the server accepted (it keeps the bytes it had). */
  writeError?: string;
  /** Stages the server accepted a push of while the file could not be rewritten to show it. */
  unwritten: UnwrittenPush[];
}

/**
 * A stage pushed while its file could not be rewritten (say, it was saved again meanwhile): its
 * pk (not in the file when the push created it) and the base that agrees with the file as it was
 * pushed. Nothing of it is on disk. Passed back as `adopt`, the next push of the same document
 * (a later save) updates that stage against that base, instead of creating the stage twice or
 * seeing its own earlier push as a conflicting change on the server.
 */
export interface UnwrittenPush {
  /** 0-based position of the document in the file. */
  document: number;
  model: string;
  pk: string;
  /** The push created the stage: the file has no pk for it. */
  created: boolean;
  base: BaseRecord;
}

/**
 * The language server's verdict on a file's text (only `documents` when given): the command line
 * passes the engine in its own process (`engineValidator`), the extension asks its language
 * server, so each file is validated once, by the catalog the editor shows.
 */
export type FileValidator = (path: string, text: string, documents: readonly number[] | undefined) => Promise<FileProblem[]>;

export interface PushOptions {
  api: SyncApi;
  catalog: SchemaCatalog;
  validate: FileValidator;
  bases: BaseStore;
  env: Environment;
  /** Overwrite conflicting fields with the file's values (reported). */
  force?: boolean;
  /** Resolve conflicting fields by taking the server's values into the file instead. */
  takeServerOnConflict?: boolean;
  /** Push only these documents (0-based positions in the file); all when absent. */
  documents?: readonly number[];
  /** Shares `!Find` answers across the files of one push (each distinct query asked once); one per file when absent. */
  finds?: FindResolver;
  /** Stages an earlier push could not show in the file (see `UnwrittenPush`). */
  adopt?: readonly UnwrittenPush[];
  /**
   * Push documents without pk as portable (found by name on each server, their pk kept in the
   * sync state, never written into the file). Documents the workspace synced as portable before
   * are portable anyway; without it, the others are new pinned stages (the pk is written back).
   */
  portable?: boolean;
  /**
   * Whether a portable document takes the server's stage of the same name that this workspace
   * never synced with it (see `AdoptDecision`); refused (`needs-adopt`) when absent or false. An
   * adopted stage is merged without a base: fields that differ are conflicts unless `force`.
   */
  adoptSameNamed?: AdoptDecision;
  /**
   * The server's stages of the pushed types, listed once for many files: read instead of one
   * request per stage (a pk the listing's type lacks is deleted); the read-back after a write stays.
   */
  listing?: ServerListing;
  log?: (line: string) => void;
}

/** What a push did that the file must show before it counts: bases wait for the file's write. */
interface PushRound {
  readonly bases: Array<{
    stage: LocalStage;
    /** The base once the file shows the push. */
    record: BaseRecord;
    /** The base agreeing with the file as it was read: the server's fields, except those the file would have taken from it. */
    unwritten: BaseRecord;
    created: boolean;
    /** A portable document's identity on this server, recorded with its base. */
    identity?: StageIdentity;
  }>;
}

export async function pushFile(path: string, options: PushOptions): Promise<PushFileResult> {
  const snapshot = readStageText(path);
  const file = parseStageFile(path, snapshot.text);
  const round: PushRound = { bases: [] };
  const result = await pushContents(file, options, round);
  const settled = finishRound(file, snapshot, result, round, options.bases);
  // What an earlier push left unwritten stays known until a push settles it.
  const open = (options.adopt ?? []).filter((a) => !settled.has(a.document) && !result.unwritten.some((u) => u.document === a.document));
  result.unwritten.unshift(...open);
  return result;
}

/**
 * After the requests: the file is rewritten (atomically, only if it still holds the bytes read)
 * when the server accepted a change that shows in it, and only then are the bases recorded. A
 * file that cannot be written keeps its bytes and its bases; a created stage's pk is reported so
 * it is not lost. Returns the documents whose push the file and the bases now show.
 */
function finishRound(file: EditableStageFile, snapshot: StageFileSnapshot, result: PushFileResult, round: PushRound, bases: BaseStore): Set<number> {
  const positions = new FilePositions(file);
  const settled = new Set<number>();
  if (file.documents.some((d) => d.changed)) {
    try {
      writeFileAtomically(file.path, textToWrite(serializeStageFile(file), snapshot), { expected: snapshot.bytes });
      result.rewritten = true;
    } catch (error) {
      result.writeError = (error as Error).message;
      for (const { stage, record, unwritten, created, identity } of round.bases) {
        if (!stage.doc.changed) continue;
        if (identity) {
          // The pk is not in the file either way: which stage it is holds whatever the file says.
          recordIdentity(bases, identity, stage, result, positions);
          continue;
        }
        result.unwritten.push({ document: stage.doc.index, model: stage.model, pk: record.pk, created, base: unwritten });
        if (created) {
          result.problems.push(
            positions.at(stage.doc, 'model', 'error', `${describeStage(stage)} was created on the server with pk ${record.pk}, but ${result.writeError} Add \`pk: ${record.pk}\` to this document (or pull ${record.pk}) before pushing it again, or it is created twice.`),
          );
        } else {
          result.problems.push(positions.at(stage.doc, 'model', 'error', `${describeStage(stage)} was pushed, but ${result.writeError} The next push or pull takes the server's values into the file.`));
        }
      }
      // Bases of the documents the write would have changed stay as they were: they still agree with the file.
      for (const entry of round.bases.filter((b) => !b.stage.doc.changed)) {
        recordBase(bases, entry, result, positions);
        settled.add(entry.stage.doc.index);
      }
      return settled;
    }
  }
  for (const entry of round.bases) {
    recordBase(bases, entry, result, positions);
    settled.add(entry.stage.doc.index);
  }
  return settled;
}

function recordBase(bases: BaseStore, entry: PushRound['bases'][number], result: PushFileResult, positions: FilePositions): void {
  try {
    bases.set(entry.record);
  } catch (error) {
    result.problems.push(positions.at(entry.stage.doc, 'model', 'warning', `The sync base of ${describeStage(entry.stage)} could not be recorded (${(error as Error).message}); the next push may report conflicts to confirm.`));
  }
  if (entry.identity) recordIdentity(bases, entry.identity, entry.stage, result, positions);
}

function recordIdentity(bases: BaseStore, identity: StageIdentity, stage: LocalStage, result: PushFileResult, positions: FilePositions): void {
  try {
    bases.identities.record(identity);
  } catch (error) {
    result.problems.push(
      positions.at(stage.doc, 'model', 'error', `${describeStage(stage)} is the stage ${identity.pk} on ${bases.serverUrl}, but the sync state ${bases.identities.path} could not be written (${(error as Error).message}): the next push would not know it. Fix the folder and push again (with --adopt for this stage).`),
    );
  }
}

/** Pushes a parsed file; its documents are edited in place (pk, merged fields) but not written. */
async function pushContents(file: EditableStageFile, options: PushOptions, round: PushRound): Promise<PushFileResult> {
  const result: PushFileResult = { file: file.path, outcomes: [], invalid: [], problems: [], rewritten: false, blocked: false, unwritten: [] };
  const prepared = await prepareFile(file, options, result);
  if (!prepared) return result;
  const positions = new FilePositions(file);
  // 3. Document by document: one failing does not stop the others.
  for (const stage of prepared.stages) {
    const outcome = await pushStage(stage, prepared.stages, prepared.bodies.get(stage)!, options, positions, result.problems, round);
    result.outcomes.push(outcome);
    options.log?.(`${file.path}: ${describeStage(stage)} ${outcome.status}`);
  }
  return result;
}

/** What preparing a file for a push (or its plan) needs. */
export type PrepareOptions = Pick<PushOptions, 'api' | 'catalog' | 'validate' | 'env' | 'documents' | 'finds'>;

/**
 * A file's stages and the bodies a push would send, once nothing blocks it: the language
 * server's errors, a `!Find` or `!Env` that does not resolve (they go into `result`, which is
 * then `blocked`, and undefined is returned).
 */
export async function prepareFile(
  file: EditableStageFile,
  options: PrepareOptions,
  result: Pick<PushFileResult, 'file' | 'invalid' | 'problems' | 'blocked'>,
): Promise<{ stages: LocalStage[]; bodies: Map<LocalStage, FieldMap> } | undefined> {
  const positions = new FilePositions(file);
  const selected = (index: number): boolean => !options.documents || options.documents.includes(index);
  // 1. The language server's verdict: any error blocks the whole file (or the documents pushed).
  for (const problem of await options.validate(file.path, file.originalText, options.documents)) {
    if (problem.severity === 'error') result.invalid.push({ ...problem, file: file.path });
  }
  // Documents that are not stages (no model, unknown model, not a mapping) were reported above.
  const stages = localStages(file, options.catalog).stages.filter((stage) => selected(stage.doc.index));

  if (result.invalid.length) {
    result.blocked = true;
    return undefined;
  }

  // 2. Every `!Find` and `!Env` must resolve before anything is sent.
  let finds: ResolvedFinds;
  try {
    finds = await (options.finds ?? new FindResolver(options.api, options.env)).resolveStages(stages);
  } catch (error) {
    // The server could not answer a lookup: nothing of the file is sent.
    for (const stage of stages) result.problems.push(positions.at(stage.doc, 'model', 'error', `${describeStage(stage)} was not pushed: its !Find tags could not be resolved: ${(error as Error).message}`));
    result.blocked = true;
    return undefined;
  }
  const bodies = new Map<LocalStage, FieldMap>();
  for (const stage of stages) {
    const resolved = resolvedFields(stage, options.env, finds);
    for (const problem of resolved.problems) {
      result.problems.push(problem.pointer ? positions.atPointer(stage.doc, problem.pointer, problem.field, 'error', problem.message) : positions.at(stage.doc, problem.field, 'error', problem.message, 'value'));
    }
    bodies.set(stage, resolved.fields);
  }
  // In the file's order, whichever field the schema lists first.
  result.problems.sort((a, b) => a.line - b.line || a.column - b.column);
  if (result.invalid.length || result.problems.some((p) => p.severity === 'error')) {
    result.blocked = true;
    return undefined;
  }
  return { stages, bodies };
}

function newOutcome(stage: LocalStage, status: PushStatus): PushOutcome {
  return { stage: describeStage(stage), document: stage.doc.index, model: stage.model, pk: stage.pk, status, merged: [], conflicts: [], storedDifferently: [], overwritten: [] };
}

/** One document's push: what it needs to know, shared by its steps (create, update, failure). */
interface StagePush {
  readonly stage: LocalStage;
  /** The document as the file has it (no pk when the stage was created by a push the file could not show). */
  readonly local: LocalStage;
  readonly body: FieldMap;
  readonly options: PushOptions;
  readonly positions: FilePositions;
  readonly problems: FileProblem[];
  readonly source: StageSource;
  /** An earlier push of this document the file could not show: its stage, against its base. */
  readonly adopted: UnwrittenPush | undefined;
  readonly round: PushRound;
  /** A portable document: no pk goes into the file; its identity on this server is recorded instead. */
  readonly portable: boolean;
  /** A same-named stage taken for this portable document: merged without a base. */
  readonly adopting: boolean;
}

async function pushStage(local: LocalStage, siblings: readonly LocalStage[], body: FieldMap, options: PushOptions, positions: FilePositions, problems: FileProblem[], round: PushRound): Promise<PushOutcome> {
  const adopted = options.adopt?.find((a) => a.document === local.doc.index && a.model === local.model && (local.pk ? a.pk.toLowerCase() === local.pk.toLowerCase() : a.created));
  const portable = !local.pk && !adopted && isPortable(local, options);
  const stage: LocalStage = adopted && !local.pk ? { ...local, pk: adopted.pk } : local;
  const source = { server: options.bases.serverUrl, endpoint: local.entry.apiPath };
  const push: StagePush = { stage, local, body, options, positions, problems, source, adopted, round, portable, adopting: false };
  try {
    const target = await stageTarget(local, siblings, options, portable);
    if (target.kind === 'pinned') return stage.pk ? await updateStage(push, stage.pk) : await createStage(push);
    if (target.kind === 'new') return await createStage(push);
    const onTarget: StagePush = { ...push, stage: { ...local, pk: target.pk } };
    if (target.kind === 'synced') return await updateStage(onTarget, target.pk);
    const candidate = { file: local.file.path, document: local.doc.index, model: local.model, name: local.name, pk: target.pk, server: options.bases.serverUrl };
    if (await decideAdopt(options.adoptSameNamed, candidate)) return await updateStage({ ...onTarget, adopting: true }, target.pk);
    problems.push(positions.at(local.doc, 'name', 'error', needsAdoptMessage(describeStage(local), target.pk, options.bases.serverUrl), 'value'));
    return { ...newOutcome(local, 'needs-adopt'), pk: target.pk };
  } catch (error) {
    return failedPush(push, error);
  }
}

/** Where a document goes on this server: its own pk (or none yet: a new pinned stage), else what the portable match says. */
export type StageTarget = { kind: 'pinned' } | PortableMatch;

/** The target of a document of a file (`siblings`: the file's stages), for a push and for its plan alike. */
export async function stageTarget(local: LocalStage, siblings: readonly LocalStage[], options: Pick<PushOptions, 'api' | 'bases' | 'listing' | 'portable'>, portable = !local.pk && isPortable(local, options)): Promise<StageTarget> {
  if (!portable) return { kind: 'pinned' };
  return matchPortable(local, siblings, options.bases, (s) => sameNamedStage(s, options));
}

/** Why a portable document was not pushed onto the server's same-named stage, and what to do. */
export function needsAdoptMessage(stage: string, pk: string, server: string): string {
  return `${stage} exists on ${server} (pk ${pk}), but this workspace never synced it with that server: it was not overwritten. Push with --adopt to take that stage for this document (merged without a base: fields that differ are conflicts unless --force), or rename the document.`;
}

function isPortable(stage: LocalStage, options: Pick<PushOptions, 'bases' | 'portable'>): boolean {
  return options.portable === true || knownPortable(options.bases.workspaceRoot, { model: stage.model, name: stage.name, path: stage.file.path, document: stage.doc.index });
}

/** The server's stage named as this document, from the listing, else asked for (a search, compared exactly). */
async function sameNamedStage(stage: LocalStage, options: Pick<PushOptions, 'api' | 'bases' | 'listing'>): Promise<string | undefined> {
  if (stage.name === undefined) return undefined;
  if (options.listing?.covers(stage.model)) return options.listing.named(stage.model, stage.name)?.remote.pk;
  const found = await options.api.listAll<StageObject>(stage.entry.apiPath, { search: stage.name });
  const source = { server: options.bases.serverUrl, endpoint: stage.entry.apiPath };
  return found.map((sent) => checkedStage(sent, source, 'nothing was sent')).find((remote) => remote.name === stage.name)?.pk;
}

/** The base this document's push is merged against: the adopted one, else the recorded one. */
function mergeBase(push: StagePush): BaseRecord | undefined {
  if (push.adopting) return undefined;
  return push.adopted?.base ?? (push.stage.pk ? push.options.bases.get(push.stage.pk) : undefined);
}

/**
 * Notes the base the server's `remote` makes, to be recorded once the file shows the push; with
 * the base that agrees with the file as read, in case it cannot be rewritten (the fields taken
 * from the server are not in it then).
 */
function pendingBase(push: StagePush, remote: StageObject, takenFromServer: readonly string[] = [], created = false): void {
  const { stage } = push;
  const record: BaseRecord = { model: stage.model, pk: remote.pk, recordedAt: new Date().toISOString(), fields: normalizeFields(remote, stage.entry, stage.schema) };
  const unwritten: BaseRecord = { ...record, fields: { ...record.fields } };
  const before = mergeBase(push)?.fields ?? {};
  for (const field of takenFromServer) {
    if (Object.hasOwn(before, field)) unwritten.fields[field] = before[field];
    else delete unwritten.fields[field];
  }
  const identity = push.portable ? identityOf(push.local, remote.pk, push.options.bases) : undefined;
  push.round.bases.push({ stage, record, unwritten, created: created || Boolean(push.adopted?.created && !push.local.pk), ...(identity ? { identity } : {}) });
}

/** POST, then the new pk written back after `model`. */
async function createStage(push: StagePush): Promise<PushOutcome> {
  const { stage, body, options, positions, problems } = push;
  const created = checkedStage(
    await options.api.create(stage.entry.apiPath, body),
    push.source,
    `nothing was written into the file, but the stage may have been created: find it on the server by its name before pushing again`,
  );
  const outcome = newOutcome(stage, 'created');
  outcome.pk = created.pk;
  try {
    if (!push.portable) setField(stage.doc, 'pk', created.pk, 'model');
  } catch (error) {
    problems.push(positions.at(stage.doc, 'model', 'error', `${describeStage(stage)} was created on the server with pk ${created.pk}, but the pk could not be written into the file (${(error as Error).message}). Add \`pk: ${created.pk}\` to this document (or pull ${created.pk}) before pushing it again, or it is created twice.`));
    return outcome;
  }
  pendingBase(push, created, [], true);
  outcome.storedDifferently = storedDifferences(stage, body, created);
  reportStoredDifferences(outcome, stage, positions, problems);
  return outcome;
}

/** The server's object merged three ways with the file and the base; a write only when the file has something the server lacks. */
async function updateStage(push: StagePush, pk: string): Promise<PushOutcome> {
  const { stage, local, body, options, positions, problems } = push;
  const { entry, doc } = stage;
  if (!local.pk && !push.portable) setField(doc, 'pk', pk, 'model');
  let remote = await currentRemote(push, pk);
  let decision = remote && decideUpdate(stage, body, remote, mergeBase(push), options);
  if (remote && decision?.action === 'update' && options.listing?.covers(stage.model)) {
    // A listed stage is as old as the list: what is written is merged with the stage as it is now.
    remote = await fetchedRemote(push, pk);
    decision = remote && decideUpdate(stage, body, remote, mergeBase(push), options);
  }
  if (!remote || !decision) {
    const fix = push.portable ? `remove its entry (pk ${pk}) from ${options.bases.identities.path} to create it anew` : 'remove its pk to create it anew';
    problems.push(positions.at(doc, push.portable ? 'name' : 'pk', 'error', `${describeStage(stage)} (pk ${pk}) was deleted on the server. It is not re-created: ${fix}, or delete the document.`, 'value'));
    return newOutcome(stage, 'deleted-remotely');
  }
  const plan = decision.merge;
  const outcome = newOutcome(stage, 'updated');
  if (decision.action === 'conflict') {
    outcome.status = 'conflict';
    outcome.conflicts = plan.conflicts;
    for (const conflict of plan.conflicts) problems.push(positions.at(doc, conflict.field, 'error', conflictMessage(conflict), 'value'));
    return outcome;
  }
  outcome.overwritten = decision.overwritten;
  // Fields changed only on the server go to the server unchanged and into the file.
  const toSend: FieldMap = { ...body };
  for (const field of Object.keys(plan.takeRemote)) {
    toSend[field] = remote[field];
    setField(doc, field, remote[field]);
    outcome.merged.push(field);
  }
  if (decision.action === 'unchanged') {
    // Nothing of the file's is missing on the server: no request, just a fresh base.
    pendingBase(push, remote, outcome.merged);
    outcome.status = 'unchanged';
    return outcome;
  }
  // PUT demands every required field; a required secret the file leaves out (so the server
  // keeps its value) is only possible with PATCH.
  const missingRequiredSecret = entry.writeOnly.some((field) => entry.required.includes(field) && !Object.hasOwn(toSend, field));
  if (missingRequiredSecret) await options.api.partialUpdate(entry.apiPath, pk, toSend);
  else await options.api.update(entry.apiPath, pk, toSend);
  // The answer to a write is what the serializer saw; a read shows what was really stored.
  const stored = checkedStage(await options.api.retrieve(entry.apiPath, pk), push.source, 'the change was sent, but the file and its sync base were not updated: pull it to see what the server holds', pk);
  pendingBase(push, stored, outcome.merged);
  outcome.storedDifferently = storedDifferences(stage, toSend, stored);
  reportStoredDifferences(outcome, stage, positions, problems);
  return outcome;
}

/** The server's object: from the listing when it covers the type, else fetched; undefined when deleted (404, or not listed). */
async function currentRemote(push: StagePush, pk: string): Promise<StageObject | undefined> {
  const { listing } = push.options;
  if (listing?.covers(push.stage.model)) return listing.stage(pk)?.remote;
  return fetchedRemote(push, pk);
}

/** The server's object, fetched now; undefined on a 404. */
async function fetchedRemote(push: StagePush, pk: string): Promise<StageObject | undefined> {
  try {
    return checkedStage(await push.options.api.retrieve(push.stage.entry.apiPath, pk), push.source, 'nothing was sent', pk);
  } catch (error) {
    if (error instanceof AuthentikNotFoundError) return undefined;
    throw error;
  }
}

/** A push the server refused (400s on their keys) or that failed; the document is left as it was. */
function failedPush(push: StagePush, error: unknown): PushOutcome {
  const { stage, positions, problems } = push;
  const { doc } = stage;
  // Edits made before the failure only count when the server accepted them.
  doc.edits.length = 0;
  if (error instanceof AuthentikValidationError) {
    for (const issue of error.issues) {
      const field = issue.path.length ? String(issue.path[0]) : null;
      const where = issue.path.length > 1 ? `[${issue.path.slice(1).join('][')}] ` : '';
      problems.push(positions.at(doc, field, 'error', `authentik rejected ${field ?? describeStage(stage)}: ${where}${issue.message}`, 'value'));
    }
    if (error.issues.length === 0) problems.push(positions.at(doc, 'model', 'error', `authentik rejected ${describeStage(stage)}: ${error.message}`));
    return newOutcome(stage, 'rejected');
  }
  problems.push(positions.at(doc, 'model', 'error', `${describeStage(stage)} was not pushed: ${(error as Error).message}`));
  return newOutcome(stage, 'failed');
}

function storedDifferences(stage: LocalStage, sent: FieldMap, stored: StageObject): StoredDifference[] {
  const fields = comparableFields(stage.entry).filter((field) => Object.hasOwn(sent, field));
  const sentNormal = normalizeFields(sent, stage.entry, stage.schema, fields);
  const storedNormal = normalizeFields(stored, stage.entry, stage.schema, fields);
  return fields.filter((field) => !sameValue(sentNormal[field], storedNormal[field])).map((field) => ({ field, sent: sent[field], stored: stored[field] }));
}

function reportStoredDifferences(outcome: PushOutcome, stage: LocalStage, positions: FilePositions, problems: FileProblem[]): void {
  for (const difference of outcome.storedDifferently) {
    problems.push(
      positions.at(stage.doc, difference.field, 'warning', `${difference.field}: the server stored ${JSON.stringify(difference.stored)}, not the ${JSON.stringify(difference.sent)} that was sent.`, 'value'),
    );
  }
}

function conflictMessage(conflict: FieldConflict): string {
  const show = (value: unknown): string => (value === undefined ? '(not set)' : JSON.stringify(value));
  if (conflict.unknownBase) {
    return `${conflict.field}: the server has ${show(conflict.remote)}, the file ${show(conflict.local)}, and this workspace has no record of the last sync to tell which changed. Pull to take the server's values, or push with force to overwrite them.`;
  }
  return `${conflict.field}: changed on the server (${show(conflict.base)} → ${show(conflict.remote)}) and in the file (→ ${show(conflict.local)}) since the last pull or push. Pull to take the server's value, edit, or push with force to overwrite it.`;
}
