/**
 * The language features of reference fields with the connected server's objects: completion by
 * name (inserting the pk or `!Find`), hover naming the object with a link into the admin UI, inlay
 * hints after pks, and the rewrites between a pk and its `!Find`. JSON has no tags, so there a
 * reference is always a pk.
 */
import { CodeActionKind, CompletionItemKind, InlayHint, MarkupKind, type CodeAction, type CompletionItem, type Hover, type Position, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { SchemaCatalog } from '../schema/catalog';
import { isPlainObject, TaggedValue } from '../document/tags';
import { fieldAcceptsObject, findTagFor, parseFindTag } from '../references/findTag';
import { baseOf, targetModel, type FieldReference } from '../references/lookup';
import { STAGE_MODELS, TARGET_MODELS } from '../references/table';
import type { IndexedObject } from '../references/objectIndex';
import type { ReferenceIndex } from '../references/referenceIndex';
import { documentModel, modelTitle, referenceValuesOf, withArticle, type ReferenceValue } from '../references/referenceValues';
import { flowScalar } from '../validation/referenceChecks';
import type { FileDocument, StageFile } from './stageFile';

/** Which form a completed reference takes first (`authentik.references.insert`). */
export type ReferenceInsert = 'find' | 'pk';

/** At most this many objects per completion: the client asks again as the user types (isIncomplete). */
const COMPLETION_LIMIT = 30;

interface Candidate {
  readonly object: IndexedObject;
  /** Lower-cased label, slug, natural key and pk: what typed text is looked for in. */
  readonly search: string;
}

const LABEL_ORDER = new Intl.Collator(undefined, { numeric: true });

/**
 * Completion candidates per index and target model, built on first use (an index is replaced,
 * never changed). Only what filtering and ordering need is computed for all of them; the items
 * are rendered for the few shown.
 */
const candidateCache = new WeakMap<ReferenceIndex, Map<string, readonly Candidate[]>>();

function candidatesFor(index: ReferenceIndex, reference: FieldReference): readonly Candidate[] {
  let perTarget = candidateCache.get(index);
  if (!perTarget) candidateCache.set(index, (perTarget = new Map()));
  // Flows of the designation the admin UI offers for the field come first (any designation is accepted).
  const designation = reference.suggestedDesignation;
  const cacheKey = `${reference.target}\u0000${designation ?? ''}`;
  const cached = perTarget.get(cacheKey);
  if (cached) return cached;
  const key = targetModel(reference.target)?.naturalKey ?? 'name';
  const rank = (c: Candidate): number => (designation && c.object.fields['designation'] !== designation ? 1 : 0);
  const built = (index.acceptedBy(reference)?.objects ?? [])
    .map((object): Candidate => ({ object, search: `${object.label}\u0000${String(object.fields['slug'] ?? '')}\u0000${String(object.fields[key] ?? '')}\u0000${object.pk}`.toLowerCase() }))
    .sort((a, b) => rank(a) - rank(b) || LABEL_ORDER.compare(a.object.label, b.object.label));
  perTarget.set(cacheKey, built);
  return built;
}

function findText(reference: FieldReference, object: IndexedObject): string | undefined {
  const tag = findTagFor(reference, { ...object.fields });
  if (!tag || !Array.isArray(tag.value)) return undefined;
  const [model, [key, value]] = tag.value as [string, [string, string]];
  return `!Find [${model}, [${key}, ${flowScalar(value)}]]`;
}

export interface ReferenceCompletionContext {
  readonly kind: 'value' | 'item';
  readonly range: Range;
  readonly typed: string;
  readonly quoted: boolean;
}

/** The server's objects a reference field takes, each as its pk and (in YAML) as `!Find`. */
export function referenceCompletions(
  index: ReferenceIndex,
  reference: FieldReference,
  context: ReferenceCompletionContext,
  language: 'yaml' | 'json',
  insert: ReferenceInsert,
  catalog: SchemaCatalog,
): { items: CompletionItem[]; incomplete: boolean } {
  // A list field takes its pks as items; one pk goes as the field's value.
  if ((context.kind === 'item') !== reference.many) return { items: [], incomplete: false };
  const typed = context.typed.replace(/^["']/, '').toLowerCase();
  const items: CompletionItem[] = [];
  let shown = 0;
  let incomplete = false;
  const pkFirst = insert === 'pk' || language === 'json';
  const titles = new Map<string, string>();
  for (const candidate of candidatesFor(index, reference)) {
    if (typed && !candidate.search.includes(typed)) continue;
    if (shown === COMPLETION_LIMIT) {
      incomplete = true;
      break;
    }
    const order = String(shown).padStart(4, '0');
    shown++;
    const { object } = candidate;
    const slug = typeof object.fields['slug'] === 'string' && object.fields['slug'] !== object.label ? ` ${object.fields['slug']}` : '';
    const designation = typeof object.fields['designation'] === 'string' ? object.fields['designation'] : '';
    let type = titles.get(object.model);
    if (type === undefined) titles.set(object.model, (type = modelTitle(object.model, catalog)));
    const description = designation || type;
    const detail = [type, designation, object.usedBy?.length ? `used by ${object.usedBy.join(', ')}` : ''].filter(Boolean).join(' · ');
    const filterText = `${context.quoted ? '"' : ''}${object.label}${slug} ${object.pk}`;
    const base = { label: object.label, kind: CompletionItemKind.Reference, filterText };
    items.push({
      ...base,
      labelDetails: { detail: slug, description: `pk · ${description}` },
      detail,
      sortText: `${pkFirst ? '0' : '1'}_${order}`,
      textEdit: { range: context.range, newText: language === 'json' ? JSON.stringify(object.pk) : object.pk },
    });
    const find = language === 'yaml' ? findText(reference, object) : undefined;
    if (find) {
      items.push({
        ...base,
        labelDetails: { detail: slug, description: `!Find · ${description}` },
        detail: `${detail} · found by name at push time`,
        sortText: `${pkFirst ? '1' : '0'}_${order}`,
        textEdit: { range: context.range, newText: find },
      });
    }
  }
  return { items, incomplete };
}

/** The reference value (pk or `!Find`) at a chunk offset, innermost first. */
function referenceAt(placed: FileDocument, local: number): ReferenceValue | undefined {
  let best: ReferenceValue | undefined;
  for (const ref of referenceValuesOf(placed.doc)) {
    const span = placed.doc.locations.get(ref.pointer)?.value;
    if (span && local >= span.start && local <= span.end && (!best || ref.pointer.length > best.pointer.length)) best = ref;
  }
  return best;
}

/** The object a pk or a `!Find` names on the indexed server, when exactly one. */
function objectOf(index: ReferenceIndex | undefined, ref: ReferenceValue): IndexedObject | undefined {
  if (!index) return undefined;
  if (typeof ref.value === 'string') return index.acceptedBy(ref.reference)?.byPk.get(ref.value.trim().toLowerCase()) ?? index.objectWithPk(ref.value.trim());
  const find = parseFindTag(ref.value).find;
  const matches = find ? index.findMatches(find) : undefined;
  return matches?.objects.length === 1 ? matches.objects[0] : undefined;
}

/** Where an object is shown in authentik's admin interface (web/src/admin/Routes.ts): its page, else its type's list. */
export function adminLink(server: string, object: IndexedObject): string | undefined {
  const slug = typeof object.fields['slug'] === 'string' ? object.fields['slug'] : undefined;
  // By what the object is (a pk of the wrong model links to its own page), its base where it has one.
  const kind = STAGE_MODELS.includes(object.model) ? 'authentik_flows.stage' : Object.hasOwn(TARGET_MODELS, object.model) ? object.model : (baseOf(object.model)?.model ?? object.model);
  const page = ((): string | undefined => {
    switch (kind) {
      case 'authentik_flows.flow':
        return slug ? `/flow/flows/${encodeURIComponent(slug)}` : '/flow/flows';
      case 'authentik_core.source':
        return slug ? `/core/sources/${encodeURIComponent(slug)}` : '/core/sources';
      case 'authentik_core.group':
        return `/identity/groups/${encodeURIComponent(object.pk)}`;
      case 'authentik_endpoints.connector':
        return `/endpoints/connectors/${encodeURIComponent(object.pk)}`;
      case 'authentik_stages_prompt.prompt':
        return '/flow/stages/prompts';
      case 'authentik_policies.policy':
        return '/policy/policies';
      case 'authentik_crypto.certificatekeypair':
        return '/crypto/certificates';
      case 'authentik_core.propertymapping':
      case 'authentik_events.notificationwebhookmapping':
        return '/core/property-mappings';
      case 'authentik_flows.stage':
        // The admin UI lists every stage on one page and has no page per stage.
        return '/flow/stages';
      default:
        // WebAuthn device types have no page of their own.
        return undefined;
    }
  })();
  return page && server ? `${server}/if/admin/#${page}` : undefined;
}

function describeForHover(object: IndexedObject, reference: FieldReference, index: ReferenceIndex, catalog: SchemaCatalog): string {
  const target = targetModel(reference.target);
  const lines = [`**${modelTitle(object.model, catalog)}** ${object.label}`, ''];
  if (target) lines.push(`- ${target.naturalKey}: \`${String(object.fields[target.naturalKey] ?? object.label)}\``);
  if (typeof object.fields['designation'] === 'string') lines.push(`- designation: ${object.fields['designation']}`);
  lines.push(`- pk: \`${object.pk}\``);
  // Known only where the listing says (a stage's flows); otherwise nothing is claimed.
  if (object.usedBy) lines.push(`- used by: ${object.usedBy.length ? object.usedBy.join(', ') : 'no flow'}`);
  const link = adminLink(index.server, object);
  if (link) lines.push('', `[Open in authentik](${link})`);
  return lines.join('\n');
}

export function referenceHover(file: StageFile, textDocument: TextDocument, position: Position, catalog: SchemaCatalog): Hover | null {
  const offset = textDocument.offsetAt(position);
  const placed = file.documentAt(offset);
  if (!placed) return null;
  const ref = referenceAt(placed, offset - placed.offset);
  if (!ref) return null;
  const span = placed.doc.locations.get(ref.pointer)!.value;
  const range = { start: textDocument.positionAt(placed.offset + span.start), end: textDocument.positionAt(placed.offset + span.end) };
  const index = file.references;
  const title = modelTitle(ref.reference.target, catalog);
  const takes = `\`${ref.field}\` takes ${withArticle(title)} (\`${ref.reference.target}\`)${ref.reference.many ? ', a list of them' : ''}.`;
  const forms =
    file.language === 'json'
      ? 'A .stage.json file names it by pk: JSON has no tags, so `!Find` can only be written in YAML.'
      : `Write its pk, or \`!Find [${ref.reference.target}, [${targetModel(ref.reference.target)?.naturalKey ?? 'name'}, …]]\`, found by name on each server at push time.`;
  const object = objectOf(index, ref);
  const parts: string[] = [];
  if (object && index) parts.push(describeForHover(object, ref.reference, index, catalog));
  else if (index && typeof ref.value === 'string') parts.push(`No ${title} with pk \`${ref.value.trim()}\` is known on ${index.server}.`);
  else if (ref.value instanceof TaggedValue) parts.push('`!Find` is resolved on the target server at push time, to exactly one object; the file keeps the tag.');
  parts.push(takes, forms);
  return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n') }, range };
}

/** After each pk in a reference field: the object's label, or "not found" where the index lists every object the field takes. */
export function referenceInlayHints(file: StageFile, textDocument: TextDocument, range: Range, catalog: SchemaCatalog): InlayHint[] {
  const index = file.references;
  if (!index) return [];
  const from = textDocument.offsetAt(range.start);
  const to = textDocument.offsetAt(range.end);
  const hints: InlayHint[] = [];
  for (const placed of file.documents) {
    if (placed.offset > to || placed.offset + placed.doc.text.length < from) continue;
    for (const ref of referenceValuesOf(placed.doc)) {
      if (typeof ref.value !== 'string' || ref.value.trim() === '') continue;
      const span = placed.doc.locations.get(ref.pointer)?.value;
      if (!span || placed.offset + span.end < from || placed.offset + span.start > to) continue;
      const accepted = index.acceptedBy(ref.reference);
      if (!accepted) continue;
      const object = accepted.byPk.get(ref.value.trim().toLowerCase());
      const other = object ? undefined : index.objectWithPk(ref.value.trim());
      if (!object && !other && !accepted.complete) continue;
      const type = modelTitle((object ?? other)?.model ?? ref.reference.target, catalog);
      const label = object ? object.label : other ? `${other.label} (${type}, not ${withArticle(modelTitle(ref.reference.target, catalog))})` : 'not found';
      const hint = InlayHint.create(textDocument.positionAt(placed.offset + span.end), label);
      hint.paddingLeft = true;
      hint.tooltip = object || other ? `${type} on ${index.server}` : `No ${modelTitle(ref.reference.target, catalog)} on ${index.server} has this pk.`;
      hints.push(hint);
    }
  }
  return hints;
}

/** The rewrites at a place: a pk → its `!Find` by natural key, a `!Find` → the pk it finds (YAML only). */
export function referenceRewrites(file: StageFile, textDocument: TextDocument, range: Range): CodeAction[] {
  const index = file.references;
  if (!index || file.language !== 'yaml') return [];
  const offset = textDocument.offsetAt(range.start);
  const placed = file.documentAt(offset);
  if (!placed || !isPlainObject(placed.doc.value) || !documentModel(placed.doc)) return [];
  const ref = referenceAt(placed, offset - placed.offset);
  if (!ref) return [];
  const object = objectOf(index, ref);
  if (!object || !fieldAcceptsObject(ref.reference, { meta_model_name: object.model })) return [];
  const span = placed.doc.locations.get(ref.pointer)!.value;
  const at = { start: textDocument.positionAt(placed.offset + span.start), end: textDocument.positionAt(placed.offset + span.end) };
  const edit = (newText: string) => ({ changes: { [textDocument.uri]: [{ range: at, newText }] } });
  if (typeof ref.value === 'string') {
    const find = findText(ref.reference, object);
    return find ? [{ title: `Write as ${find}`, kind: CodeActionKind.QuickFix, edit: edit(find) }] : [];
  }
  return [{ title: `Replace !Find with the pk of ${object.label} (${object.pk})`, kind: CodeActionKind.QuickFix, edit: edit(object.pk) }];
}
