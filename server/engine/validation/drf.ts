/**
 * What Django REST framework does with one field's value before any limit is checked: the
 * conversions it performs silently (numbers to text, "25" to 25, "yes" to true, trimmed
 * whitespace) and the inputs it refuses outright. Accepted conversions are reported as warnings
 * with the value the server would store; refusals are errors with DRF's own message.
 */
import type { JsonSchema, JsonSchemaType, JsonValue } from '../schema/types';
import { canonicalUuid, parsePythonFloat, parsePythonInt, pythonStr, pythonTypeName } from './python';
import { isValidEmail, isValidUrl } from './formats';

export type IssueCode =
  | 'null'
  | 'type'
  | 'blank'
  | 'enum'
  | 'format'
  | 'converted';

export interface FieldIssue {
  /** JSON pointer relative to the field (`""` for the field itself, `/0` for its first item). */
  pointer: string;
  severity: 'error' | 'warning';
  code: IssueCode;
  message: string;
  /** For `converted`: the canonical value, offered as a quick fix. */
  replacement?: JsonValue;
}

export interface Coerced {
  /** The value as the server would hold it, to check against the schema's limits. */
  value: unknown;
  /** False when the server refuses the value: the schema check is skipped for it. */
  accepted: boolean;
  issues: FieldIssue[];
}

const BOOL_TRUE = new Set<unknown>(['t', 'T', 'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON', '1', 1]);
const BOOL_FALSE = new Set<unknown>(['f', 'F', 'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF', '0', 0]);
const BOOL_NULL = new Set<unknown>(['null', 'Null', 'NULL', '']);
/** DRF refuses numeric strings longer than this before trying to read them. */
const MAX_NUMBER_STRING = 1000;

export function typesOf(schema: JsonSchema): JsonSchemaType[] {
  if (schema.type === undefined) return [];
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

export function isNullable(schema: JsonSchema): boolean {
  return typesOf(schema).includes('null') || (schema.enum?.includes(null) ?? false);
}

export function describeType(schema: JsonSchema): string {
  if (schema['x-authentik-duration']) return 'duration';
  if (schema.enum) return `one of ${schema.enum.filter((v) => v !== null).map((v) => JSON.stringify(v)).join(', ')}`;
  const base = typesOf(schema).filter((t) => t !== 'null');
  const names = base.map((t) => {
    if (t === 'array') return `list of ${schema.items ? describeType(schema.items) : 'values'}`;
    if (t === 'string' && schema.format === 'uuid') return 'UUID';
    if (t === 'string' && schema.format) return `string (${schema.format})`;
    return t;
  });
  return names.join(' or ') || 'any value';
}

export function coerce(schema: JsonSchema, value: unknown): Coerced {
  if (value === null || value === undefined) {
    if (isNullable(schema) || typesOf(schema).length === 0) return ok(null);
    return refuse('null', 'This field may not be null.');
  }
  if (schema.enum) return coerceChoice(schema, value);
  const types = typesOf(schema).filter((t) => t !== 'null');
  switch (types[0]) {
    case 'string':
      return coerceString(schema, value);
    case 'integer':
      return coerceInteger(value);
    case 'number':
      return coerceNumber(value);
    case 'boolean':
      return coerceBoolean(schema, value);
    case 'array':
      return coerceList(schema, value);
    case 'object':
      return coerceObject(schema, value);
    default:
      return ok(value);
  }
}

function ok(value: unknown, issues: FieldIssue[] = []): Coerced {
  return { value, accepted: true, issues };
}

function refuse(code: IssueCode, message: string): Coerced {
  return { value: undefined, accepted: false, issues: [{ pointer: '', severity: 'error', code, message }] };
}

function converted(value: JsonValue, original: unknown, note?: string): Coerced {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  const message = note ?? `The server accepts ${describeInput(original)} but stores it as ${shown}.`;
  return ok(value, [{ pointer: '', severity: 'warning', code: 'converted', message, replacement: value }]);
}

function describeInput(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return `${pythonTypeName(value) === 'bool' ? 'the boolean' : 'the number'} ${String(value)}`;
}

function coerceChoice(schema: JsonSchema, value: unknown): Coerced {
  const choices = schema.enum!;
  if (choices.some((choice) => choice === value)) return ok(value);
  // ChoiceField looks the input up by `str(input)` among the choices' own `str()`.
  if (typeof value !== 'object') {
    const key = pythonStr(value);
    const match = choices.find((choice) => choice !== null && pythonStr(choice) === key);
    if (match !== undefined) return converted(match, value);
  }
  return refuse('enum', `"${pythonStr(value)}" is not a valid choice. Valid: ${choices.filter((c) => c !== null).map((c) => JSON.stringify(c)).join(', ')}.`);
}

function coerceString(schema: JsonSchema, value: unknown): Coerced {
  if (typeof value === 'boolean' || (typeof value !== 'string' && typeof value !== 'number')) {
    return refuse('type', `Not a valid string: got ${pythonTypeName(value) === 'dict' ? 'a mapping' : pythonTypeName(value) === 'list' ? 'a list' : `the boolean ${String(value)}`}.`);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return refuse('type', 'Not a valid string: got a non-finite number.');
  const text = typeof value === 'number' ? pythonStr(value) : value;
  const trimmed = text.trim();
  if (trimmed === '' && (schema.minLength ?? 0) >= 1) return refuse('blank', text === '' ? 'This field may not be blank.' : 'This field may not be blank (the server trims whitespace).');
  const formatIssue = checkFormat(schema.format, trimmed);
  if (formatIssue) return formatIssue;
  const canonical = schema.format === 'uuid' ? canonicalUuid(trimmed)! : trimmed;
  if (typeof value === 'number') return converted(canonical, value, `The server accepts the number ${String(value)} here but stores it as the text ${JSON.stringify(canonical)}.`);
  // A YAML block scalar (`expression: |`) ends in one line break; the server drops it, and nobody means it.
  if (canonical === trimmed && text === `${trimmed}\n`) return ok(canonical);
  if (canonical !== text) {
    const why = trimmed !== text ? 'trims surrounding whitespace' : 'stores UUIDs in canonical form';
    return converted(canonical, value, `The server ${why}: it stores ${JSON.stringify(canonical)}.`);
  }
  return ok(text);
}

function checkFormat(format: string | undefined, text: string): Coerced | undefined {
  if (text === '') return undefined;
  switch (format) {
    case 'uuid':
      // Django's own message (typographic quotes): references are looked up through its UUIDField.
      return canonicalUuid(text) ? undefined : refuse('format', `\u201c${text}\u201d is not a valid UUID.`);
    case 'email':
      return isValidEmail(text) ? undefined : refuse('format', `Enter a valid email address ("${text}" is not one).`);
    case 'uri':
    case 'url':
      return isValidUrl(text) ? undefined : refuse('format', `Enter a valid URL ("${text}" is not one).`);
    default:
      return undefined;
  }
}

function coerceInteger(value: unknown): Coerced {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return ok(value);
    return refuse('type', `A valid integer is required (got ${value}).`);
  }
  if (typeof value === 'string') {
    if (value.length > MAX_NUMBER_STRING) return refuse('type', 'String value too large.');
    // IntegerField drops a trailing ".0" before calling int().
    const parsed = parsePythonInt(value.replace(/\.0*\s*$/, ''));
    if (parsed !== undefined && Number.isSafeInteger(parsed)) return converted(parsed, value);
    return refuse('type', `A valid integer is required (got ${JSON.stringify(value)}).`);
  }
  return refuse('type', `A valid integer is required (got ${pythonTypeName(value) === 'bool' ? `the boolean ${String(value)}` : `a ${pythonTypeName(value) === 'dict' ? 'mapping' : 'list'}`}).`);
}

function coerceNumber(value: unknown): Coerced {
  if (typeof value === 'number') {
    // YAML's .inf and .nan have no JSON form: the push could not send them.
    return Number.isFinite(value) ? ok(value) : refuse('type', 'A valid number is required: infinity and NaN cannot be sent as JSON (write "inf" or "nan" as text if that is really meant).');
  }
  if (typeof value === 'boolean') return converted(value ? 1 : 0, value);
  if (typeof value === 'string') {
    if (value.length > MAX_NUMBER_STRING) return refuse('type', 'String value too large.');
    const parsed = parsePythonFloat(value);
    if (parsed !== undefined && Number.isFinite(parsed)) return converted(parsed, value);
    // float() takes "inf" and "nan", and the server has no finiteness check: stored, but surely a mistake.
    if (parsed !== undefined) return ok(value, [{ pointer: '', severity: 'warning', code: 'converted', message: `The server accepts ${JSON.stringify(value)} and stores ${Number.isNaN(parsed) ? 'NaN' : 'infinity'}.` }]);
  }
  return refuse('type', `A valid number is required (got ${typeof value === 'string' ? JSON.stringify(value) : `a ${pythonTypeName(value) === 'dict' ? 'mapping' : 'list'}`}).`);
}

function coerceBoolean(schema: JsonSchema, value: unknown): Coerced {
  if (typeof value === 'boolean') return ok(value);
  if (BOOL_TRUE.has(value)) return converted(true, value);
  if (BOOL_FALSE.has(value)) return converted(false, value);
  if (BOOL_NULL.has(value) && isNullable(schema)) return converted(null, value);
  return refuse('type', `Must be a valid boolean: ${typeof value === 'string' ? JSON.stringify(value) : pythonStr(value)} is not one of true/false (also accepted: yes/no, on/off, 1/0).`);
}

function coerceList(schema: JsonSchema, value: unknown): Coerced {
  if (!Array.isArray(value)) return refuse('type', `Expected a list of items but got type "${pythonTypeName(value)}".`);
  const items = schema.items;
  if (!items) return ok(value);
  const issues: FieldIssue[] = [];
  const out: unknown[] = [];
  let accepted = true;
  value.forEach((item, index) => {
    const result = coerce(items, item);
    for (const issue of result.issues) issues.push({ ...issue, pointer: `/${index}${issue.pointer}` });
    if (!result.accepted) accepted = false;
    out.push(result.value);
  });
  return { value: accepted ? out : undefined, accepted, issues };
}

function coerceObject(schema: JsonSchema, value: unknown): Coerced {
  // `additionalProperties: {}` is a JSONField: any JSON value is stored as given.
  if (schema.additionalProperties === true && !schema.properties) {
    // authentik's JSONDictField refuses anything but a mapping.
    if (typeof value === 'object' && !Array.isArray(value)) return ok(value);
    return refuse('type', `Value must be a dictionary, and not have any duplicate keys (got ${pythonTypeName(value) === 'list' ? 'a list' : `type "${pythonTypeName(value)}"`}).`);
  }
  if (typeof value !== 'object' || Array.isArray(value)) return refuse('type', `Expected a dictionary of items but got type "${pythonTypeName(value)}".`);
  return ok(value);
}
