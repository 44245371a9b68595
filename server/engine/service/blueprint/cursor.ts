/**
 * Where the cursor is in a blueprint being typed, read from the text around it: the parse of an
 * unfinished line says little (`attrs:` followed by `na` is the text "na"), but the indentation
 * of the lines above says which mapping the line belongs to.
 */
import type { Position, Range } from 'vscode-languageserver-types';

/** A list item in a path. */
export const ITEM = '-';

export interface BlueprintCursor {
  /** `key`: a key being typed; `value`: after `key: `; `item`: after `- ` (the path is the list's). */
  readonly kind: 'key' | 'value' | 'item';
  /** The keys from the root down to what is typed, `-` for a list item: `entries/-/attrs` for a key in attrs, `entries/-/attrs/name` for its value. */
  readonly path: readonly string[];
  /** The text after `key: ` or `- ` up to the cursor (a tag and its arguments included). */
  readonly valueText: string;
  /** The range of `valueText` (or of the key typed). */
  readonly range: Range;
}

const LINE = /^([ \t]*)((?:-[ \t]+)*)(.*)$/;
const KEY_TYPED = /^([A-Za-z_][\w.-]*|)$/;
const VALUE_TYPED = /^([A-Za-z_][\w./-]*):[ \t]+(.*)$/;
/** A line that opens or holds a key, after its indentation and dashes. */
const KEY_LINE = /^([A-Za-z_][\w./-]*|"[^"]*"|'[^']*'):(?:[ \t]|$)/;

export function blueprintCursor(text: string, offset: number, position: Position): BlueprintCursor | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const [, indent = '', dashes = '', rest = ''] = LINE.exec(text.slice(lineStart, offset)) ?? [];
  if (rest.includes('#')) return undefined;
  const dashColumns = columnsOfDashes(indent.length, dashes);
  const outer = parentKeys(text, lineStart, dashColumns[0] ?? indent.length, dashColumns.length > 0);
  const items = dashColumns.map(() => ITEM);
  const range = (typed: string): Range => ({ start: { line: position.line, character: position.character - typed.length }, end: position });
  const value = VALUE_TYPED.exec(rest);
  if (value) return { kind: 'value', path: [...outer, ...items, value[1]!], valueText: value[2]!, range: range(value[2]!) };
  if (dashColumns.length && !rest.includes(':')) return { kind: 'item', path: [...outer, ...items.slice(1)], valueText: rest, range: range(rest) };
  if (KEY_TYPED.test(rest)) return { kind: 'key', path: [...outer, ...items], valueText: rest, range: range(rest) };
  return undefined;
}

function columnsOfDashes(start: number, dashes: string): number[] {
  const columns: number[] = [];
  for (let i = 0; i < dashes.length; i++) if (dashes[i] === '-') columns.push(start + i);
  return columns;
}

/**
 * The keys (and list items) that contain a line whose content starts at `column`, outermost first.
 * `fromDash`: the content is a list item, which YAML lets sit at its key's own indentation.
 */
function parentKeys(text: string, lineStart: number, column: number, fromDash: boolean): string[] {
  const inner: string[] = [];
  let limit = column;
  let itemLimit = fromDash;
  for (let end = lineStart - 1; end > 0 && (limit > 0 || itemLimit); ) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const lineEnd = end;
    end = start - 1;
    // Deeper lines (most of a long list) are passed over on their indentation alone.
    if (deeperThan(text, start, limit, itemLimit)) continue;
    const [, indent = '', dashes = '', rest = ''] = LINE.exec(text.slice(start, lineEnd)) ?? [];
    if ((rest.trim() === '' && dashes === '') || rest.startsWith('#')) continue;
    const key = KEY_LINE.exec(rest)?.[1];
    const ownsItem = itemLimit && dashes === '' && key !== undefined && indent.length === limit;
    if (indent.length >= limit && !ownsItem) continue;
    const keyColumn = indent.length + dashes.length;
    if (key !== undefined && (keyColumn < limit || ownsItem)) inner.push(key.replace(/^["']|["']$/g, ''));
    const dashColumns = columnsOfDashes(indent.length, dashes).filter((c) => c < limit);
    for (let i = dashColumns.length - 1; i >= 0; i--) inner.push(ITEM);
    if (key === undefined && dashColumns.length === 0) continue;
    itemLimit = dashColumns.length > 0;
    limit = dashColumns[0] ?? keyColumn;
  }
  return inner.reverse();
}

/** The line is indented past `limit` (or at it, where only a key owning the list item counts), or blank. */
function deeperThan(text: string, start: number, limit: number, itemLimit: boolean): boolean {
  let i = start;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
  const width = i - start;
  const next = text[i];
  if (next === undefined || next === '\n' || next === '\r') return true;
  return width > limit || (width === limit && (!itemLimit || next === '-'));
}

/** Where an entry's own keys are: the path below `entries/-` or `entries/<section>/-`, or undefined outside entries. */
export function withinEntry(path: readonly string[]): readonly string[] | undefined {
  if (path[0] !== 'entries') return undefined;
  if (path[1] === ITEM) return path.slice(2);
  if (path[1] !== undefined && path[2] === ITEM) return path.slice(3);
  return undefined;
}

/** The path is an `entries` list itself (a new entry goes there). */
export function isEntryList(path: readonly string[]): boolean {
  return path[0] === 'entries' && (path.length === 1 || (path.length === 2 && path[1] !== ITEM));
}

/**
 * The keys written beside the line at `offset` (same indentation, same mapping): what the parse
 * may have lost while the line is unfinished (`ti` between two keys makes the mapping an error).
 */
export function siblingKeys(text: string, offset: number): Set<string> {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const column = (LINE.exec(text.slice(lineStart, offset))?.[1] ?? '').length;
  const keys = new Set<string>();
  const lineEnd = text.indexOf('\n', offset);
  // Upwards the first line of a list item (`- model: x`) still belongs; downwards it starts the next one.
  scanLines(text, lineStart - 1, -1, (indent, dashes, key) => sibling(keys, column, indent, dashes, key, true));
  if (lineEnd >= 0) scanLines(text, lineEnd + 1, 1, (indent, dashes, key) => sibling(keys, column, indent, dashes, key, false));
  return keys;
}

/** Adds the line's key when it is a sibling; false once the line leaves the mapping. */
function sibling(keys: Set<string>, column: number, indent: number, dashes: string, key: string | undefined, upwards: boolean): boolean {
  const keyColumn = indent + dashes.length;
  if (indent < column) {
    if (upwards && dashes && keyColumn === column && key !== undefined) keys.add(key);
    return false;
  }
  if (keyColumn === column && !dashes && key !== undefined) keys.add(key);
  return true;
}

/** Calls `visit` for each non-blank line from `from` in `direction` until it returns false. */
function scanLines(text: string, from: number, direction: 1 | -1, visit: (indent: number, dashes: string, key: string | undefined) => boolean): void {
  for (let at = from; at >= 0 && at < text.length; ) {
    const start = direction === 1 ? at : text.lastIndexOf('\n', at - 1) + 1;
    const found = text.indexOf('\n', start);
    const end = found < 0 ? text.length : found;
    at = direction === 1 ? end + 1 : start - 1;
    const [, indent = '', dashes = '', rest = ''] = LINE.exec(text.slice(start, end)) ?? [];
    if ((rest.trim() === '' && dashes === '') || rest.startsWith('#')) continue;
    if (!visit(indent.length, dashes, KEY_LINE.exec(rest)?.[1]?.replace(/^["']|["']$/g, ''))) return;
  }
}
