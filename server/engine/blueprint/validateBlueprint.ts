/**
 * Validates a blueprint as authentik's loader and importer would take it (docs/blueprint-rules.md):
 * the file's shape, each entry's keys, model and state, the entry's body by its model's rules (a
 * create as a create, an update as a partial update), and the links between entries (`!KeyOf`).
 * Severity follows the importer: an error where it would refuse the blueprint, a warning where it
 * may fail or silently ignores something.
 */
import { fieldPointer, keySpanAt, valueSpanAt, type Span, type StageDocument } from '../document/stageDocument';
import { isPlainObject, isScalar, TaggedValue } from '../document/tags';
import type { ReferenceIndex } from '../references/referenceIndex';
import { referenceValuesOf } from '../references/referenceValues';
import type { SchemaCatalog } from '../schema/catalog';
import type { ModelIndexEntry } from '../schema/types';
import { closestMatch } from '../util/closest';
import type { DiagnosticCode, FixData, Severity, StageDiagnostic } from '../validation/diagnostics';
import { validateEntryBody, type EntryBodyOptions } from '../validation/validateStage';
import { ENTRY_STATES, type BlueprintDocument, type BlueprintEntry } from './blueprintDocument';
import { resolveBlueprintModel, type BlueprintModel } from './blueprintModels';
import { entryBodyDocument } from './entryBody';
import { existingObject } from './existingObject';
import { checkBlueprintFinds } from './findMatchChecks';
import { checkEntryLinks } from './linkChecks';
import { checkBlueprintTags, type TagCheckContext } from './tagChecks';
import { blueprintModelNames } from './blueprintModels';

const TOP_LEVEL_KEYS = ['version', 'metadata', 'context', 'entries'];
/** The keys of an entry (`common.BlueprintEntry`), in the order the editor offers them. */
export const ENTRY_KEYS = ['model', 'id', 'identifiers', 'attrs', 'state', 'conditions', 'permissions'] as const;

/** Diagnostics in document order, offsets into the blueprint's text. */
export function validateBlueprint(bp: BlueprintDocument, catalog: SchemaCatalog, references?: ReferenceIndex): StageDiagnostic[] {
  const out = new BlueprintValidator(bp, catalog, references).run();
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

interface KeptEntryCheck {
  catalog: SchemaCatalog;
  references: ReferenceIndex | undefined;
  contextKeys: string;
  diagnostics: StageDiagnostic[];
}

/** What an entry part's own checks found, kept while the part, the catalog, the server's objects and the context keys are the same. */
const keptEntryChecks = new WeakMap<BlueprintDocument, KeptEntryCheck>();

/** The checks of one entry that need no other entry: its keys, model, body and tags. Offsets into the part. */
function entryPartDiagnostics(part: BlueprintDocument, catalog: SchemaCatalog, references: ReferenceIndex | undefined, contextKeys: ReadonlySet<string>): StageDiagnostic[] {
  const keys = [...contextKeys].join('\n');
  const kept = keptEntryChecks.get(part);
  if (kept && kept.catalog === catalog && kept.references === references && kept.contextKeys === keys) return kept.diagnostics;
  const checker = new EntryChecker(part, catalog, references);
  checker.checkEntry(part.entries[0]!);
  checkTags(part, part.doc, contextKeys, catalog, checker.sink);
  checker.checkFinds();
  keptEntryChecks.set(part, { catalog, references, contextKeys: keys, diagnostics: checker.sink.out });
  return checker.sink.out;
}

/** Tag findings as diagnostics; `doc` may be the blueprint's head alone. */
function checkTags(bp: BlueprintDocument, doc: StageDocument, contextKeys: ReadonlySet<string>, catalog: SchemaCatalog, sink: DiagnosticSink): void {
  const context: TagCheckContext = {
    contextKeys,
    findModel: (model) => {
      const entry = catalog.anyEntry(model);
      if (entry) return { fields: [...entry.fields, ...entry.readOnly] };
      return catalog.knowsModel(model) ? 'no-schema' : undefined;
    },
    modelNames: blueprintModelNames(catalog),
  };
  for (const finding of checkBlueprintTags(doc, context)) {
    const span = finding.span ?? sink.valueSpan(finding.pointer);
    // An entry that deletes swallows authentik's own resolution errors and is skipped.
    const entry = bp.entries.find((e) => finding.pointer === e.pointer || finding.pointer.startsWith(`${e.pointer}/`));
    const skipped = finding.severity === 'error' && finding.phase === 'resolve' && !finding.uncaught && entry?.state === 'absent';
    if (skipped) sink.add(span, 'warning', 'tag', `${finding.message} This entry deletes, so the importer skips it instead of failing.`);
    else sink.add(span, finding.severity, 'tag', finding.message);
  }
}

export class DiagnosticSink {
  readonly out: StageDiagnostic[] = [];

  constructor(private readonly bp: BlueprintDocument) {}

  add(span: Span, severity: Severity, code: DiagnosticCode, message: string, fix?: FixData): void {
    const diagnostic: StageDiagnostic = { start: span.start, end: Math.max(span.end, span.start), severity, code, message };
    if (fix) diagnostic.fix = fix;
    this.out.push(diagnostic);
  }

  valueSpan(pointer: string): Span {
    return valueSpanAt(this.bp.doc, pointer);
  }

  keySpan(pointer: string): Span {
    return keySpanAt(this.bp.doc, pointer);
  }
}

/** The whole file: its top level, every entry (part by part when it was parsed so), and the links between entries. */
class BlueprintValidator {
  private readonly sink: DiagnosticSink;

  constructor(
    private readonly bp: BlueprintDocument,
    private readonly catalog: SchemaCatalog,
    private readonly references: ReferenceIndex | undefined,
  ) {
    this.sink = new DiagnosticSink(bp);
  }

  run(): StageDiagnostic[] {
    const { bp, catalog, references, sink } = this;
    for (const problem of bp.doc.syntaxErrors) sink.add(problem.span, 'error', 'syntax', syntaxMessage(problem.message));
    const root = bp.doc.value as Record<string, unknown>;
    this.checkTopLevel(root);
    if (bp.parts) {
      for (const part of bp.parts) {
        for (const d of entryPartDiagnostics(part.entry, catalog, references, bp.contextKeys)) sink.out.push({ ...d, start: d.start + part.start, end: d.end + part.start });
      }
      // The head alone: `context:` may hold tags too.
      const head: BlueprintDocument = { ...bp, doc: { ...bp.doc, value: Object.fromEntries(Object.entries(root).filter(([key]) => key !== 'entries')) }, entries: [] };
      checkTags(bp, head.doc, bp.contextKeys, catalog, sink);
      new EntryChecker(head, catalog, references, sink).checkFinds();
    } else {
      const checker = new EntryChecker(bp, catalog, references, sink);
      for (const entry of bp.entries) checker.checkEntry(entry);
      checkTags(bp, bp.doc, bp.contextKeys, catalog, sink);
      checker.checkFinds();
    }
    this.checkIds();
    checkEntryLinks(bp, sink);
    return sink.out;
  }

  private checkIds(): void {
    const ids = new Map<string, BlueprintEntry>();
    for (const entry of this.bp.entries) {
      if (entry.id === undefined) continue;
      const first = ids.get(entry.id);
      if (first) this.sink.add(this.sink.valueSpan(`${entry.pointer}/id`), 'warning', 'blueprint', `id "${entry.id}" is also the id of entry ${first.index + 1}: !KeyOf ${entry.id} takes the first entry of that id that saved an object.`);
      else ids.set(entry.id, entry);
    }
  }

  private checkTopLevel(root: Record<string, unknown>): void {
    const { sink } = this;
    for (const key of Object.keys(root)) {
      if (TOP_LEVEL_KEYS.includes(key)) continue;
      const suggestion = closestMatch(key, TOP_LEVEL_KEYS);
      sink.add(sink.keySpan(fieldPointer(key)), 'warning', 'unknown-key', `${key} is not a blueprint key: authentik's loader ignores it.${suggestion ? ` Did you mean ${suggestion}?` : ''}`, suggestion ? { kind: 'rename-key', to: suggestion } : undefined);
    }
    const version = root['version'];
    if (version !== 1) {
      const why = typeof version === 'string' && version.trim() === '1' ? ' It must be the number 1, not text: the loader checks its type.' : '';
      sink.add(sink.valueSpan('/version'), 'error', 'blueprint', `version: authentik reads blueprint version 1 only; the import fails with "Invalid blueprint version".${why}`, why ? { kind: 'replace-value', value: 1, title: 'Write 1' } : undefined);
    }
    this.checkMetadata(root['metadata']);
    const context = root['context'];
    if (context !== undefined && !isPlainObject(context)) sink.add(sink.valueSpan('/context'), 'error', 'blueprint', `context must be a mapping of names to values (what !Context reads), not ${kindOf(context)}.`);
    const entries = root['entries'];
    const sectioned = isPlainObject(entries) && Object.values(entries).every(Array.isArray);
    if (!Array.isArray(entries) && !sectioned && entries !== null) {
      sink.add(sink.valueSpan('/entries'), 'error', 'blueprint', `entries must be a list of entries (or a mapping of section names to lists), not ${kindOf(entries)}.`);
    }
  }

  private checkMetadata(metadata: unknown): void {
    const { sink } = this;
    if (metadata === undefined || metadata === null) return;
    if (!isPlainObject(metadata)) {
      sink.add(sink.valueSpan('/metadata'), 'error', 'blueprint', `metadata must be a mapping with a name (and optional labels), not ${kindOf(metadata)}.`);
      return;
    }
    if (typeof metadata['name'] !== 'string') {
      const at = metadata['name'] === undefined ? sink.keySpan('/metadata') : sink.valueSpan('/metadata/name');
      sink.add(at, 'error', 'blueprint', 'metadata.name is required and must be text: authentik names the blueprint instance after it.');
    }
    const labels = metadata['labels'];
    if (labels === undefined) return;
    if (!isPlainObject(labels)) {
      sink.add(sink.valueSpan('/metadata/labels'), 'error', 'blueprint', `metadata.labels must be a mapping of text to text, not ${kindOf(labels)}.`);
      return;
    }
    for (const [key, value] of Object.entries(labels)) {
      if (typeof value !== 'string') sink.add(sink.valueSpan(`/metadata/labels${fieldPointer(key)}`), 'error', 'blueprint', `metadata.labels.${key} must be text${isScalar(value) ? ` (quote it: "${String(value)}")` : ''}; the loader checks label types.`);
    }
  }

}

/** One entry on its own: its keys, the loader's types, its model and its body by the model's rules. */
class EntryChecker {
  /** Start offsets of the `!Find`s in reference fields the stage rules judged against the server already. */
  private readonly judgedFinds = new Set<number>();

  constructor(
    private readonly bp: BlueprintDocument,
    private readonly catalog: SchemaCatalog,
    private readonly references: ReferenceIndex | undefined,
    readonly sink: DiagnosticSink = new DiagnosticSink(bp),
  ) {}

  checkEntry(entry: BlueprintEntry): void {
    const { sink } = this;
    const fields = entry.fields;
    if (!fields) {
      sink.add(entry.span, 'error', 'blueprint', `An entry must be a mapping (model, identifiers, attrs, …), not ${kindOf(entry.value)}.`);
      return;
    }
    for (const key of Object.keys(fields)) {
      if ((ENTRY_KEYS as readonly string[]).includes(key)) continue;
      const suggestion = closestMatch(key, ENTRY_KEYS);
      sink.add(sink.keySpan(`${entry.pointer}${fieldPointer(key)}`), 'warning', 'unknown-key', `${key} is not a key of a blueprint entry: the loader ignores it.${suggestion ? ` Did you mean ${suggestion}?` : ''}`, suggestion ? { kind: 'rename-key', to: suggestion } : undefined);
    }
    this.checkEntryShapes(entry, fields);
    const model = this.checkModel(entry, fields);
    if (model?.kind === 'schema') this.checkBody(entry, fields, model.entry);
  }

  /** The loader's typed structure: a wrong type refuses the whole file. */
  private checkEntryShapes(entry: BlueprintEntry, fields: Record<string, unknown>): void {
    const { sink } = this;
    const at = (key: string): Span => sink.valueSpan(`${entry.pointer}/${key}`);
    const id = fields['id'];
    if (id !== undefined && id !== null && typeof id !== 'string') sink.add(at('id'), 'error', 'blueprint', `id must be text, not ${kindOf(id)}${isScalar(id) ? `: quote it ("${String(id)}")` : ''}.`, typeof id === 'number' ? { kind: 'replace-value', value: String(id), title: `Write "${String(id)}"` } : undefined);
    const state = fields['state'];
    if (state !== undefined && !(state instanceof TaggedValue) && !(typeof state === 'string' && (ENTRY_STATES as readonly string[]).includes(state))) {
      const suggestion = typeof state === 'string' ? closestMatch(state, ENTRY_STATES) : undefined;
      sink.add(at('state'), 'error', 'enum', `state: ${isScalar(state) ? `"${String(state)}"` : kindOf(state)} is not a state; authentik's importer knows ${ENTRY_STATES.join(', ')}.`, suggestion ? { kind: 'replace-value', value: suggestion, title: `Change to ${suggestion}` } : undefined);
    }
    for (const key of ['identifiers', 'attrs'] as const) {
      const value = fields[key];
      if (value === undefined || isPlainObject(value)) continue;
      if (key === 'attrs' && value === null) {
        sink.add(at(key), 'error', 'blueprint', 'attrs: null stops the import (authentik reads attrs as a mapping); leave attrs out, or write {}.');
      } else {
        sink.add(at(key), 'error', 'blueprint', `${key} must be a mapping of field names to values, not ${kindOf(value)}${value instanceof TaggedValue ? ' (a tag goes inside it, as a field\'s value)' : ''}.`);
      }
    }
    this.checkList(entry, fields, 'conditions', 'a list of values, each true or false by Python\'s rules (usually tags such as !Context or !Condition)');
    if (this.checkList(entry, fields, 'permissions', 'a list of { permission, user or role }')) this.checkPermissions(entry, fields['permissions'] as unknown[]);
  }

  private checkList(entry: BlueprintEntry, fields: Record<string, unknown>, key: string, what: string): boolean {
    const value = fields[key];
    if (value === undefined || value === null) return false;
    if (Array.isArray(value)) return true;
    this.sink.add(this.sink.valueSpan(`${entry.pointer}/${key}`), 'error', 'blueprint', `${key} must be ${what}, not ${kindOf(value)}.`);
    return false;
  }

  private checkPermissions(entry: BlueprintEntry, permissions: unknown[]): void {
    const { sink } = this;
    permissions.forEach((item, i) => {
      const pointer = `${entry.pointer}/permissions/${i}`;
      if (!isPlainObject(item)) {
        sink.add(sink.valueSpan(pointer), 'error', 'blueprint', `permissions[${i}] must be a mapping { permission, user or role }, not ${kindOf(item)}.`);
        return;
      }
      if (item['permission'] === undefined) sink.add(sink.valueSpan(pointer), 'error', 'blueprint', `permissions[${i}] needs a permission, e.g. view_flow.`);
      else if (typeof item['permission'] !== 'string' && !(item['permission'] instanceof TaggedValue)) sink.add(sink.valueSpan(`${pointer}/permission`), 'error', 'blueprint', `permissions[${i}].permission must be a permission's codename (text).`);
      const user = item['user'];
      if (user !== undefined && user !== null && !(user instanceof TaggedValue) && !Number.isInteger(user)) sink.add(sink.valueSpan(`${pointer}/user`), 'error', 'blueprint', `permissions[${i}].user must be a user's pk (a number), e.g. !Find [authentik_core.user, [username, akadmin]].`);
      const role = item['role'];
      if (role !== undefined && role !== null && !(role instanceof TaggedValue) && typeof role !== 'string') sink.add(sink.valueSpan(`${pointer}/role`), 'error', 'blueprint', `permissions[${i}].role must be a role's pk (a UUID).`);
    });
  }

  private checkModel(entry: BlueprintEntry, fields: Record<string, unknown>): BlueprintModel | undefined {
    const { sink } = this;
    const written = fields['model'];
    if (written === undefined || written === null) {
      sink.add(firstKey(this.bp, entry) ?? entry.span, 'error', 'model-missing', 'This entry has no model: the loader refuses the blueprint. Write e.g. model: authentik_flows.flow.');
      return undefined;
    }
    if (written instanceof TaggedValue) return undefined;
    const span = sink.valueSpan(`${entry.pointer}/model`);
    if (typeof written !== 'string') {
      sink.add(span, 'error', 'model-unknown', `model must be <app_label>.<model> (text), not ${kindOf(written)}.`);
      return undefined;
    }
    const model = resolveBlueprintModel(written, this.catalog);
    switch (model.kind) {
      case 'unknown':
        sink.add(span, 'error', 'model-unknown', model.message, model.suggestion ? { kind: 'replace-value', value: model.suggestion, title: `Change to ${model.suggestion}` } : undefined);
        break;
      case 'not-importable':
        sink.add(span, 'error', 'model-unknown', `model: authentik's importer refuses ${model.name} ("Model not allowed"): ${model.reason}.`);
        break;
      case 'no-schema':
        sink.add(span, 'information', 'model-unknown', `${model.name} has no writable API in authentik ${this.catalog.version}'s OpenAPI document, so its fields are not checked here.`);
        break;
      case 'meta':
        this.checkMetaEntry(entry, fields);
        break;
      case 'schema':
        if (written !== model.name) sink.add(span, 'information', 'model-unknown', `authentik reads this as ${model.name} (model names are case-insensitive); the usual spelling is lower case.`, { kind: 'replace-value', value: model.name, title: `Change to ${model.name}` });
        break;
    }
    return model;
  }

  private checkMetaEntry(entry: BlueprintEntry, fields: Record<string, unknown>): void {
    const { sink } = this;
    const attrs = fields['attrs'];
    if (entry.state === 'absent') return;
    if (!isPlainObject(attrs) || attrs['identifiers'] === undefined) {
      sink.add(isPlainObject(attrs) ? sink.keySpan(`${entry.pointer}/attrs`) : sink.valueSpan(`${entry.pointer}/model`), 'error', 'required', 'attrs.identifiers is required: it finds the blueprint to apply, e.g. identifiers: { name: Default - Authentication flow } or { path: default/flow-default-authentication-flow.yaml }.');
      return;
    }
    if (!isPlainObject(attrs['identifiers']) && !(attrs['identifiers'] instanceof TaggedValue)) sink.add(sink.valueSpan(`${entry.pointer}/attrs/identifiers`), 'error', 'type', 'attrs.identifiers must be a mapping of blueprint instance fields (name, path, …).');
    const required = attrs['required'];
    if (required !== undefined && typeof required !== 'boolean' && !(required instanceof TaggedValue)) sink.add(sink.valueSpan(`${entry.pointer}/attrs/required`), 'error', 'type', 'attrs.required must be true or false.');
  }

  private checkBody(entry: BlueprintEntry, fields: Record<string, unknown>, model: ModelIndexEntry): void {
    // The importer swallows every serializer error of an entry that deletes.
    if (entry.state === 'absent') return;
    const identifiers = fields['identifiers'];
    if (!isPlainObject(identifiers) || Object.keys(identifiers).length === 0) {
      if (identifiers === undefined || identifiers === null || isPlainObject(identifiers)) {
        this.sink.add(identifiers === undefined ? this.sink.valueSpan(`${entry.pointer}/model`) : this.sink.valueSpan(`${entry.pointer}/identifiers`), 'error', 'required', `This entry has no identifiers: the importer finds the object by them and fails with "No or invalid identifiers". Write e.g. identifiers: { ${model.required.includes('slug') ? 'slug' : 'name'}: … }.`);
      }
      return;
    }
    const existing = existingObject(entry, model, this.references);
    if (existing === 'found' && entry.state === 'must_created') {
      for (const key of Object.keys(identifiers)) {
        this.sink.add(this.sink.valueSpan(`${entry.pointer}/identifiers${fieldPointer(key)}`), 'error', 'rule', `${key}: State is set to must_created and object exists already (on ${this.references?.server || 'the server'}).`);
      }
    }
    const options: EntryBodyOptions = { entry: model, required: requiredMode(entry, existing) };
    const body = entryBodyDocument(this.bp, entry, model);
    if (this.references) {
      for (const ref of referenceValuesOf(body)) {
        const start = ref.value instanceof TaggedValue ? body.locations.get(ref.pointer)?.value.start : undefined;
        if (start !== undefined) this.judgedFinds.add(start);
      }
    }
    for (const d of validateEntryBody(body, this.catalog, this.references, options)) this.sink.out.push(d);
  }

  /** Connected: every other `!Find` of the document, resolved as the importer resolves it. */
  checkFinds(): void {
    if (!this.references) return;
    for (const finding of checkBlueprintFinds(this.bp, this.catalog, this.references, this.judgedFinds)) this.sink.add(this.sink.valueSpan(finding.pointer), finding.severity, finding.code, finding.message, finding.fix);
  }
}

/** A create must carry every required field; a partial update none; offline, a maybe-create is warned about. */
function requiredMode(entry: BlueprintEntry, existing: 'found' | 'not-found' | 'unknown'): EntryBodyOptions['required'] {
  if (entry.state === 'must_created' || existing === 'not-found') return 'error';
  if (existing === 'found') return 'none';
  return 'warning';
}

function firstKey(bp: BlueprintDocument, entry: BlueprintEntry): Span | undefined {
  for (const key of Object.keys(entry.fields ?? {})) {
    const span = bp.doc.locations.get(`${entry.pointer}${fieldPointer(key)}`)?.key;
    if (span) return span;
  }
  return undefined;
}

function syntaxMessage(message: string): string {
  if (/multiple documents/i.test(message)) return 'A blueprint is one YAML document: authentik\'s loader refuses a file with several ("expected a single document in the stream").';
  return message;
}

export function kindOf(value: unknown): string {
  if (value instanceof TaggedValue) return `a ${value.tag} tag`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'a mapping';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'boolean') return 'a boolean';
  return 'a number';
}
