/**
 * Text-level edits of a stage document that touch only what changes: a value replaced where it
 * stands, a key inserted on its own line, a pair removed with its line. Comments, spacing and
 * quoting elsewhere stay byte for byte. Used by the quick fixes and by the sync engine.
 */
import { Document, type Node } from 'yaml';
import type { SourceLanguage, Span } from './stageDocument';
import { isPlainObject, TaggedValue } from './tags';

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** The whole lines of a YAML top-level pair, including a trailing comment on its last line. */
export function yamlPairSpan(text: string, start: number, end: number): Span {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const newline = text.indexOf('\n', Math.max(end - 1, start));
  return { start: lineStart, end: newline === -1 ? text.length : newline + 1 };
}

/** A JSON pair and one neighbouring comma, so the object stays valid. */
export function jsonPairSpan(text: string, start: number, end: number): Span {
  const after = /^\s*,\s*/.exec(text.slice(end));
  if (after) return { start, end: end + after[0].length };
  const before = /,\s*$/.exec(text.slice(0, start));
  if (before) return { start: start - before[0].length, end };
  return { start, end };
}

/** The pair's span for removal, in either language. */
export function pairSpan(language: SourceLanguage, text: string, start: number, end: number): Span {
  return language === 'json' ? jsonPairSpan(text, start, end) : yamlPairSpan(text, start, end);
}

export type ScalarStyle = 'plain' | 'double' | 'single';

/**
 * A value as it is written after `key:` (YAML) or `"key":` (JSON). A string keeps the quoting
 * style of the value it replaces; collections in YAML go to block form on the following lines.
 */
export function renderValueText(value: unknown, language: SourceLanguage, style: ScalarStyle = 'plain'): string {
  if (language === 'json') return renderJson(value);
  // A tag stays on the key's line, in the flow form blueprints use: `!Find [model, [field, value]]`.
  if (value instanceof TaggedValue) return stringifyYaml(value).trimEnd();
  if (typeof value === 'string' && !value.includes('\n')) {
    if (style === 'double') return JSON.stringify(value);
    if (style === 'single') return `'${value.replace(/'/g, "''")}'`;
  }
  if (Array.isArray(value) || (typeof value === 'object' && value !== null)) {
    const empty = Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
    if (empty) return Array.isArray(value) ? '[]' : '{}';
    return `\n${stringifyYaml(value)
      .trimEnd()
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n')}`;
  }
  return stringifyYaml(value).trimEnd();
}

/**
 * A value as YAML text, with `TaggedValue`s written as tags (`!Find [model, [field, value]]`,
 * `!Env NAME`) rather than as the objects holding them; without tags, `yaml`'s own output.
 */
export function stringifyYaml(value: unknown): string {
  const doc = new Document();
  doc.contents = doc.createNode(withTagNodes(doc, value));
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function withTagNodes(doc: Document, value: unknown): unknown {
  if (value instanceof TaggedValue) {
    const node = doc.createNode(withTagNodes(doc, value.value), { flow: true }) as Node;
    node.tag = value.tag;
    return node;
  }
  if (Array.isArray(value)) return value.map((item) => withTagNodes(doc, item));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withTagNodes(doc, item)]));
  return value;
}

/** JSON has no tags: a tagged value cannot be written into a JSON stage file. */
function renderJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof TaggedValue) throw new Error(`${item.tag} is a YAML tag: a JSON stage file cannot hold it.`);
    return item;
  });
}

/** `key: value` (YAML) or `"key": value` (JSON). */
export function renderPair(key: string, value: unknown, language: SourceLanguage): string {
  if (language === 'json') return `${JSON.stringify(key)}: ${renderJson(value)}`;
  const rendered = renderValueText(value, language);
  return `${/^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key)}:${rendered.startsWith('\n') ? '' : ' '}${rendered}`;
}

/** Applies non-overlapping edits (any order given); insertions at one offset keep their order. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const ordered = edits.map((edit, index) => ({ edit, index })).sort((a, b) => b.edit.start - a.edit.start || b.index - a.index);
  let out = text;
  for (const { edit } of ordered) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}
