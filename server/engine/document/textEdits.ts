/**
 * Text-level edits of a stage document that touch only what changes: a value replaced where it
 * stands, a key inserted on its own line, a pair removed with its line. Comments, spacing and
 * quoting elsewhere stay byte for byte. Used by the quick fixes and by the sync engine.
 */
import { jsonText, yamlInlineText, yamlPairLines, type ScalarStyle } from './valueText';
import type { SourceLanguage, Span } from './stageDocument';

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

export type { ScalarStyle } from './valueText';

/**
 * A value on one line as it is written after `key:` (YAML) or `"key":` (JSON), exact wherever a
 * value can stand: a string keeps the quoting style of the value it replaces when that is exact,
 * a collection is written in flow style.
 */
export function renderValueText(value: unknown, language: SourceLanguage, style: ScalarStyle = 'plain'): string {
  return language === 'json' ? jsonText(value) : yamlInlineText(value, style);
}

/**
 * `key: value` (YAML, at column `indent`, over several lines for block values) or `"key": value`
 * (JSON, on one line); lines joined by `lineBreak`, none at the end.
 */
export function renderPair(key: string, value: unknown, language: SourceLanguage, indent = 0, lineBreak = '\n'): string {
  if (language === 'json') return `${jsonText(key)}: ${jsonText(value)}`;
  return yamlPairLines(key, value, indent).join(lineBreak);
}

/**
 * Applies non-overlapping edits (any order given); insertions at one offset keep their order and
 * come before a replacement that starts there (a pair inserted where a deleted one stood).
 */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const replaces = (edit: TextEdit): number => (edit.end > edit.start ? 1 : 0);
  const ordered = edits.map((edit, index) => ({ edit, index })).sort((a, b) => b.edit.start - a.edit.start || replaces(b.edit) - replaces(a.edit) || b.index - a.index);
  let out = text;
  for (const { edit } of ordered) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}
