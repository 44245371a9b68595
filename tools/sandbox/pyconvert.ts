/**
 * Python's conversions that DRF's fields lean on: `int(str)`, `float(str)`, `uuid.UUID(hex=…)`
 * and `uuid.UUID(int=…)`. Each returns `null` where Python raises `ValueError`.
 */
import { isPySpace, pyStrip } from './pyjson';

const DIGITS = /^\d(?:_?\d)*$/;

/** `int(text)` in base 10: whitespace around, a sign, digits with single `_` between them. */
export function pyIntFromString(text: string): bigint | null {
  let s = pyStrip(text);
  let negative = false;
  if (s.startsWith('+') || s.startsWith('-')) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  if (!DIGITS.test(s)) return null;
  const n = BigInt(s.replace(/_/g, ''));
  return negative ? -n : n;
}

const FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*)(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const FLOAT_SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;

/** `float(text)`: decimal and exponent forms, `inf`/`infinity`/`nan` in any case, `_` between digits. */
export function pyFloatFromString(text: string): number | null {
  const s = pyStrip(text);
  if (FLOAT_SPECIAL.test(s)) {
    const negative = s.startsWith('-');
    if (/nan/i.test(s)) return NaN;
    return negative ? -Infinity : Infinity;
  }
  if (!FLOAT.test(s)) return null;
  return Number(s.replace(/_/g, ''));
}

const TWO_128 = 1n << 128n;

function formatUuid(n: bigint): string {
  const hex = n.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `int(text, 16)`: whitespace, a sign, an optional `0x`, hex digits with single `_` between them. */
function pyIntHex(text: string): bigint | null {
  let s = text;
  let start = 0;
  let end = s.length;
  while (start < end && isPySpace(s[start]!)) start++;
  while (end > start && isPySpace(s[end - 1]!)) end--;
  s = s.slice(start, end);
  let negative = false;
  if (s.startsWith('+') || s.startsWith('-')) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  if (/^0[xX]/.test(s)) {
    s = s.slice(2);
    if (s.startsWith('_')) s = s.slice(1);
  }
  if (!/^[0-9a-fA-F](?:_?[0-9a-fA-F])*$/.test(s)) return null;
  const n = BigInt('0x' + s.replace(/_/g, ''));
  return negative ? -n : n;
}

/** `uuid.UUID(hex=text)` → the canonical lower-case form, or null where Python raises ValueError. */
export function uuidFromHex(text: string): string | null {
  let hex = text.replace(/urn:/g, '').replace(/uuid:/g, '');
  hex = hex.replace(/^[{}]+|[{}]+$/g, '').replace(/-/g, '');
  if ([...hex].length !== 32) return null;
  const n = pyIntHex(hex);
  if (n === null || n < 0n || n >= TWO_128) return null;
  return formatUuid(n);
}

/** `uuid.UUID(int=n)` → canonical form, or null outside 0 ≤ n < 2^128. */
export function uuidFromInt(n: bigint): string | null {
  if (n < 0n || n >= TWO_128) return null;
  return formatUuid(n);
}

/** True for a canonical lower-case UUID string. */
export function isCanonicalUuid(text: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(text);
}
