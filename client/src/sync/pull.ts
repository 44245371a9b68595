/**
 * Pull: stages from the server into stage files. A stage already in a file of the target folder
 * (found by its pk) is updated in place, comments and all; a new one gets a file named after it
 * that never takes another stage's file. Read-only fields and secrets are never written.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isPlainObject, type ModelIndexEntry, type SchemaCatalog } from '@authentik-stages/engine';
import type { StageObject } from '../api/types';
import type { BaseStore } from './baseStore';
import { stageFileName } from './naming';
import { comparableFields, normalizeFields } from './normalize';
import { parseStageFile, renderNewDocument, serializeStageFile, setField, type StageFileContents, type StageFileDocument } from './stageFileIO';

export interface PulledStage {
  pk: string;
  model: string;
  name: string;
  /** Path of the file written, relative to the folder pulled into. */
  file: string;
  action: 'created' | 'updated' | 'unchanged';
}

export interface PullOptions {
  catalog: SchemaCatalog;
  bases: BaseStore;
  /** Folder the files go to. */
  outDir: string;
  format: 'yaml' | 'json';
}

/** The file view of a remote object: model, pk, name, then the schema's writable, non-secret fields. */
export function fileObject(remote: StageObject, entry: ModelIndexEntry): Record<string, unknown> {
  const object: Record<string, unknown> = { model: entry.model, pk: remote.pk };
  if ('name' in remote) object['name'] = remote.name;
  for (const field of comparableFields(entry)) {
    if (field !== 'name' && Object.hasOwn(remote, field)) object[field] = remote[field];
  }
  return object;
}

interface Located {
  file: StageFileContents;
  doc: StageFileDocument;
}

/** Stage files already in the folder, by the pk of each document. */
function indexFolder(dir: string): Map<string, Located> {
  const found = new Map<string, Located>();
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir)) {
    if (!/\.stage\.(ya?ml|json)$/i.test(name)) continue;
    const path = join(dir, name);
    let file: StageFileContents;
    try {
      file = parseStageFile(path, readFileSync(path, 'utf8'));
    } catch {
      continue;
    }
    for (const doc of file.documents) {
      const value = doc.stage.value;
      if (isPlainObject(value) && typeof value['pk'] === 'string') found.set(value['pk'].toLowerCase(), { file, doc });
    }
  }
  return found;
}

export function writePulledStages(remotes: Array<{ remote: StageObject; entry: ModelIndexEntry }>, options: PullOptions): PulledStage[] {
  mkdirSync(options.outDir, { recursive: true });
  const existing = indexFolder(options.outDir);
  const touched = new Set<StageFileContents>();
  const results: PulledStage[] = [];
  const taken = (fileName: string): boolean => existsSync(join(options.outDir, fileName)) || results.some((r) => r.file === fileName);

  for (const { remote, entry } of remotes) {
    const object = fileObject(remote, entry);
    const located = existing.get(remote.pk.toLowerCase());
    if (located) {
      for (const [field, value] of Object.entries(object)) {
        if (field !== 'pk') setField(located.doc, field, value);
      }
      touched.add(located.file);
      results.push({ pk: remote.pk, model: entry.model, name: remote.name, file: relative(options.outDir, located.file.path), action: located.doc.changed ? 'updated' : 'unchanged' });
    } else {
      const fileName = stageFileName(remote.name, remote.pk, options.format, taken);
      writeFileSync(join(options.outDir, fileName), renderNewDocument(object, options.format));
      results.push({ pk: remote.pk, model: entry.model, name: remote.name, file: fileName, action: 'created' });
    }
    options.bases.set({ model: entry.model, pk: remote.pk, recordedAt: new Date().toISOString(), fields: normalizeFields(remote, entry, options.catalog.schema(entry.model)!) });
  }
  for (const file of touched) {
    const text = serializeStageFile(file);
    if (text !== file.originalText) writeFileSync(file.path, text);
  }
  return results;
}
