// What the LSP measuring loop needs of a file: its text, and where in it the email stage is whose
// `port` the timed edits change and whose fields the completion and hover requests ask about.
// Stage files (stageFixtures.ts) and blueprints (blueprintFixtures.ts) both hold such a stage.
import type { Position, Range } from 'vscode-languageserver-protocol';
import { positionAt } from '../../tools/lsp-client/lspClient';

/** What a file is counted in: a stage file's documents, a blueprint's entries. */
export type SizeUnit = 'stages' | 'entries';

export interface BenchFile {
  /** How many stages or entries the file holds. */
  size: number;
  unit: SizeUnit;
  text: string;
  lines: number;
  bytes: number;
  /** String offset where the probed email stage's fields start; edits only ever happen after it. */
  probeStart: number;
  /** The indentation of those fields' keys ('' at a document's top level). */
  probeIndent: string;
  /** The `port` values the timed edits alternate between: one the server accepts, one it must flag. */
  validPort: string;
  invalidPort: string;
}

/** A file's text with the counts the report shows. */
export function textWithCounts(text: string): Pick<BenchFile, 'text' | 'lines' | 'bytes'> {
  return { text, lines: text.split('\n').length - 1, bytes: Buffer.byteLength(text) };
}

/** "1 stage", "2,000 entries". */
export function sizeText(size: number, unit: SizeUnit): string {
  const one = unit === 'stages' ? 'stage' : 'entry';
  return `${size.toLocaleString('en-US')} ${size === 1 ? one : unit}`;
}

/** The offset of the line holding `key:` at `indent`, at or after `from`. */
function keyLineStart(text: string, from: number, key: string, indent: string): number {
  const head = `${indent}${key}:`;
  if (text.startsWith(head, from) && (from === 0 || text[from - 1] === '\n')) return from;
  const at = text.indexOf(`\n${head}`, from - 1);
  if (at < 0) throw new Error(`no key ${JSON.stringify(head)} after offset ${from}`);
  return at + 1;
}

/** The line (0-based) and full range of the value of `key` (at `indent`) first found at or after `from`. */
export function valueRange(text: string, from: number, key: string, indent = ''): { line: number; range: Range; value: string } {
  const lineStart = keyLineStart(text, from, key, indent);
  let lineEnd = text.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  let valueStart = lineStart + indent.length + key.length + 1;
  if (text[valueStart] === ' ') valueStart++;
  valueStart = Math.min(valueStart, lineEnd);
  const start: Position = positionAt(text, valueStart);
  const end: Position = { line: start.line, character: start.character + (lineEnd - valueStart) };
  return { line: start.line, range: { start, end }, value: text.slice(valueStart, lineEnd) };
}

/** The position of the start of `key` (at `indent`) first found at or after `from`, moved `offset` characters into it. */
export function keyPosition(text: string, from: number, key: string, indent = '', offset = 0): Position {
  return positionAt(text, keyLineStart(text, from, key, indent) + indent.length + offset);
}
