/**
 * How Python reads and prints the values a JSON body carries: the server is Django, so what it
 * accepts is decided by `int()`, `float()`, `str()` and `uuid.UUID()`.
 */

/** `int(text)`: surrounding whitespace, a sign, digits with single underscores between them. */
const PY_INT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;
const DIGITS = String.raw`\d+(?:_\d+)*`;
/** `float(text)`, including `inf`, `infinity` and `nan` in any case. */
const PY_FLOAT = new RegExp(String.raw`^\s*[+-]?(?:(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)\s*$`, 'i');

export function parsePythonInt(text: string): number | undefined {
  if (!PY_INT.test(text)) return undefined;
  return Number(text.trim().replace(/_/g, ''));
}

export function parsePythonFloat(text: string): number | undefined {
  if (!PY_FLOAT.test(text)) return undefined;
  const cleaned = text.trim().replace(/_/g, '').toLowerCase();
  if (/^[+-]?inf(inity)?$/.test(cleaned)) return cleaned.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(cleaned)) return Number.NaN;
  return Number(cleaned);
}

/** `str(value)` for the values a JSON body can hold. */
export function pythonStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pythonNumberStr(value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

function pythonRepr(value: unknown): string {
  return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : pythonStr(value);
}

function pythonNumberStr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return String(value);
}

/** The Python type name DRF puts in "got type ..." messages. */
export function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}

/**
 * `uuid.UUID(text)`: drops `urn:` and `uuid:`, surrounding braces and every hyphen, then wants 32
 * hex digits. Returns the canonical lower-case hyphenated form, or undefined.
 */
export function canonicalUuid(text: string): string | undefined {
  const hex = text.replace(/urn:/g, '').replace(/uuid:/g, '').replace(/^[{}]+|[{}]+$/g, '').replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return undefined;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
