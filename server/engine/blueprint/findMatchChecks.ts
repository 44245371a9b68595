/**
 * Connected: each `!Find` of a blueprint resolved against the server's objects as the importer
 * resolves it (the query's first object: nothing is null, several is whichever comes first),
 * wherever it stands — a binding's `target`, `identifiers`, `context:`, inside another tag. The
 * reference fields of stage entries are judged by the stage rules instead (checkReferences, which
 * also knows the type the field takes), so their tags are passed in as already judged.
 */
import { findTagsIn, parseFindTag } from '../references/findTag';
import type { ReferenceIndex } from '../references/referenceIndex';
import type { SchemaCatalog } from '../schema/catalog';
import { judgeFindMatches, type ReferenceFinding } from '../validation/referenceChecks';
import type { BlueprintDocument } from './blueprintDocument';

/** Findings at blueprint pointers; `judged` holds the start offsets of the tags the stage rules checked. */
export function checkBlueprintFinds(bp: BlueprintDocument, catalog: SchemaCatalog, references: ReferenceIndex, judged: ReadonlySet<number>): ReferenceFinding[] {
  const out: ReferenceFinding[] = [];
  const deleting = new Set(bp.entries.filter((e) => e.state === 'absent').map((e) => e.pointer));
  for (const { tag, pointer, field } of findTagsIn(bp.doc.value)) {
    const start = bp.doc.locations.get(pointer)?.value.start;
    if (start !== undefined && judged.has(start)) continue;
    // Only a tag written out in full can be matched offline; the loader's checks report the rest.
    const find = parseFindTag(tag).find;
    if (!find) continue;
    const finding = judgeFindMatches({ pointer, field }, find, references, bp.doc, catalog, 'blueprint').finding;
    if (!finding) continue;
    const entry = [...deleting].find((p) => pointer.startsWith(`${p}/`));
    out.push(entry ? { ...finding, severity: 'warning', message: `${finding.message} This entry deletes, so the import does not fail on it: it deletes what the identifiers then find, if anything.` } : finding);
  }
  return out;
}
