/**
 * The checks of a blueprint's tags, as authentik's loader constructs them and its importer resolves
 * them (authentik/blueprints/v1/common.py; docs/blueprint-rules.md §2 and §5).
 *
 * Every tag's constructor runs when the file is loaded, wherever the tag is, so its shape is always
 * checked ('load'). What a resolver does is checked only where the importer resolves the tag
 * ('resolve'): the entries' `model`, `state`, `identifiers`, `attrs`, `conditions` and
 * `permissions` go through `tag_resolver`, which resolves tags at any depth of plain lists and
 * mappings; a tag's own arguments are resolved one level only (a tag that is the argument, not a
 * tag inside a list argument); `context:` values are resolved when `!Context` reads them.
 */
import type { Span, StageDocument } from '../document/stageDocument';
import { isPlainObject, TaggedValue } from '../document/tags';
import { closestMatch } from '../util/closest';
import type { Severity } from '../validation/diagnostics';
import { TAG_CHECKERS } from './tagCheckers';
import { child, position, resolves, type Resolution, type TagPosition } from './tagPosition';
import { BLUEPRINT_TAG_NAMES, isBlueprintTag } from './tags';

/** load: the loader refuses the whole file; resolve: fails when the entry is imported. */
export type TagPhase = 'load' | 'resolve';

export interface TagFinding {
  pointer: string;
  severity: Severity;
  phase: TagPhase;
  message: string;
  /** A narrower span than the pointer's value, when the problem is one placeholder etc. */
  span?: Span;
  /**
   * Resolve phase: the resolver raises something other than authentik's EntryInvalidError, which
   * the importer does not catch, so it is fatal even in a `state: absent` entry (whose
   * EntryInvalidErrors are swallowed, docs/blueprint-rules.md §2).
   */
  uncaught?: boolean;
}

export interface TagCheckContext {
  /** Keys of the file's top-level `context:` mapping. */
  contextKeys: ReadonlySet<string>;
  /**
   * What the catalog knows of a model named in !Find/!FindObject (`app_label.model`, the model part
   * lower-cased as Django's `get_model` reads it, the app label as written): its fields, 'no-schema'
   * (authentik has the model but the catalog has no fields for it), or undefined (no such model).
   */
  findModel: (model: string) => { fields: readonly string[] } | 'no-schema' | undefined;
  /** Every model name findModel knows, for "did you mean" on an unknown one. */
  modelNames?: readonly string[];
}

/** Checks one tag (its value's shape and its resolver's use of it) and visits its arguments. */
export type TagChecker = (tag: TaggedValue, at: TagPosition, run: TagRun) => void;

/** The findings of every tag in a blueprint document. */
export function checkBlueprintTags(doc: StageDocument, context: TagCheckContext): TagFinding[] {
  const run = new TagRun(doc, context);
  run.visitBlueprint(doc.value);
  return run.findings;
}

const ENTRY_FIELDS_RESOLVED = new Set(['model', 'state', 'identifiers', 'attrs', 'conditions']);
const PERMISSION_FIELDS_RESOLVED = new Set(['permission', 'user', 'role']);

export class TagRun {
  readonly findings: TagFinding[] = [];

  constructor(
    readonly doc: StageDocument,
    readonly context: TagCheckContext,
  ) {}

  /** Records a finding about the tag at `at`; a resolver's finding only where the tag is resolved. */
  report(at: TagPosition, severity: Severity, phase: TagPhase, message: string, options: { pointer?: string; span?: Span; uncaught?: boolean } = {}): void {
    if (phase === 'resolve' && !resolves(at)) return;
    const finding: TagFinding = { pointer: options.pointer ?? at.pointer, severity, phase, message };
    if (options.span) finding.span = options.span;
    if (options.uncaught) finding.uncaught = true;
    this.findings.push(finding);
  }

  visitBlueprint(root: unknown): void {
    const top = position('', 'ignored');
    if (!isPlainObject(root)) return this.visit(root, top);
    for (const [key, value] of Object.entries(root)) {
      const at = child(top, key, 'ignored');
      if (key === 'entries') this.visitEntries(value, at);
      else if (key === 'context' && isPlainObject(value)) this.visitFields(value, at, () => 'direct', 'context:');
      else this.visit(value, at);
    }
  }

  /** A list of entries, or a mapping of section names to lists of entries. */
  private visitEntries(entries: unknown, at: TagPosition): void {
    const sections = isPlainObject(entries) ? Object.entries(entries).map(([name, list]) => [child(at, name, 'ignored'), list] as const) : [[at, entries] as const];
    for (const [sectionAt, list] of sections) {
      if (Array.isArray(list)) list.forEach((entry, i) => this.visitEntry(entry, child(sectionAt, String(i), 'ignored')));
      else this.visit(list, sectionAt);
    }
  }

  private visitEntry(entry: unknown, at: TagPosition): void {
    if (!isPlainObject(entry)) return this.visit(entry, at);
    const permissions = entry['permissions'];
    const listed = Array.isArray(permissions);
    this.visitFields(entry, at, (key) => (key === 'permissions' && listed ? undefined : ENTRY_FIELDS_RESOLVED.has(key) ? 'deep' : 'ignored'));
    if (!listed) return;
    const listAt = child(at, 'permissions', 'ignored');
    permissions.forEach((permission, i) => {
      const itemAt = child(listAt, String(i), 'ignored');
      if (isPlainObject(permission)) this.visitFields(permission, itemAt, (key) => (PERMISSION_FIELDS_RESOLVED.has(key) ? 'deep' : 'ignored'));
      else this.visit(permission, itemAt);
    });
  }

  /** Visits a mapping's values, each resolved as `how` says (undefined: the caller visits it). */
  private visitFields(object: Record<string, unknown>, at: TagPosition, how: (key: string) => Resolution | undefined, holder?: string): void {
    for (const [key, value] of Object.entries(object)) {
      const resolution = how(key);
      if (!resolution) continue;
      const valueAt = child(at, key, resolution);
      this.visit(value, holder ? { ...valueAt, holder } : valueAt);
    }
  }

  /**
   * The span of `value[start, end)` in the source of the string at `pointer`, when the source
   * spells the string out unchanged (no escapes, no folding); otherwise undefined.
   */
  stringSpan(pointer: string, value: string, start: number, end: number): Span | undefined {
    const location = this.doc.locations.get(pointer);
    if (!location) return undefined;
    const source = this.doc.text.slice(location.value.start, location.value.end);
    const quoted = source.length >= 2 && (source[0] === '"' || source[0] === "'") && source.endsWith(source[0]) ? 1 : 0;
    if (source.slice(quoted, source.length - quoted) !== value) return undefined;
    const offset = location.value.start + quoted;
    return { start: offset + start, end: offset + end };
  }

  /** Visits a value: a tag is checked, the items of a plain list or mapping visited in turn. */
  visit(value: unknown, at: TagPosition): void {
    // `! text` (the non-specific tag) is a plain string to PyYAML.
    if (value instanceof TaggedValue && value.tag !== '!') return this.visitTag(value, at);
    const inner = value instanceof TaggedValue ? value.value : value;
    const resolution = at.resolution === 'direct' ? 'buried' : at.resolution;
    if (Array.isArray(inner)) inner.forEach((item, i) => this.visit(item, child(at, String(i), resolution)));
    else if (isPlainObject(inner)) for (const [key, item] of Object.entries(inner)) this.visit(item, child(at, key, resolution));
  }

  private visitTag(tag: TaggedValue, at: TagPosition): void {
    if (!isBlueprintTag(tag.tag)) return this.unknownTag(tag, at);
    if (at.resolution === 'buried') {
      const because = at.unresolvedBecause ?? `it is inside a list or mapping given to ${at.holder ?? 'another tag'}, and authentik resolves a tag given as the argument itself, not tags inside one`;
      this.findings.push({ pointer: at.pointer, severity: 'warning', phase: 'resolve', message: `${tag.tag} is passed on unresolved: ${because}. Give the tag as the argument itself, or write the value out.` });
      at = { ...at, resolution: 'ignored' };
    }
    TAG_CHECKERS[tag.tag](tag, at, this);
  }

  private unknownTag(tag: TaggedValue, at: TagPosition): void {
    const close = closestMatch(tag.tag, BLUEPRINT_TAG_NAMES);
    const hint = close ? ` Did you mean ${close}?` : '';
    this.findings.push({
      pointer: at.pointer,
      severity: 'error',
      phase: 'load',
      message: `${tag.tag} is not a blueprint tag: authentik's loader knows only ${BLUEPRINT_TAG_NAMES.join(', ')}, and refuses the whole file ("could not determine a constructor for the tag '${tag.tag}'").${hint}`,
    });
    this.visit(tag.value, { ...at, resolution: 'ignored' });
  }
}
