/** The blueprint entry at a place, its model's schema, and its body seen as a stage file (what the stage features read). */
import type { BlueprintDocument, BlueprintEntry } from '../../blueprint/blueprintDocument';
import { resolveBlueprintModel } from '../../blueprint/blueprintModels';
import { entryBodyDocument } from '../../blueprint/entryBody';
import type { SchemaCatalog } from '../../schema/catalog';
import type { ModelIndexEntry } from '../../schema/types';
import type { StageDocument } from '../../document/stageDocument';
import { StageFile } from '../stageFile';

/** The entry holding `offset`; at the end of an entry (a line being typed after it), that entry. */
export function entryAt(bp: BlueprintDocument, offset: number): BlueprintEntry | undefined {
  let last: BlueprintEntry | undefined;
  for (const entry of bp.entries) {
    if (entry.span.start > offset) break;
    last = entry;
  }
  if (!last || offset <= last.span.end) return last;
  // Past its end, still the entry's while no line at the top level came between.
  return /\n\S/.test(bp.doc.text.slice(last.span.end, offset)) ? undefined : last;
}

/** The schema of the entry's model, when the catalog has one. */
export function entrySchema(entry: BlueprintEntry, catalog: SchemaCatalog): ModelIndexEntry | undefined {
  if (entry.model === undefined) return undefined;
  const model = resolveBlueprintModel(entry.model, catalog);
  return model.kind === 'schema' ? model.entry : undefined;
}

/** A model's title ("Flow", "Password Stage"), else its name as written. */
export function modelTitleOf(model: string | undefined, catalog: SchemaCatalog): string {
  if (model === undefined) return 'object';
  const resolved = resolveBlueprintModel(model, catalog);
  return resolved.kind === 'schema' ? resolved.entry.title : model;
}

/**
 * The entry's body (identifiers over attrs) as a stage document, and the offset its spans count
 * from: an entry parsed on its own (a part) is read alone, without the file's other entries.
 */
export function entryBody(bp: BlueprintDocument, entry: BlueprintEntry, model: ModelIndexEntry): { doc: StageDocument; offset: number } {
  const part = bp.parts?.[entry.index];
  const own = part?.entry.entries[0];
  return part && own ? { doc: entryBodyDocument(part.entry, own, model), offset: part.start } : { doc: entryBodyDocument(bp, entry, model), offset: 0 };
}

/** The entry's body as a one-document file: the stage features work on it unchanged. */
export function entryBodyFile(file: StageFile, bp: BlueprintDocument, entry: BlueprintEntry, model: ModelIndexEntry): StageFile {
  const { doc, offset } = entryBody(bp, entry, model);
  return new StageFile(file.text, 'yaml', [{ offset, doc, diagnostics: [] }], file.references);
}
