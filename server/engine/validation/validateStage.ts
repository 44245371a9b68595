/**
 * Validates one stage document: syntax, `model`, then every field the way the server would see
 * it (DRF's conversions first, then the schema's limits through ajv), then the checks the OpenAPI
 * document cannot express (durations, secrets, read-only keys, tags).
 */
import type { ErrorObject } from 'ajv';
import type { SchemaCatalog } from '../schema/catalog';
import type { JsonSchema, ModelIndexEntry } from '../schema/types';
import { fieldPointer, keySpanAt, pointerSegments, valueSpanAt, type Span, type StageDocument } from '../document/stageDocument';
import { isPlainObject, TaggedValue } from '../document/tags';
import { closestMatch } from '../util/closest';
import { coerce, describeType, typesOf } from './drf';
import { checkDuration } from './duration';
import type { DiagnosticCode, FixData, Severity, StageDiagnostic } from './diagnostics';
import { pythonTypeName } from './python';
import { schemaValidator } from './schemaValidator';
import { checkServerRules, UNKNOWN } from './serverRules';
import { checkReferences } from './referenceChecks';
import { isFindTag } from '../references/findTag';
import { referenceOf, targetModel, type FieldReference } from '../references/lookup';
import type { ReferenceIndex } from '../references/referenceIndex';

/** Diagnostics in document order. */
export function validateStageDocument(doc: StageDocument, catalog: SchemaCatalog, references?: ReferenceIndex): StageDiagnostic[] {
  return new StageValidator(doc, catalog, references, undefined).run().sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * How a blueprint entry's body (`attrs` with `identifiers` merged in, as the importer builds it)
 * is checked: by the entry's model, with every rule of a stage file, except that a tag's value
 * is not second-guessed and a missing required field is as certain as the entry's creating.
 */
export interface EntryBodyOptions {
  entry: ModelIndexEntry;
  /** `error`: the entry certainly creates; `warning`: it creates only if nothing matches; `none`: it updates. */
  required: 'error' | 'warning' | 'none';
}

/** `doc` is the body seen as a document: its value the merged body, its locations those in the blueprint. */
export function validateEntryBody(doc: StageDocument, catalog: SchemaCatalog, references: ReferenceIndex | undefined, options: EntryBodyOptions): StageDiagnostic[] {
  return new StageValidator(doc, catalog, references, options).run();
}

/** What a `!Find` stands for in the schema check: some pk, resolved at push time (distinct per list item, as found objects are). */
function foundPk(item = 0): string {
  return `00000000-0000-4000-8000-${item.toString(16).padStart(12, '0')}`;
}

class StageValidator {
  private readonly out: StageDiagnostic[] = [];

  constructor(
    private readonly doc: StageDocument,
    private readonly catalog: SchemaCatalog,
    private readonly references: ReferenceIndex | undefined,
    private readonly blueprint: EntryBodyOptions | undefined,
  ) {}

  run(): StageDiagnostic[] {
    const { doc } = this;
    if (this.blueprint) {
      if (isPlainObject(doc.value)) this.checkFields(doc.value, this.blueprint.entry);
      return this.out;
    }
    for (const problem of doc.syntaxErrors) this.add(problem.span, 'error', 'syntax', problem.message);
    if (doc.isEmpty) return this.out;
    const root = doc.value;
    const rootSpan = this.valueSpan('');
    if (!isPlainObject(root)) {
      if (doc.syntaxErrors.length === 0) {
        this.add(rootSpan, 'error', 'not-a-mapping', `A stage document must be a mapping of fields (model, name, …), not ${kindOf(root)}.`);
      }
      return this.out;
    }
    const entry = this.checkModel(root, rootSpan);
    if (entry) this.checkFields(root, entry);
    return this.out;
  }

  private checkModel(root: Record<string, unknown>, rootSpan: Span): ModelIndexEntry | undefined {
    const model = root['model'];
    const names = this.catalog.models.map((m) => m.model);
    if (model === undefined || model === null) {
      const anchor = this.firstKeySpan() ?? rootSpan;
      this.add(anchor, 'error', 'model-missing', `Missing "model": every stage document names its type, e.g. model: authentik_stages_email.emailstage.`, 'model');
      return undefined;
    }
    const span = this.valueSpan('/model');
    if (typeof model !== 'string') {
      this.add(span, 'error', 'model-unknown', `model: expected a model name (a string), got ${kindOf(model)}.`, 'model');
      return undefined;
    }
    const entry = this.catalog.entry(model);
    if (entry) return entry;
    const suggestion = closestMatch(model, names);
    const fix: FixData | undefined = suggestion ? { kind: 'replace-value', value: suggestion, title: `Change to ${suggestion}` } : undefined;
    this.add(
      span,
      'error',
      'model-unknown',
      `model: "${model}" is not a stage model of authentik ${this.catalog.version}.${suggestion ? ` Did you mean ${suggestion}?` : ''} Valid: ${names.join(', ')}.`,
      'model',
      fix,
    );
    return undefined;
  }

  private checkFields(root: Record<string, unknown>, entry: ModelIndexEntry): void {
    this.checkFieldValues(root, entry);
    for (const finding of checkReferences(this.doc, this.catalog, this.references, this.blueprint ? 'blueprint' : 'stage-file')) {
      this.add(this.valueSpan(finding.pointer), finding.severity, finding.code, finding.message, finding.field, finding.fix);
    }
  }

  /**
   * A reference field's value as the schema sees it: a `!Find` counts as a pk (checkReferences
   * checks the tag itself); another tag where a pk goes is an error naming what is allowed.
   */
  private referenceValue(key: string, pointer: string, reference: FieldReference, value: unknown): { value: unknown } | undefined {
    const example = `!Find [${reference.target}, [${targetModel(reference.target)?.naturalKey ?? 'name'}, …]]`;
    const refuse = (at: string, tag: TaggedValue): void =>
      this.add(
        this.valueSpan(at),
        'error',
        'tag',
        tag.isEnv
          ? `${key}: !Env gives a field's whole value, not a list item: the push resolves it only there. Write the pk or ${example}.`
          : `${key}: ${tag.tag} is a blueprint tag; stage files are sent through the API, which resolves only !Env and, in a reference field, !Find. Write the pk or ${example}.`,
        key,
      );
    if (isFindTag(value)) return reference.many ? undefined : { value: foundPk() };
    if (value instanceof TaggedValue) {
      if (value.isEnv) return { value };
      refuse(pointer, value);
      return undefined;
    }
    if (!Array.isArray(value) || !value.some((item) => item instanceof TaggedValue)) return { value };
    return {
      value: value.map((item, i) => {
        if (!(item instanceof TaggedValue)) return item;
        if (!isFindTag(item)) refuse(`${pointer}/${i}`, item);
        return foundPk(i);
      }),
    };
  }

  private checkFieldValues(root: Record<string, unknown>, entry: ModelIndexEntry): void {
    const schema = this.catalog.schema(entry.model)!;
    const properties = schema.properties ?? {};
    const converted: Record<string, unknown> = {};
    /** Fields present in the file whose value the schema check cannot judge (tags, refused values). */
    const present = new Set<string>();
    /** What the server's own `validate()` methods would see; refused and `!Env` values are unknown. */
    const ruleValues: Record<string, unknown> = {};

    for (const [key, written] of Object.entries(root)) {
      const pointer = fieldPointer(key);
      let value = written;
      if (key === 'model' && entry.kind !== 'object') {
        converted[key] = value;
        continue;
      }
      const property = Object.hasOwn(properties, key) ? properties[key] : undefined;
      if (!property) {
        this.unknownKey(key, pointer, entry);
        continue;
      }
      if (property.readOnly) {
        this.add(this.keySpan(pointer), 'information', 'read-only', `${key} is read-only: the server computes it, so it is never sent.`, key, { kind: 'remove-key' });
        continue;
      }
      present.add(key);
      if (this.blueprint && containsTag(value)) {
        // What a blueprint tag yields is known only when the importer resolves it.
        ruleValues[key] = UNKNOWN;
        continue;
      }
      const reference = referenceOf(entry.model, key);
      if (reference) {
        const seen = this.referenceValue(key, pointer, reference, value);
        if (!seen) {
          ruleValues[key] = UNKNOWN;
          continue;
        }
        value = seen.value;
      }
      if (value instanceof TaggedValue) {
        this.checkTag(key, pointer, property, value);
        ruleValues[key] = UNKNOWN;
        continue;
      }
      const result = coerce(property, value);
      for (const issue of result.issues) {
        const at = pointer + issue.pointer;
        const fix: FixData | undefined =
          issue.replacement !== undefined ? { kind: 'replace-value', value: issue.replacement, title: `Write ${JSON.stringify(issue.replacement)}` } : undefined;
        this.add(this.valueSpan(at), issue.severity, issue.code, `${key}${issue.pointer ? `[${issue.pointer.slice(1)}]` : ''}: ${issue.message}`, key, fix);
      }
      if (!result.accepted) {
        ruleValues[key] = UNKNOWN;
        continue;
      }
      converted[key] = result.value;
      ruleValues[key] = result.value;
      if (property['x-authentik-duration'] && typeof result.value === 'string') this.checkDurationValue(key, pointer, result.value);
      if (property.writeOnly && typeof value === 'string' && value.trim() !== '') {
        this.add(
          this.valueSpan(pointer),
          'warning',
          'plain-secret',
          `${key} is a secret written in plain text: anyone with the file can read it. Use !Env to take it from the environment at push time.`,
          key,
          { kind: 'use-env', variable: envVariableFor(root, key) },
        );
      }
    }
    this.checkSchema(entry, schema, converted, present);
    const emailTemplates = this.references?.emailTemplates;
    for (const finding of checkServerRules(entry.typeName, ruleValues, emailTemplates ? { emailTemplates, server: this.references!.server } : {})) {
      const span = finding.field ? this.valueSpan(fieldPointer(finding.field)) : this.keySpan('/model');
      this.add(span, finding.severity, finding.code, finding.message, finding.field ?? 'model');
    }
  }

  private unknownKey(key: string, pointer: string, entry: ModelIndexEntry): void {
    const suggestion = closestMatch(key, entry.fields);
    this.add(
      this.keySpan(pointer),
      'warning',
      'unknown-key',
      `${key} is not a field of ${entry.title}: the server ignores it.${suggestion ? ` Did you mean ${suggestion}?` : ''}`,
      key,
      suggestion ? { kind: 'rename-key', to: suggestion } : undefined,
    );
  }

  private checkTag(key: string, pointer: string, property: JsonSchema, value: TaggedValue): void {
    const span = this.valueSpan(pointer);
    if (!value.isEnv) {
      this.add(span, 'error', 'tag', `${key}: ${value.tag} is a blueprint tag; stage files are sent through the API, which resolves only !Env. Write the value itself.`, key);
      return;
    }
    const name = value.envName;
    if (!name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      this.add(span, 'error', 'tag', `${key}: !Env needs the name of an environment variable, e.g. !Env SMTP_PASSWORD.`, key);
      return;
    }
    const types = typesOf(property);
    if (!property.enum && (types.includes('array') || types.includes('object'))) {
      this.add(span, 'error', 'tag', `${key}: !Env gives a text value, but ${key} takes a ${types.includes('array') ? 'list' : 'mapping'}.`, key);
    }
  }

  private checkDurationValue(key: string, pointer: string, text: string): void {
    const location = this.doc.locations.get(pointer);
    const span = location?.value ?? this.valueSpan(pointer);
    // Point at the offending part when the source shows the text verbatim (plain or simply quoted).
    const source = this.doc.text.slice(span.start, span.end);
    const inner = source.indexOf(text);
    for (const problem of checkDuration(text).problems) {
      const partSpan = inner >= 0 ? { start: span.start + inner + problem.start, end: span.start + inner + Math.max(problem.end, problem.start + 1) } : span;
      this.add(partSpan, problem.severity, problem.severity === 'error' ? 'duration' : 'duration-ignored', `${key}: ${problem.message}`, key);
    }
  }

  private checkSchema(entry: ModelIndexEntry, schema: JsonSchema, converted: Record<string, unknown>, present: Set<string>): void {
    const validate = schemaValidator(this.catalog, entry.model)!;
    if (validate(converted)) return;
    const missing: string[] = [];
    for (const error of validate.errors ?? []) {
      if (error.keyword === 'required') {
        const field = (error.params as { missingProperty: string }).missingProperty;
        // A stage that exists keeps its secret when the file leaves it out (a pull never writes one).
        const keptSecret = entry.writeOnly.includes(field) && typeof converted['pk'] === 'string';
        if (error.instancePath === '' && !present.has(field) && !keptSecret) missing.push(field);
        continue;
      }
      // Unknown keys were reported (as warnings) with a suggestion already.
      if (error.keyword === 'additionalProperties' && error.instancePath === '') continue;
      const field = pointerSegments(error.instancePath)[0] ?? '';
      const property = schema.properties?.[field];
      this.add(this.valueSpan(error.instancePath), 'error', codeFor(error), `${describePath(error.instancePath)}: ${messageFor(error, property)}`, field);
    }
    if (missing.length === 0) return;
    const anchor = this.keySpan('/model');
    const required = this.blueprint?.required ?? 'error';
    if (required === 'none') return;
    for (const field of missing) {
      if (required === 'warning') {
        this.add(anchor, 'warning', 'required', `Missing required field ${field} of ${entry.title}: the import fails ("This field is required.") if no object matches the identifiers, since the entry then creates one.`, field);
      } else {
        this.add(anchor, 'error', 'required', `Missing required field ${field} of ${entry.title}: This field is required.`, field, this.blueprint ? undefined : { kind: 'add-required', fields: missing });
      }
    }
  }

  private add(span: Span, severity: Severity, code: DiagnosticCode, message: string, field?: string, fix?: FixData): void {
    const diagnostic: StageDiagnostic = { start: span.start, end: Math.max(span.end, span.start), severity, code, message };
    if (field !== undefined) diagnostic.field = field;
    // Fixes that edit the document's top level would land outside a blueprint entry's body.
    if (fix && !(this.blueprint && (fix.kind === 'remove-key' || fix.kind === 'add-required'))) diagnostic.fix = fix;
    this.out.push(diagnostic);
  }

  private valueSpan(pointer: string): Span {
    return valueSpanAt(this.doc, pointer);
  }

  private keySpan(pointer: string): Span {
    return keySpanAt(this.doc, pointer);
  }

  private firstKeySpan(): Span | undefined {
    for (const location of this.doc.locations.values()) if (location.key) return location.key;
    return undefined;
  }
}

function containsTag(value: unknown): boolean {
  if (value instanceof TaggedValue) return true;
  if (Array.isArray(value)) return value.some(containsTag);
  return isPlainObject(value) && Object.values(value).some(containsTag);
}

function envVariableFor(root: Record<string, unknown>, key: string): string {
  const name = typeof root['name'] === 'string' ? root['name'] : '';
  const base = `${name}_${key}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[0-9]/.test(base) ? `_${base}` : base || key.toUpperCase();
}

function kindOf(value: unknown): string {
  if (value instanceof TaggedValue) return `a ${value.tag} value`;
  const type = pythonTypeName(value);
  return ({ NoneType: 'null', bool: 'a boolean', int: 'a number', float: 'a number', str: 'a text value', list: 'a list', dict: 'a mapping' } as Record<string, string>)[type]!;
}

function describePath(pointer: string): string {
  const [field, ...rest] = pointerSegments(pointer);
  return (field ?? '') + rest.map((segment) => `[${segment}]`).join('');
}

function codeFor(error: ErrorObject): DiagnosticCode {
  switch (error.keyword) {
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'multipleOf':
      return 'range';
    case 'minLength':
    case 'maxLength':
      return 'length';
    case 'pattern':
      return 'pattern';
    case 'minItems':
    case 'maxItems':
    case 'uniqueItems':
      return 'items';
    case 'enum':
    case 'const':
      return 'enum';
    case 'type':
      return 'type';
    default:
      return 'schema';
  }
}

/** DRF's wording for the limits the schema carries. */
function messageFor(error: ErrorObject, property: JsonSchema | undefined): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'maximum':
      return `Ensure this value is less than or equal to ${String(params['limit'])}.`;
    case 'minimum':
      return `Ensure this value is greater than or equal to ${String(params['limit'])}.`;
    case 'exclusiveMaximum':
      return `Ensure this value is less than ${String(params['limit'])}.`;
    case 'exclusiveMinimum':
      return `Ensure this value is greater than ${String(params['limit'])}.`;
    case 'maxLength':
      return `Ensure this field has no more than ${String(params['limit'])} characters.`;
    case 'minLength':
      return `Ensure this field has at least ${String(params['limit'])} characters.`;
    case 'pattern':
      return `This value does not match the required pattern ${String(params['pattern'])}.`;
    case 'minItems':
      return Number(params['limit']) === 1 ? 'This list may not be empty.' : `Ensure this field has at least ${String(params['limit'])} elements.`;
    case 'maxItems':
      return `Ensure this field has no more than ${String(params['limit'])} elements.`;
    case 'uniqueItems':
      return 'Items must be unique.';
    case 'enum':
      return `not a valid choice. Valid: ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'type':
      return `expected ${property ? describeType(property) : String(params['type'])}.`;
    case 'required':
      return `${String(params['missingProperty'])}: This field is required.`;
    default:
      return `does not match the schema (${error.keyword}).`;
  }
}
