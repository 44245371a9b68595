/**
 * JSON the way the authentik server (Python's `json` module behind DRF's `JSONParser`) reads it,
 * and the Python `str()`/`repr()`/`type().__name__` of the values it produces.
 *
 * Python tells integers from floats (`5` is an `int`, `5.0` a `float`), and DRF's fields care:
 * a `CharField` stores `str(5.0)` = `"5.0"`, a `ChoiceField` looks up `str(value)`, an
 * `IntegerField` rejects `str(1e16)` = `"1e+16"`. `JSON.parse` loses that, so this module parses
 * JSON itself: integer literals become JS numbers (or `bigint` beyond 2^53), literals with a
 * fraction or exponent become {@link PyFloat}. Parse errors carry CPython's messages
 * (`Expecting value: line 1 column 1 (char 0)`), and `NaN`/`Infinity` are refused as DRF's strict
 * JSON parser does.
 */

/** A Python `float` (a JSON number literal with a fraction or an exponent). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A JSON value as Python sees it. Objects are null-prototype dictionaries. */
export type PyValue = null | boolean | number | bigint | PyFloat | string | PyValue[] | PyDict;
export interface PyDict {
  [key: string]: PyValue;
}

/** A `json.JSONDecodeError` (or DRF's strict-constant `ValueError`), with Python's message. */
export class PyJsonError extends Error {}

export function isPyDict(value: unknown): value is PyDict {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof PyFloat);
}

export function newPyDict(): PyDict {
  return Object.create(null) as PyDict;
}

/** Sets a key on a dictionary without tripping over `__proto__` and friends. */
export function setKey<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const WS = new Set([' ', '\t', '\n', '\r']);

/** Parses `text` as CPython's `json.loads` with DRF's strict constants does. */
export function parsePyJson(text: string): PyValue {
  if (text.startsWith('\ufeff')) throw errorAt('Unexpected UTF-8 BOM (decode using utf-8-sig)', text, 0);
  const parser = new Parser(text);
  let pos = parser.skipWs(0);
  const [value, end] = parser.value(pos);
  pos = parser.skipWs(end);
  if (pos !== text.length) throw errorAt('Extra data', text, pos);
  return value;
}

function codePointIndex(text: string, pos: number): number {
  let n = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < pos) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

function errorAt(message: string, text: string, pos: number): PyJsonError {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const lastNl = before.lastIndexOf('\n');
  const char = codePointIndex(text, pos);
  const column = lastNl < 0 ? char + 1 : char - codePointIndex(text, lastNl);
  return new PyJsonError(`${message}: line ${line} column ${column} (char ${char})`);
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;

class Parser {
  constructor(private readonly s: string) {}

  skipWs(pos: number): number {
    while (pos < this.s.length && WS.has(this.s[pos]!)) pos++;
    return pos;
  }

  value(pos: number): [PyValue, number] {
    const s = this.s;
    const c = s[pos];
    if (c === '"') return this.string(pos + 1);
    if (c === '{') return this.object(pos + 1);
    if (c === '[') return this.array(pos + 1);
    if (c === 'n' && s.startsWith('null', pos)) return [null, pos + 4];
    if (c === 't' && s.startsWith('true', pos)) return [true, pos + 4];
    if (c === 'f' && s.startsWith('false', pos)) return [false, pos + 5];
    if (c === 'N' && s.startsWith('NaN', pos)) throw new PyJsonError("Out of range float values are not JSON compliant: 'NaN'");
    if (c === 'I' && s.startsWith('Infinity', pos)) throw new PyJsonError("Out of range float values are not JSON compliant: 'Infinity'");
    if (c === '-' && s.startsWith('-Infinity', pos)) throw new PyJsonError("Out of range float values are not JSON compliant: '-Infinity'");
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(s);
    if (m && m.index === pos) {
      const literal = m[0];
      const end = pos + literal.length;
      if (m[1] !== undefined || m[2] !== undefined) return [new PyFloat(Number(literal)), end];
      const n = Number(literal);
      return [Number.isSafeInteger(n) ? n : BigInt(literal), end];
    }
    throw errorAt('Expecting value', s, pos);
  }

  string(pos: number): [string, number] {
    const s = this.s;
    const begin = pos - 1;
    let out = '';
    let chunkStart = pos;
    for (;;) {
      if (pos >= s.length) throw errorAt('Unterminated string starting at', s, begin);
      const ch = s.charCodeAt(pos);
      if (ch === 0x22) {
        out += s.slice(chunkStart, pos);
        return [out, pos + 1];
      }
      if (ch < 0x20) throw errorAt('Invalid control character at', s, pos);
      if (ch !== 0x5c) {
        pos++;
        continue;
      }
      out += s.slice(chunkStart, pos);
      const esc = s[pos + 1];
      if (esc === undefined) throw errorAt('Unterminated string starting at', s, begin);
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (esc in simple) {
        out += simple[esc];
        pos += 2;
      } else if (esc === 'u') {
        const unit = this.hex4(pos + 2, pos);
        pos += 6;
        if (unit >= 0xd800 && unit <= 0xdbff && s[pos] === '\\' && s[pos + 1] === 'u') {
          const low = this.hex4(pos + 2, pos);
          if (low >= 0xdc00 && low <= 0xdfff) {
            out += String.fromCharCode(unit, low);
            pos += 6;
          } else out += String.fromCharCode(unit);
        } else out += String.fromCharCode(unit);
      } else {
        throw errorAt('Invalid \\escape', s, pos);
      }
      chunkStart = pos;
    }
  }

  private hex4(at: number, escapeAt: number): number {
    const digits = this.s.slice(at, at + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) throw errorAt('Invalid \\uXXXX escape', this.s, escapeAt);
    return parseInt(digits, 16);
  }

  object(pos: number): [PyDict, number] {
    const s = this.s;
    const out = newPyDict();
    pos = this.skipWs(pos);
    if (s[pos] === '}') return [out, pos + 1];
    for (;;) {
      if (s[pos] !== '"') throw errorAt('Expecting property name enclosed in double quotes', s, pos);
      const [key, afterKey] = this.string(pos + 1);
      pos = this.skipWs(afterKey);
      if (s[pos] !== ':') throw errorAt("Expecting ':' delimiter", s, pos);
      pos = this.skipWs(pos + 1);
      const [value, afterValue] = this.value(pos);
      setKey(out, key, value);
      pos = this.skipWs(afterValue);
      if (s[pos] === '}') return [out, pos + 1];
      if (s[pos] !== ',') throw errorAt("Expecting ',' delimiter", s, pos);
      const comma = pos;
      pos = this.skipWs(pos + 1);
      if (s[pos] === '}') throw errorAt('Illegal trailing comma before end of object', s, comma);
    }
  }

  array(pos: number): [PyValue[], number] {
    const s = this.s;
    const out: PyValue[] = [];
    pos = this.skipWs(pos);
    if (s[pos] === ']') return [out, pos + 1];
    for (;;) {
      const [value, after] = this.value(pos);
      out.push(value);
      pos = this.skipWs(after);
      if (s[pos] === ']') return [out, pos + 1];
      if (s[pos] !== ',') throw errorAt("Expecting ',' delimiter", s, pos);
      const comma = pos;
      pos = this.skipWs(pos + 1);
      if (s[pos] === ']') throw errorAt('Illegal trailing comma before end of array', s, comma);
    }
  }
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form outside 1e-4 ≤ |x| < 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exp >= -4 && exp < 16) {
    let text: string;
    if (exp >= digits.length - 1) text = digits + '0'.repeat(exp - digits.length + 1) + '.0';
    else if (exp >= 0) text = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
    else text = `0.${'0'.repeat(-exp - 1)}${digits}`;
    return sign + text;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp).toString().padStart(2, '0');
  return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
}

/** Python's `repr(str)`. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + quote;
}

/** Python's `repr()` of a parsed JSON value. */
export function pyRepr(value: PyValue): string {
  if (typeof value === 'string') return pyStrRepr(value);
  return pyStr(value);
}

/** Python's `str()` of a parsed JSON value (`True`, `None`, `1.0`, `['a', 1]`, `{'a': 1}`). */
export function pyStr(value: PyValue): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloatRepr(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return value;
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  return `{${Object.keys(value)
    .map((k) => `${pyStrRepr(k)}: ${pyRepr(value[k]!)}`)
    .join(', ')}}`;
}

/** Python's `type(value).__name__`. */
export function pyTypeName(value: PyValue): string {
  if (value === null) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'string') return 'str';
  if (value instanceof PyFloat) return 'float';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}

/** Python truthiness. */
export function pyTruthy(value: PyValue | undefined): boolean {
  if (value === undefined || value === null || value === false || value === '' || value === 0 || value === 0n) return false;
  if (value instanceof PyFloat) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (isPyDict(value)) return Object.keys(value).length > 0;
  return true;
}

/** Python's whitespace (`str.isspace`), which `str.strip()` removes: JS `\s` minus U+FEFF plus U+001C–U+001F and U+0085. */
export function isPySpace(ch: string): boolean {
  return ch !== '\ufeff' && (/^\s$/u.test(ch) || /^[\x1c-\x1f\x85]$/.test(ch));
}

/** Python's `str.strip()`. */
export function pyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isPySpace(s[start]!)) start++;
  while (end > start && isPySpace(s[end - 1]!)) end--;
  return s.slice(start, end);
}

/** A plain JSON-safe value (what the store keeps): floats become numbers, big integers numbers. */
export function toPlain(value: PyValue): unknown {
  if (value instanceof PyFloat) return value.value;
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (isPyDict(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) setKey(out, k, toPlain(value[k]!));
    return out;
  }
  return value;
}

/** Back from a plain value: non-integral numbers become floats. */
export function fromPlain(value: unknown): PyValue {
  if (typeof value === 'number') return Number.isInteger(value) ? value : new PyFloat(value);
  if (value === null || typeof value === 'boolean' || typeof value === 'string' || typeof value === 'bigint') return value;
  if (Array.isArray(value)) return value.map(fromPlain);
  if (typeof value === 'object') {
    const out = newPyDict();
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) setKey(out, k, fromPlain(v));
    return out;
  }
  return null;
}
