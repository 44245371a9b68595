/**
 * The checks of a document's reference fields. Offline: a `!Find`'s shape, that its model is one
 * the field takes and that its fields exist (never that a pk names nothing: without the server's
 * objects nothing can be known). With the server's objects (a ReferenceIndex): a pk naming nothing
 * or an object of another model, a `!Find` matching nothing or several objects, a new stage's name
 * already taken — in DRF's words where the server has words.
 */
import type { StageDocument } from '../document/stageDocument';
import { isPlainObject, TaggedValue } from '../document/tags';
import { checkFind, fieldAcceptsObject, parseFindTag, type FindProblem, type FindQuery } from '../references/findTag';
import { targetModel, type FieldReference } from '../references/lookup';
import type { IndexedObject } from '../references/objectIndex';
import type { ReferenceIndex } from '../references/referenceIndex';
import { modelTitle, referenceValuesOf, withArticle, type ReferenceValue } from '../references/referenceValues';
import { STAGE_MODELS, STAGE_NAME_TAKEN } from '../references/table';
import type { SchemaCatalog } from '../schema/catalog';
import { closestMatch } from '../util/closest';
import type { DiagnosticCode, FixData, Severity } from './diagnostics';
import { canonicalUuid } from './python';

export interface ReferenceFinding {
  /** The node to mark. */
  readonly pointer: string;
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly field: string;
  readonly fix?: FixData;
}

/** DRF's PrimaryKeyRelatedField, in its words. */
export function pkDoesNotExist(pk: string): string {
  return `Invalid pk "${pk}" - object does not exist.`;
}

/** A stage file is pushed through the API; a blueprint entry is applied by authentik's importer. */
export type ReferenceContext = 'stage-file' | 'blueprint';

export function checkReferences(doc: StageDocument, catalog: SchemaCatalog, index: ReferenceIndex | undefined, context: ReferenceContext = 'stage-file'): ReferenceFinding[] {
  const out: ReferenceFinding[] = [];
  for (const ref of referenceValuesOf(doc)) {
    if (ref.value instanceof TaggedValue) {
      const find = checkFindValue(ref, out);
      if (find && index) checkFindMatches(ref, find, index, doc, catalog, out, context);
    } else if (index) {
      checkPk(ref, ref.value, index, catalog, out);
    }
  }
  // A blueprint entry finds its object by its identifiers, not by the stage's name.
  if (index && context === 'stage-file') checkStageName(doc, catalog, index, out);
  return out;
}

/** The tag's own problems (shape, target, fields); the query when it has none. */
function checkFindValue(ref: ReferenceValue, out: ReferenceFinding[]): FindQuery | undefined {
  const tag = ref.value as TaggedValue;
  const report = (problems: readonly FindProblem[]): void => {
    for (const p of problems) out.push({ pointer: [ref.pointer, ...p.path].join('/'), severity: p.severity, code: 'find', message: `${ref.field}: ${p.message}`, field: ref.field });
  };
  if (ref.reference.many && !ref.item) {
    out.push({
      pointer: ref.pointer,
      severity: 'error',
      code: 'find',
      message: `${ref.field} takes a list, each item a pk or a !Find: write it as a list item (- !Find […]), not as the field's value.`,
      field: ref.field,
    });
    return undefined;
  }
  const parsed = parseFindTag(tag);
  report(parsed.problems);
  if (!parsed.find) return undefined;
  const fit = checkFind(ref.reference, parsed.find);
  report(fit);
  return fit.length === 0 ? parsed.find : undefined;
}

function serverName(index: ReferenceIndex): string {
  return index.server || 'the server';
}

function describeObject(object: IndexedObject, catalog: SchemaCatalog): string {
  return `${withArticle(modelTitle(object.model, catalog))} "${object.label}"`;
}

function targetTitle(reference: FieldReference, catalog: SchemaCatalog): string {
  return modelTitle(reference.target, catalog);
}

function checkPk(ref: ReferenceValue, pk: string, index: ReferenceIndex, catalog: SchemaCatalog, out: ReferenceFinding[]): void {
  const text = pk.trim();
  // Not a UUID: the format check said so in Django's words, and no lookup happens.
  if (!canonicalUuid(text)) return;
  const accepted = index.acceptedBy(ref.reference);
  if (!accepted || accepted.byPk.has(text.toLowerCase())) return;
  const title = targetTitle(ref.reference, catalog);
  const other = index.objectWithPk(text);
  if (other) {
    out.push({
      pointer: ref.pointer,
      severity: 'error',
      code: 'reference',
      message: `${ref.field}: ${pkDoesNotExist(text)} On ${serverName(index)} it is ${describeObject(other, catalog)}; ${ref.field} takes ${withArticle(title)}.`,
      field: ref.field,
    });
    return;
  }
  if (!accepted.complete) return;
  out.push({
    pointer: ref.pointer,
    severity: 'error',
    code: 'reference',
    message: `${ref.field}: ${pkDoesNotExist(text)} No ${title} on ${serverName(index)} has this pk: pick one (completion lists them) or write !Find by name.`,
    field: ref.field,
  });
}

/**
 * The push resolves every `!Find` to exactly one object and refuses the file otherwise (DESIGN.md,
 * References), so both no match and several matches are errors — authentik's blueprint importer
 * would take an arbitrary first, the push never does. A tag naming the target's natural key where
 * the table says it is unique cannot match several; where it is not (a connector's name), it can.
 */
function checkFindMatches(ref: ReferenceValue, find: FindQuery, index: ReferenceIndex, doc: StageDocument, catalog: SchemaCatalog, out: ReferenceFinding[], context: ReferenceContext): void {
  const judged = judgeFindMatches({ pointer: ref.pointer, field: ref.field }, find, index, doc, catalog, context);
  if (judged.finding) out.push(judged.finding);
  const found = judged.found;
  if (!found || fieldAcceptsObject(ref.reference, { meta_model_name: found.model })) return;
  out.push({
    pointer: ref.pointer,
    severity: 'error',
    code: 'reference',
    message: `${ref.field}: ${sourceOf(doc, ref.pointer)} finds ${describeObject(found, catalog)} on ${serverName(index)}; ${ref.field} takes ${withArticle(targetTitle(ref.reference, catalog))}.`,
    field: ref.field,
  });
}

/** What a checked `!Find` finds on the indexed server. */
export interface FindJudgement {
  /** Nothing (with a listing that is complete) or several objects: what the push or the importer would make of it. */
  readonly finding?: ReferenceFinding;
  /** The one object it finds. */
  readonly found?: IndexedObject;
}

/**
 * A `!Find` (at `at.pointer` of `doc`, in the field `at.field`) matched against the index: a
 * finding when it matches nothing or several, in the words of whoever resolves it (the push, or
 * authentik's importer for a blueprint); nothing when the index cannot tell.
 */
export function judgeFindMatches(at: { readonly pointer: string; readonly field: string }, find: FindQuery, index: ReferenceIndex, doc: StageDocument, catalog: SchemaCatalog, context: ReferenceContext): FindJudgement {
  const matches = index.findMatches(find);
  if (!matches) return {};
  const title = modelTitle(find.model, catalog);
  const where = serverName(index);
  const tagText = sourceOf(doc, at.pointer);
  if (matches.objects.length === 0) {
    if (!matches.complete) return {};
    const fix = suggestValue(at.pointer, find, matches.pool, doc);
    return {
      finding: {
        pointer: at.pointer,
        severity: 'error',
        code: 'find-match',
        message: `${at.field}: ${tagText} matches no ${title} on ${where}: ${context === 'blueprint' ? "authentik's importer would write null here" : 'the push would stop here and send nothing'}.${fix ? ` Did you mean ${fix.text}?` : ''}`,
        field: at.field,
        ...(fix ? { fix: { kind: 'replace-span', start: fix.start, end: fix.end, text: fix.text, title: `Change to ${fix.text}` } } : {}),
      },
    };
  }
  if (matches.objects.length > 1) {
    const key = targetModel(find.model)?.naturalKey ?? 'name';
    const names = matches.objects.slice(0, 5).map((o) => `"${o.label}"`).join(', ');
    return {
      finding: {
        pointer: at.pointer,
        severity: 'error',
        code: 'find-match',
        message: `${at.field}: ${tagText} matches ${matches.objects.length} objects on ${where} (${names}${matches.objects.length > 5 ? ', …' : ''}); ${context === 'blueprint' ? "authentik's importer would take whichever comes first" : 'the push takes exactly one and would send nothing'}. Narrow it, e.g. by [${key}, …].`,
        field: at.field,
      },
    };
  }
  return { found: matches.objects[0]! };
}

/** The closest existing value for the tag's first written-out text condition, as a replacement of that value. */
function suggestValue(pointer: string, find: FindQuery, pool: readonly IndexedObject[], doc: StageDocument): { start: number; end: number; text: string } | undefined {
  const target = targetModel(find.model);
  for (let i = 0; i < find.filters.length; i++) {
    const [field, value] = find.filters[i]!;
    if (typeof value !== 'string') continue;
    const property = target?.findFields[field]?.property ?? field;
    const values = [...new Set(pool.map((o) => o.fields[property]).filter((v): v is string => typeof v === 'string'))];
    const suggestion = closestMatch(value, values);
    const location = doc.locations.get(`${pointer}/${i + 1}/1`);
    if (!suggestion || suggestion === value || !location) continue;
    return { ...location.value, text: flowScalar(suggestion, doc.text.slice(location.value.start, location.value.end)) };
  }
  return undefined;
}

/** A value for a YAML flow sequence, quoted as the replaced text was or where YAML needs it. */
export function flowScalar(value: string, replaced = ''): string {
  if (replaced.startsWith('"') || /^(?:true|false|null|~|[-+]?[\d.]+(?:e[-+]?\d+)?|)$/i.test(value) || /[:#{}[\],&*!|>'"%@`]|^\s|\s$/.test(value)) return JSON.stringify(value);
  if (replaced.startsWith("'")) return `'${value.replace(/'/g, "''")}'`;
  return value;
}

function sourceOf(doc: StageDocument, pointer: string): string {
  const span = doc.locations.get(pointer)?.value;
  const text = span ? doc.text.slice(span.start, span.end).replace(/\s+/g, ' ') : '!Find';
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/**
 * A stage without `pk` is created by the push unless a stage of its name is found: stage names
 * are unique across every type. A stage of the same type may be this file's own (a portable file
 * finds its stage by name), so that is a warning; one of another type can never be updated from
 * this file, and the server refuses to create a second stage of that name.
 */
function checkStageName(doc: StageDocument, catalog: SchemaCatalog, index: ReferenceIndex, out: ReferenceFinding[]): void {
  const root = doc.value;
  if (!isPlainObject(root) || typeof root['model'] !== 'string' || !STAGE_MODELS.includes(root['model'])) return;
  if (root['pk'] !== undefined && root['pk'] !== null) return;
  const name = root['name'];
  if (typeof name !== 'string' || name.trim() === '') return;
  const other = index.stageNamed(name);
  if (!other) return;
  const model = root['model'];
  const sameType = other.model === model;
  const words = sameType ? (STAGE_NAME_TAKEN.byModel[model] ?? STAGE_NAME_TAKEN.message) : STAGE_NAME_TAKEN.message;
  out.push({
    pointer: '/name',
    severity: sameType ? 'warning' : 'error',
    code: 'name-taken',
    message: sameType
      ? `name: ${serverName(index)} already has ${describeObject(other, catalog)} (pk ${other.pk}). A push updates it only when this workspace synced it or you adopt it; creating another is refused: ${words}`
      : `name: ${words} ${serverName(index)} has ${describeObject(other, catalog)} (pk ${other.pk}); stage names are unique across all types, so choose another name.`,
    field: 'name',
  });
}
