/**
 * Values as YAML or JSON text that the parser reads back as exactly that value, whatever the
 * value holds: a string from a server may carry newlines, quotes, `: `, `#`, tags, document
 * markers or control characters, and none of it may turn into structure. Each representation is
 * chosen only where it is exact (plain and block scalars under strict rules, verified); everything
 * else is double-quoted with escapes, which can say any string on one line.
 */
import { parse } from 'yaml';
import { TaggedValue } from './tags';

export type ScalarStyle = 'plain' | 'double' | 'single';

/**
 * A YAML value for a place after `key:` or `- `: `head` goes on that line (after a space; empty
 * for a block collection), `lines` follow it, each already indented.
 */
export interface YamlValueText {
  head: string;
  lines: string[];
}

/** Text that YAML and JSON both read as the value (JSON.stringify, escaped further); one line unless `indent`. */
export function jsonText(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, refuseTags, indent) as string | undefined;
  // JSON leaves these raw; escaped, they survive every reader and show in every editor.
  return (text ?? 'null').replace(ESCAPED_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** JSON has no tags: a tagged value (`!Find […]`) cannot be written into a JSON stage file. */
function refuseTags(_key: string, item: unknown): unknown {
  if (item instanceof TaggedValue) throw new Error(`${item.tag} is a YAML tag: a JSON stage file cannot hold it.`);
  return item;
}

/**
 * A tag with its value in flow form, on one line: `!Find [authentik_flows.flow, [slug, x]]`,
 * `!Env NAME` — the form blueprints use; tags inside (an `!Env` value of a `!Find`) likewise.
 */
function taggedText(tagged: TaggedValue): string {
  const inner = tagged.value;
  if (inner === null || inner === undefined || inner === '') return tagged.tag;
  return `${tagged.tag} ${flowText(inner)}`;
}

function flowText(value: unknown): string {
  if (value instanceof TaggedValue) return taggedText(value);
  if (Array.isArray(value)) return `[${value.map((item: unknown) => flowText(item)).join(', ')}]`;
  if (isRecord(value)) return `{${Object.entries(value).map(([key, item]) => `${yamlKeyText(key)}: ${flowText(item)}`).join(', ')}}`;
  return yamlInlineText(value);
}

/** DEL, C1 controls, NBSP, zero-width and bidirectional controls, U+2028/U+2029, BOM, non-characters. */
const ESCAPED_IN_JSON = /[\u007f-\u00a0\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufffe\uffff]/g;

/** A value on one line, fit for any place a YAML value can stand, inside flow collections too. */
export function yamlInlineText(value: unknown, style: ScalarStyle = 'plain'): string {
  if (value instanceof TaggedValue) return taggedText(value);
  // `,[]{}` end a plain scalar in a flow collection.
  if (typeof value === 'string') return scalarText(value, style === 'plain' && /[,[\]{}]/.test(value) ? 'double' : style);
  const scalar = nonStringScalar(value);
  if (scalar !== undefined) return scalar;
  return jsonText(value);
}

/** A value as YAML at `indent` (the column its block lines start at), preferring `style` for a string. */
export function yamlValueText(value: unknown, indent: number, style: ScalarStyle = 'plain'): YamlValueText {
  if (value instanceof TaggedValue) return { head: taggedText(value), lines: [] };
  if (typeof value === 'string') {
    const literal = literalBlock(value, indent, style);
    return literal ?? { head: scalarText(value, style), lines: [] };
  }
  const scalar = nonStringScalar(value);
  if (scalar !== undefined) return { head: scalar, lines: [] };
  if (Array.isArray(value)) {
    if (value.length === 0) return { head: '[]', lines: [] };
    return { head: '', lines: value.flatMap((item) => sequenceItem(item as unknown, indent)) };
  }
  if (isRecord(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return { head: '{}', lines: [] };
    return { head: '', lines: keys.flatMap((key) => yamlPairLines(key, value[key], indent)) };
  }
  // Not a JSON value (undefined, a function, a class instance): written as null, which the
  // editor's check then refuses, naming the field.
  return { head: 'null', lines: [] };
}

/** `key: value` at column `indent`, as lines (the first holds the key). */
export function yamlPairLines(key: string, value: unknown, indent: number): string[] {
  const rendered = yamlValueText(value, indent + 2);
  const first = `${' '.repeat(indent)}${yamlKeyText(key)}:${rendered.head ? ` ${rendered.head}` : ''}`;
  return [first, ...rendered.lines];
}

/** A mapping key: plain when it is a simple word YAML cannot read as anything else. */
export function yamlKeyText(key: string): string {
  return /^[A-Za-z_][\w-]*$/.test(key) && isPlainSafe(key) ? key : doubleQuoted(key);
}

function sequenceItem(item: unknown, indent: number): string[] {
  const rendered = yamlValueText(item, indent + 2);
  const dash = `${' '.repeat(indent)}-`;
  if (rendered.head !== '' || rendered.lines.length === 0) return [`${dash} ${rendered.head}`, ...rendered.lines];
  // A collection in a list: its first line shares the dash's line (`- key: value`, `- - item`).
  const [first, ...rest] = rendered.lines;
  return [`${dash} ${first!.slice(indent + 2)}`, ...rest];
}

function nonStringScalar(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    // String() gives the shortest text that reads back as the same double; YAML 1.2 reads it so.
    return String(value);
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function scalarText(value: string, style: ScalarStyle): string {
  if (style === 'plain' && isPlainSafe(value)) return value;
  if (style !== 'double' && isSingleQuoteSafe(value) && (style === 'single' || (value.includes('"') && !value.includes("'")))) {
    return `'${value.replace(/'/g, "''")}'`;
  }
  return doubleQuoted(value);
}

/**
 * Characters written as they are: printable ones that every YAML reader (and editor) keeps as
 * they are. Line breaks, tabs, C0/C1 controls, DEL, NBSP, U+2028/U+2029 (line breaks to some
 * readers), zero-width and bidirectional controls (they hide or reorder text on screen), the
 * byte-order mark, non-characters and unpaired surrogates are escaped instead.
 */
function isPlainChar(code: number): boolean {
  if (code >= 0x20 && code <= 0x7e) return true;
  if (code <= 0xa0) return false;
  if ((code >= 0x200b && code <= 0x200f) || (code >= 0x2028 && code <= 0x202e) || (code >= 0x2060 && code <= 0x2069)) return false;
  if (code === 0xfeff || code === 0xfffe || code === 0xffff) return false;
  if (code >= 0xd800 && code <= 0xdfff) return false;
  return code <= 0x10ffff;
}

function allPlainChars(text: string): boolean {
  for (const char of text) if (!isPlainChar(char.codePointAt(0)!)) return false;
  return true;
}

/** What YAML 1.2's core schema reads as something other than a string (the parser's own patterns). */
const NOT_A_STRING = [
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/,
  /^0o[0-7]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^[-+]?\.(?:inf|Inf|INF)$/,
  /^\.(?:nan|NaN|NAN)$/,
];

/** A plain scalar after `key: ` or `- ` in block context reads back as exactly `value`. */
function isPlainSafe(value: string): boolean {
  if (value === '' || !allPlainChars(value)) return false;
  if (value.startsWith(' ') || value.endsWith(' ') || value.endsWith(':')) return false;
  // Indicators that start something else; `-` only when a space follows (a list), so `-x` is plain.
  if (/^[?:,[\]{}#&*!|>'"%@`]/.test(value) || /^-(?: |$)/.test(value)) return false;
  if (value.includes(': ') || value.includes(' #')) return false;
  if (NOT_A_STRING.some((pattern) => pattern.test(value))) return false;
  // The patterns above are the core schema's own; what is left to the parser is structure at the
  // start (`---`, `...`, `- `), and it has the last word there.
  if (!/^[-.]/.test(value)) return true;
  try {
    return parse(value, { version: '1.2', strict: true }) === value;
  } catch {
    return false;
  }
}

function isSingleQuoteSafe(value: string): boolean {
  return allPlainChars(value);
}

const ESCAPES: Record<number, string> = { 0: '\\0', 9: '\\t', 10: '\\n', 13: '\\r', 27: '\\e', 34: '\\"', 92: '\\\\', 0x85: '\\N', 0x2028: '\\L', 0x2029: '\\P' };

/** A double-quoted YAML scalar on one line: exact for every string. */
export function doubleQuoted(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    const escape = ESCAPES[code];
    if (escape) out += escape;
    else if (isPlainChar(code)) out += char;
    else if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

/**
 * A literal block scalar (`|` or `|-`) when it is exact: several lines, no line starting with a
 * space (its indentation would be ambiguous), printable characters only, and at most one final
 * newline (a kept `|+` would also take the blank lines that follow it in the file).
 */
function literalBlock(value: string, indent: number, style: ScalarStyle): YamlValueText | undefined {
  if (style === 'double' || !value.includes('\n')) return undefined;
  const clip = value.endsWith('\n');
  const body = clip ? value.slice(0, -1) : value;
  if (body.endsWith('\n') || body === '') return undefined;
  const lines = body.split('\n');
  if (!lines.every((line) => allPlainChars(line) && !line.startsWith(' '))) return undefined;
  if (!lines.some((line) => line !== '')) return undefined;
  const pad = ' '.repeat(indent);
  return { head: clip ? '|' : '|-', lines: lines.map((line) => (line === '' ? '' : `${pad}${line}`)) };
}
