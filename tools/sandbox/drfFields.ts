/**
 * Django REST framework's fields, as the authentik API runs them on a request body: the empty,
 * blank and null checks, `to_internal_value` (type conversion), then every validator, with DRF's
 * exact messages. One {@link FieldSpec} describes a serializer field; {@link runField} is DRF's
 * `field.run_validation(value)`, {@link runSerializerFields} the field loop of
 * `Serializer.to_internal_value` (including `validate_<field>` methods).
 *
 * Values come from {@link parsePyJson}, so Python's int/float distinction is kept. Converted
 * values are plain JSON-safe values (what the store keeps): strings, numbers, booleans, null,
 * arrays, objects; related objects as canonical UUID strings.
 */
import { isValidEmail, isValidUrl } from './djangoValidators';
import { pyFloatFromString, pyIntFromString, uuidFromHex, uuidFromInt } from './pyconvert';
import { PyFloat, isPyDict, pyStr, pyStrip, pyTypeName, setKey, toPlain, type PyDict, type PyValue } from './pyjson';

export type FieldKind = 'char' | 'email' | 'url' | 'uuid' | 'integer' | 'float' | 'boolean' | 'choice' | 'list' | 'json' | 'jsondict' | 'pk' | 'manypk' | 'nested';

/** What a field needs from the server's data while it validates. */
export interface FieldContext {
  /** Does an object with this canonical pk exist for the related field's target? */
  exists(target: string, pk: string): boolean;
}

/** A validator from the field's `validators=[…]`: its messages (none = valid). May throw {@link ServerError}. */
export type FieldValidator = (value: unknown) => string[];

/** A `validate_<field>` method: one message or none. May throw {@link ServerError}. */
export type FieldHook = (value: unknown) => string | null;

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  required: boolean;
  allowNull: boolean;
  /** CharField `allow_blank`, ChoiceField `allow_blank`. */
  allowBlank: boolean;
  trimWhitespace: boolean;
  minLength?: number;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
  /** Choice keys; a key's `str()` is what the input's `str()` is compared with. */
  choices?: readonly (string | number)[];
  /** ListField child. */
  child?: FieldSpec;
  /** Nested serializer (`many=True`) fields. */
  nestedFields?: FieldSpec[];
  /** ListField/ManyRelatedField `allow_empty`. */
  allowEmpty: boolean;
  minItems?: number;
  maxItems?: number;
  writeOnly: boolean;
  /** Related fields: the collection the pk must exist in (none: only the UUID format is checked). */
  target?: string;
  /** Extra validators (model validators, `UniqueValidator`), run before DRF's own. */
  validators: FieldValidator[];
  /** `validate_<field>` of the serializer. */
  hook?: FieldHook;
  description?: string;
}

/** DRF error detail for one field: messages, or (lists) messages keyed by item index. */
export type FieldErrors = string[] | { [key: string]: FieldErrors } | Array<{ [key: string]: FieldErrors }>;

export type FieldResult = { ok: true; value: unknown } | { ok: false; errors: FieldErrors };

/** An error the real server does not catch: it answers HTTP 500. */
export class ServerError extends Error {}

export const MSG = {
  required: 'This field is required.',
  null: 'This field may not be null.',
  blank: 'This field may not be blank.',
  charInvalid: 'Not a valid string.',
  maxLength: (n: number) => `Ensure this field has no more than ${n} characters.`,
  minLength: (n: number) => `Ensure this field has at least ${n} characters.`,
  nullChars: 'Null characters are not allowed.',
  surrogate: (cp: number) => `Surrogate characters are not allowed: U+${cp.toString(16).toUpperCase()}.`,
  intInvalid: 'A valid integer is required.',
  floatInvalid: 'A valid number is required.',
  maxValue: (n: number | string) => `Ensure this value is less than or equal to ${n}.`,
  minValue: (n: number | string) => `Ensure this value is greater than or equal to ${n}.`,
  stringTooLarge: 'String value too large.',
  floatOverflow: 'Integer value too large to convert to float',
  boolInvalid: 'Must be a valid boolean.',
  choiceInvalid: (input: string) => `"${input}" is not a valid choice.`,
  emailInvalid: 'Enter a valid email address.',
  urlInvalid: 'Enter a valid URL.',
  uuidInvalid: 'Must be a valid UUID.',
  notAList: (type: string) => `Expected a list of items but got type "${type}".`,
  emptyList: 'This list may not be empty.',
  minItems: (n: number) => `Ensure this field has at least ${n} elements.`,
  maxItems: (n: number) => `Ensure this field has no more than ${n} elements.`,
  notADict: 'Value must be a dictionary, and not have any duplicate keys.',
  pkIncorrectType: (type: string) => `Incorrect type. Expected pk value, received ${type}.`,
  pkDoesNotExist: (value: string) => `Invalid pk "${value}" - object does not exist.`,
  djangoUuidInvalid: (value: string) => `“${value}” is not a valid UUID.`,
  invalidData: (type: string) => `Invalid data. Expected a dictionary, but got ${type}.`,
  noData: 'No data provided',
} as const;

const fail = (errors: FieldErrors): FieldResult => ({ ok: false, errors });
const ok = (value: unknown): FieldResult => ({ ok: true, value });

const CHAR_KINDS = new Set<FieldKind>(['char', 'email', 'url']);

const TRUE_VALUES = new Set<unknown>(['t', 'T', 'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON', '1', 1, true]);
const FALSE_VALUES = new Set<unknown>(['f', 'F', 'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF', '0', 0, false]);
const NULL_VALUES = new Set<unknown>(['null', 'Null', 'NULL', '', null]);

/** `len(str)` in Python: code points. */
function pyLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** DRF's `field.run_validation(data)` for a value that is present in the body. */
export function runField(spec: FieldSpec, input: PyValue, ctx: FieldContext): FieldResult {
  let data = input;
  if (CHAR_KINDS.has(spec.kind)) {
    // CharField.run_validation: the blank test comes first, before null and type checks.
    if (data === '' || (spec.trimWhitespace && data !== null && pyStrip(pyStr(data)) === '')) {
      return spec.allowBlank ? ok('') : fail([MSG.blank]);
    }
  }
  // RelatedField.run_validation: "" means None.
  if (spec.kind === 'pk' && data === '') data = null;
  if (data === null) return spec.allowNull ? ok(null) : fail([MSG.null]);

  const converted = toInternalValue(spec, data, ctx);
  if (!converted.ok) return converted;
  const errors = runValidators(spec, converted.value);
  if (errors.length > 0) return fail(errors);
  return typeof converted.value === 'bigint' ? ok(Number(converted.value)) : converted;
}

function runValidators(spec: FieldSpec, value: unknown): string[] {
  const errors: string[] = [];
  for (const validator of spec.validators) errors.push(...validator(typeof value === 'bigint' ? Number(value) : value));
  if (CHAR_KINDS.has(spec.kind) && typeof value === 'string') {
    if (spec.maxLength !== undefined && pyLen(value) > spec.maxLength) errors.push(MSG.maxLength(spec.maxLength));
    if (spec.minLength !== undefined && pyLen(value) < spec.minLength) errors.push(MSG.minLength(spec.minLength));
    if (value.includes('\x00')) errors.push(MSG.nullChars);
    for (const ch of value) {
      const cp = ch.codePointAt(0)!;
      if (cp >= 0xd800 && cp <= 0xdfff) {
        errors.push(MSG.surrogate(cp));
        break;
      }
    }
    if (spec.kind === 'email' && !isValidEmail(value)) errors.push(MSG.emailInvalid);
    if (spec.kind === 'url' && !isValidUrl(value)) errors.push(MSG.urlInvalid);
  }
  if (spec.kind === 'integer' && typeof value === 'bigint') {
    if (spec.maxValue !== undefined && value > BigInt(spec.maxValue)) errors.push(MSG.maxValue(spec.maxValue));
    if (spec.minValue !== undefined && value < BigInt(spec.minValue)) errors.push(MSG.minValue(spec.minValue));
  }
  if (spec.kind === 'float' && typeof value === 'number') {
    if (spec.maxValue !== undefined && value > spec.maxValue) errors.push(MSG.maxValue(spec.maxValue));
    if (spec.minValue !== undefined && value < spec.minValue) errors.push(MSG.minValue(spec.minValue));
  }
  if (spec.kind === 'list' || spec.kind === 'manypk') {
    const n = (value as unknown[]).length;
    if (spec.minItems !== undefined && n < spec.minItems) errors.push(MSG.minItems(spec.minItems));
    if (spec.maxItems !== undefined && n > spec.maxItems) errors.push(MSG.maxItems(spec.maxItems));
  }
  if (spec.kind === 'jsondict' && (typeof value !== 'object' || value === null || Array.isArray(value))) errors.push(MSG.notADict);
  return errors;
}

function toInternalValue(spec: FieldSpec, data: Exclude<PyValue, null>, ctx: FieldContext): FieldResult {
  switch (spec.kind) {
    case 'char':
    case 'email':
    case 'url': {
      if (typeof data === 'boolean' || !(typeof data === 'string' || typeof data === 'number' || typeof data === 'bigint' || data instanceof PyFloat)) {
        return fail([MSG.charInvalid]);
      }
      const text = pyStr(data);
      return ok(spec.trimWhitespace ? pyStrip(text) : text);
    }
    case 'integer': {
      if (typeof data === 'string' && pyLen(data) > 1000) return fail([MSG.stringTooLarge]);
      const n = pyIntFromString(pyStr(data).replace(/\.0*\s*$/u, ''));
      // A Python int: kept as bigint until the range validators have compared it exactly.
      return n === null ? fail([MSG.intInvalid]) : ok(n);
    }
    case 'float': {
      if (typeof data === 'string' && pyLen(data) > 1000) return fail([MSG.stringTooLarge]);
      if (typeof data === 'boolean') return ok(data ? 1 : 0);
      if (data instanceof PyFloat) return ok(data.value);
      if (typeof data === 'number') return ok(data);
      if (typeof data === 'bigint') {
        const n = Number(data);
        return Number.isFinite(n) ? ok(n) : fail([MSG.floatOverflow]);
      }
      if (typeof data === 'string') {
        const n = pyFloatFromString(data);
        return n === null ? fail([MSG.floatInvalid]) : ok(n);
      }
      return fail([MSG.floatInvalid]);
    }
    case 'boolean': {
      const key = data instanceof PyFloat ? data.value : typeof data === 'bigint' ? Number(data) : data;
      if (typeof key === 'object') return fail([MSG.boolInvalid]); // unhashable (list, dict)
      if (TRUE_VALUES.has(key)) return ok(true);
      if (FALSE_VALUES.has(key)) return ok(false);
      if (spec.allowNull && NULL_VALUES.has(key)) return ok(null);
      return fail([MSG.boolInvalid]);
    }
    case 'choice': {
      if (data === '' && spec.allowBlank) return ok('');
      const wanted = pyStr(data);
      const match = (spec.choices ?? []).find((choice) => String(choice) === wanted);
      return match === undefined ? fail([MSG.choiceInvalid(wanted)]) : ok(match);
    }
    case 'uuid': {
      let canonical: string | null = null;
      if (typeof data === 'number' || typeof data === 'bigint' || typeof data === 'boolean') {
        canonical = typeof data === 'boolean' ? uuidFromInt(data ? 1n : 0n) : Number.isInteger(data) || typeof data === 'bigint' ? uuidFromInt(BigInt(data)) : null;
      } else if (typeof data === 'string') canonical = uuidFromHex(data);
      return canonical === null ? fail([MSG.uuidInvalid]) : ok(canonical);
    }
    case 'pk':
      return relatedPk(spec, data, ctx);
    case 'manypk': {
      if (typeof data === 'string' || !(Array.isArray(data) || isPyDict(data))) return fail([MSG.notAList(pyTypeName(data))]);
      const items: PyValue[] = Array.isArray(data) ? data : Object.keys(data);
      if (!spec.allowEmpty && items.length === 0) return fail([MSG.emptyList]);
      const out: string[] = [];
      for (const item of items) {
        const result = relatedPk(spec, item, ctx);
        if (!result.ok) return result;
        if (!out.includes(result.value as string)) out.push(result.value as string);
      }
      return ok(out);
    }
    case 'list': {
      if (typeof data === 'string' || isPyDict(data) || !Array.isArray(data)) return fail([MSG.notAList(pyTypeName(data))]);
      if (!spec.allowEmpty && data.length === 0) return fail([MSG.emptyList]);
      const child = spec.child;
      if (!child) return ok(toPlain(data));
      const out: unknown[] = [];
      const errors: { [key: string]: FieldErrors } = {};
      data.forEach((item, index) => {
        const result = runField(child, item, ctx);
        if (result.ok) out.push(result.value);
        else errors[String(index)] = result.errors;
      });
      return Object.keys(errors).length > 0 ? fail(errors) : ok(out);
    }
    case 'nested': {
      if (!Array.isArray(data)) return fail({ non_field_errors: [MSG.notAList(pyTypeName(data))] });
      const results = data.map((item) => runSerializerFields(spec.nestedFields ?? [], item, false, ctx));
      if (results.some((r) => !r.ok)) return fail(results.map((r) => (r.ok ? {} : r.errors)));
      return ok(results.map((r) => (r.ok ? r.attrs : {})));
    }
    case 'json':
    case 'jsondict':
      return ok(toPlain(data));
  }
}

/** PrimaryKeyRelatedField.to_internal_value over a UUID-keyed model (§3.1 of docs/server-rules.md). */
function relatedPk(spec: FieldSpec, data: PyValue, ctx: FieldContext): FieldResult {
  if (typeof data === 'boolean') return fail([MSG.pkIncorrectType('bool')]);
  if (data === null) return fail([MSG.pkDoesNotExist('None')]);
  let canonical: string | null = null;
  if ((typeof data === 'number' && Number.isInteger(data)) || typeof data === 'bigint') canonical = uuidFromInt(BigInt(data));
  else if (typeof data === 'string') canonical = uuidFromHex(data);
  if (canonical === null) return fail([MSG.djangoUuidInvalid(pyStr(data))]);
  if (spec.target !== undefined && !ctx.exists(spec.target, canonical)) return fail([MSG.pkDoesNotExist(pyStr(data))]);
  return ok(canonical);
}

export type SerializerResult = { ok: true; attrs: Record<string, unknown> } | { ok: false; errors: { [field: string]: FieldErrors } };

/**
 * The body type check and the field loop of `Serializer.to_internal_value`: every writable field in
 * declaration order, required unless `partial`, errors collected for all fields; a field's
 * `validate_<field>` hook runs once the field itself is valid.
 */
export function runSerializerFields(fields: readonly FieldSpec[], body: PyValue, partial: boolean, ctx: FieldContext): SerializerResult {
  if (body === null) return { ok: false, errors: { non_field_errors: [MSG.noData] } };
  if (!isPyDict(body)) return { ok: false, errors: { non_field_errors: [MSG.invalidData(pyTypeName(body))] } };
  const attrs: Record<string, unknown> = {};
  const errors: { [field: string]: FieldErrors } = {};
  const data: PyDict = body;
  for (const field of fields) {
    if (!Object.prototype.hasOwnProperty.call(data, field.name)) {
      if (partial) continue;
      if (field.required) errors[field.name] = [MSG.required];
      continue;
    }
    const result = runField(field, data[field.name]!, ctx);
    if (!result.ok) {
      errors[field.name] = result.errors;
      continue;
    }
    if (field.hook) {
      const message = field.hook(result.value);
      if (message !== null) {
        errors[field.name] = [message];
        continue;
      }
    }
    setKey(attrs, field.name, result.value);
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, attrs };
}

/** A field spec with DRF's defaults for everything not given. */
export function fieldSpec(name: string, kind: FieldKind, extra: Partial<FieldSpec> = {}): FieldSpec {
  return {
    name,
    kind,
    required: false,
    allowNull: false,
    allowBlank: false,
    trimWhitespace: true,
    allowEmpty: true,
    writeOnly: false,
    validators: [],
    ...extra,
  };
}
