/**
 * Pull: stages from the server into stage files. A stage already in a file of the target folder
 * (found by its pk) is updated in place, comments and all; a new one gets a file named after it
 * that never takes another stage's file. Read-only fields and secrets are never written.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { relative } from 'node:path';
import { isFindTag, isPlainObject, type ModelIndexEntry, type ObjectIndex, type SchemaCatalog } from '@authentik-stages/engine';
import type { StageObject } from '../api/types';
import { writeFileAtomically } from './atomicWrite';
import type { BaseRecord, BaseStore } from './baseStore';
import { pathInside, stageFileName } from './naming';
import { comparableFields, normalizeFields } from './normalize';
import { checkedStage } from './serverStage';
import { parseStageFile, renderNewDocument, serializeStageFile, setField, type EditableStageFile, type EditableDocument } from './stageFileIO';
import { readStageText, textToWrite, type StageFileSnapshot } from './stageFileText';
import type { Environment } from './payload';
import { noKeptPks, writeReferences, type KeptPks, type ReferenceStyle } from './pullReferences';
import type { StageIdentity } from './syncState';

export interface PulledStage {
  pk: string;
  model: string;
  name: string;
  /** Path of the file written, relative to the folder pulled into. */
  file: string;
  action: 'created' | 'updated' | 'unchanged';
}

/** A stage that was not written, and why. */
export interface PullProblem {
  /** The stage's pk, when the server sent a valid one. */
  pk: string | undefined;
  model: string;
  message: string;
}

export interface PullResult {
  pulled: PulledStage[];
  problems: PullProblem[];
  /** References written as pks although `references: 'find'` asked for tags, by why. */
  keptPks: KeptPks;
}

export interface PullOptions {
  catalog: SchemaCatalog;
  bases: BaseStore;
  /** Folder the files go to. */
  outDir: string;
  format: 'yaml' | 'json';
  /** How reference fields are written: pks (default) or `!Find` by the target's natural key. */
  references?: ReferenceStyle;
  /**
   * The server's objects of the targets (see `pullTargetModels`): needed for `references: 'find'`;
   * with it, a `!Find` a file already holds is kept wherever it still names the server's object.
   */
  index?: ObjectIndex;
  /** For `!Env` values inside a file's `!Find` tags. */
  env?: Environment;
  /**
   * Write portable files: no pk (each server's pk is kept in the sync state, see syncState.ts);
   * a stage already in a portable file of the folder (by the sync state) is updated in place.
   */
  portable?: boolean;
}

/** The file view of a remote object: model, pk, name, then the schema's writable, non-secret fields. */
export function fileObject(remote: StageObject, entry: ModelIndexEntry, portable = false): Record<string, unknown> {
  const object: Record<string, unknown> = portable ? { model: entry.model } : { model: entry.model, pk: remote.pk };
  if ('name' in remote) object['name'] = remote.name;
  for (const field of comparableFields(entry)) {
    if (field !== 'name' && Object.hasOwn(remote, field)) object[field] = remote[field];
  }
  return object;
}

interface Located {
  file: EditableStageFile;
  snapshot: StageFileSnapshot;
  doc: EditableDocument;
}

/** Stage files already in the folder, by the pk of each document (a portable document's: by this server's sync state). */
function indexFolder(dir: string, bases?: BaseStore): Map<string, Located> {
  const found = new Map<string, Located>();
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir)) {
    if (!/\.stage\.(ya?ml|json)$/i.test(name)) continue;
    let snapshot: StageFileSnapshot;
    let file: EditableStageFile;
    try {
      snapshot = readStageText(pathInside(dir, name));
      file = parseStageFile(snapshot.path, snapshot.text);
    } catch {
      continue;
    }
    for (const doc of file.documents) {
      const value = doc.stage.value;
      if (isPlainObject(value) && typeof value['pk'] === 'string') found.set(value['pk'].toLowerCase(), { file, snapshot, doc });
      else if (bases && isPlainObject(value) && typeof value['model'] === 'string') {
        const identity = bases.identities.find({ model: value['model'], name: typeof value['name'] === 'string' ? value['name'] : undefined, path: file.path, document: doc.index });
        if (identity && !found.has(identity.pk)) found.set(identity.pk, { file, snapshot, doc });
      }
    }
  }
  return found;
}

/** The stage file of the folder holding the stage `pk`, and the document (0-based) that holds it. */
export function findStageFile(dir: string, pk: string): { path: string; document: number } | undefined {
  const located = indexFolder(dir).get(pk.toLowerCase());
  return located ? { path: located.file.path, document: located.doc.index } : undefined;
}

/**
 * Whether a pull of these stages into `dir` needs the index of their targets: `!Find` asked for,
 * or a file of the folder already holding a `!Find` for one of them (kept where it still names
 * the server's object, which only the index tells).
 */
export function pullNeedsIndex(dir: string, pks: Iterable<string>, references: ReferenceStyle): boolean {
  if (references === 'find') return true;
  const files = indexFolder(dir);
  for (const pk of pks) {
    const values = files.get(pk.toLowerCase())?.doc.stage.value;
    if (isPlainObject(values) && Object.values(values).some((value) => isFindTag(value) || (Array.isArray(value) && value.some(isFindTag)))) return true;
  }
  return false;
}

/** A stage pulled into a file that is yet to be written: its result and base wait for the write. */
interface PendingStage {
  result: PulledStage;
  base: BaseRecord;
  /** A portable file's document: its identity on this server, recorded with the base. */
  identity?: StageIdentity;
}

/** One pull's state: the folder's stage files by pk, the files being edited, what was pulled and went wrong. */
interface PullRun {
  readonly options: PullOptions;
  readonly existing: Map<string, Located>;
  readonly touched: Map<EditableStageFile, { snapshot: StageFileSnapshot; stages: PendingStage[] }>;
  readonly result: PullResult;
  readonly seen: Set<string>;
}

/**
 * Writes stages into files of the folder. What the server sent is checked first; a stage that
 * cannot be written safely is reported and the others go on. Each file is written atomically,
 * an existing one only while it holds the bytes read, and a stage's base is recorded only once
 * its file is written.
 */
export function writePulledStages(remotes: Array<{ remote: StageObject; entry: ModelIndexEntry }>, options: PullOptions): PullResult {
  mkdirSync(options.outDir, { recursive: true });
  const run: PullRun = {
    options,
    existing: indexFolder(options.outDir, options.portable ? options.bases : undefined),
    touched: new Map(),
    result: { pulled: [], problems: [], keptPks: noKeptPks() },
    seen: new Set(),
  };
  for (const { remote, entry } of remotes) pullStage(run, remote, entry);
  for (const [file, { snapshot, stages }] of run.touched) {
    try {
      const text = serializeStageFile(file);
      if (text !== file.originalText) writeFileAtomically(file.path, textToWrite(text, snapshot), { expected: snapshot.bytes });
    } catch (error) {
      for (const { result } of stages) run.result.problems.push({ pk: result.pk, model: result.model, message: `${result.pk} (${result.model}) was not written into ${result.file}: ${(error as Error).message}` });
      continue;
    }
    for (const stage of stages) recordPulled(run, stage);
  }
  return run.result;
}

/** One stage from the server: checked, then edited into its file (written at the end) or written to a new one. */
function pullStage(run: PullRun, sent: StageObject, entry: ModelIndexEntry): void {
  const { options, result } = run;
  let remote: StageObject;
  try {
    remote = checkedStage(sent, { server: options.bases.serverUrl, endpoint: entry.apiPath }, 'nothing was written for it');
  } catch (error) {
    result.problems.push({ pk: undefined, model: entry.model, message: (error as Error).message });
    return;
  }
  const key = remote.pk.toLowerCase();
  if (run.seen.has(key)) {
    result.problems.push({ pk: remote.pk, model: entry.model, message: `the server ${options.bases.serverUrl} sent the stage ${remote.pk} of ${entry.apiPath} twice; it was written once.` });
    return;
  }
  run.seen.add(key);
  const located = run.existing.get(key);
  const object = fileObject(remote, entry, options.portable);
  const fileValues = located && isPlainObject(located.doc.stage.value) ? located.doc.stage.value : undefined;
  writeReferences(object, entry.model, {
    style: options.references ?? 'pk',
    index: options.index,
    json: located ? located.file.language === 'json' : options.format === 'json',
    kept: result.keptPks,
    ...(fileValues ? { fileValues } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  const base: BaseRecord = { model: entry.model, pk: remote.pk, recordedAt: new Date().toISOString(), fields: normalizeFields(remote, entry, options.catalog.schema(entry.model)!) };
  const pending = (file: string, action: PulledStage['action'], path: string, document: number): PendingStage => {
    const identity: StageIdentity | undefined = options.portable ? { pk: remote.pk, model: entry.model, name: remote.name, file: options.bases.identities.relativePath(path), document } : undefined;
    return { result: { pk: remote.pk, model: entry.model, name: remote.name, file, action }, base, ...(identity ? { identity } : {}) };
  };
  try {
    if (located) {
      editInPlace(located, object);
      const stages = run.touched.get(located.file) ?? { snapshot: located.snapshot, stages: [] };
      run.touched.set(located.file, stages);
      stages.stages.push(pending(relative(options.outDir, located.file.path), located.doc.changed ? 'updated' : 'unchanged', located.file.path, located.doc.index));
    } else {
      const fileName = stageFileName(remote.name, remote.pk, options.format, (name) => existsSync(pathInside(options.outDir, name)) || result.pulled.some((r) => r.file === name));
      writeFileAtomically(pathInside(options.outDir, fileName), renderNewDocument(object, options.format), { expected: 'absent' });
      recordPulled(run, pending(fileName, 'created', pathInside(options.outDir, fileName), 0));
    }
  } catch (error) {
    result.problems.push({ pk: remote.pk, model: entry.model, message: `${remote.pk} (${entry.model}) was not written: ${(error as Error).message}` });
  }
}

/** The server's values set into the stage's document; on a failure, this stage's edits are dropped (the file's other stages stay). */
function editInPlace(located: Located, object: Record<string, unknown>): void {
  const before = located.doc.edits.length;
  try {
    for (const [field, value] of Object.entries(object)) {
      if (field !== 'pk') setField(located.doc, field, value);
    }
  } catch (error) {
    located.doc.edits.length = before;
    throw error;
  }
}

/** A stage whose file was written: its base and (portable) identity recorded, a failure to record reported. */
function recordPulled(run: PullRun, pending: PendingStage): void {
  const { options, result } = run;
  try {
    options.bases.set(pending.base);
  } catch (error) {
    result.problems.push({ pk: pending.result.pk, model: pending.result.model, message: `${pending.result.file} was written, but the sync base of ${pending.result.pk} could not be recorded: ${(error as Error).message}` });
  }
  try {
    if (pending.identity) options.bases.identities.record(pending.identity);
  } catch (error) {
    result.problems.push({ pk: pending.result.pk, model: pending.result.model, message: `${pending.result.file} was written, but the sync state ${options.bases.identities.path} could not record it: ${(error as Error).message}` });
  }
  result.pulled.push(pending.result);
}
