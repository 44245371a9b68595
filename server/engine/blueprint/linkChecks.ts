/**
 * `!KeyOf` as the importer resolves it: entries are applied in order, and `!KeyOf x` yields the pk
 * of the object saved by the first entry with id `x` that saved one. A later or unknown id fails
 * the import; so does one whose entries delete (absent) rather than save.
 */
import { closestMatch } from '../util/closest';
import type { BlueprintDocument, BlueprintEntry } from './blueprintDocument';
import { entryLinks, type KeyOfReference } from './entryIds';
import type { DiagnosticSink } from './validateBlueprint';

export function checkEntryLinks(bp: BlueprintDocument, sink: DiagnosticSink): void {
  const links = entryLinks(bp);
  const byId = new Map<string, BlueprintEntry[]>();
  for (const { id, entry } of links.ids) {
    const list = byId.get(id);
    if (list) list.push(entry);
    else byId.set(id, [entry]);
  }
  const allIds = [...byId.keys()];
  const conditions = new ConditionsText();
  for (const ref of links.references) {
    const problem = linkProblem(ref, byId.get(ref.id) ?? [], allIds, conditions);
    if (!problem) continue;
    // An entry that deletes is skipped when its tags fail: the import goes on.
    const skipped = ref.entry.state === 'absent';
    const severity = problem.severity === 'error' && !skipped ? 'error' : 'warning';
    sink.add(ref.tagSpan, severity, 'key-of', `${problem.message}${skipped && problem.severity === 'error' ? ' This entry deletes, so the importer skips it instead of failing.' : ''}`, problem.fix);
  }
}

interface LinkProblem {
  severity: 'error' | 'warning';
  message: string;
  fix?: { kind: 'replace-span'; start: number; end: number; text: string; title: string };
}

function linkProblem(ref: KeyOfReference, targets: readonly BlueprintEntry[], allIds: readonly string[], conditions: ConditionsText): LinkProblem | undefined {
  const earlier = targets.filter((t) => t.index < ref.entry.index);
  if (targets.length === 0) {
    const suggestion = closestMatch(ref.id, allIds);
    return {
      severity: 'error',
      message: `!KeyOf ${ref.id}: no entry has the id "${ref.id}"; the import fails ("failed to find entry with id").${suggestion ? ` Did you mean ${suggestion}?` : ''}`,
      ...(suggestion ? { fix: { kind: 'replace-span' as const, start: ref.span.start, end: ref.span.end, text: suggestion, title: `Change to ${suggestion}` } } : {}),
    };
  }
  if (earlier.length === 0) {
    const target = targets[0]!;
    const where = target === ref.entry ? 'is this entry itself' : `is entry ${target.index + 1}, after this one (${ref.entry.index + 1})`;
    return { severity: 'error', message: `!KeyOf ${ref.id}: the entry with this id ${where}; the importer applies entries in order, so it has saved nothing yet and the import fails. Move that entry above this one.` };
  }
  const saving = earlier.filter((t) => t.state !== 'absent');
  if (saving.length === 0) {
    return { severity: 'error', message: `!KeyOf ${ref.id}: entry ${earlier[0]!.index + 1} deletes its object (state: absent), so there is no pk to take and the import fails.` };
  }
  const target = saving[0]!;
  const targetConditions = conditions.of(target);
  if (targetConditions && targetConditions !== conditions.of(ref.entry)) {
    return { severity: 'warning', message: `!KeyOf ${ref.id}: entry ${target.index + 1} has conditions this entry does not share; when they are false it is skipped and this !KeyOf fails the import.` };
  }
  return undefined;
}

/** An entry's conditions as comparable text, each entry's written once. */
class ConditionsText {
  private readonly texts = new Map<BlueprintEntry, string | undefined>();

  of(entry: BlueprintEntry): string | undefined {
    if (!this.texts.has(entry)) {
      const conditions = entry.fields?.['conditions'];
      this.texts.set(entry, Array.isArray(conditions) && conditions.length > 0 ? JSON.stringify(conditions) : undefined);
    }
    return this.texts.get(entry);
  }
}
