// Stage files for the benchmark: N email stages, one 16-line YAML document each, separated by `---`.
import type { Position, Range } from 'vscode-languageserver-protocol';
import { positionAt } from '../../tools/lsp-client/lspClient';

export const EMAIL_STAGE_MODEL = 'authentik_stages_email.emailstage';
export const LINES_PER_STAGE = 16;

/** One email stage document (16 lines, ending in a newline). `index` is 0-based; names are unique. */
export function emailStageDocument(index: number): string {
  const n = index + 1;
  return [
    `model: ${EMAIL_STAGE_MODEL}`,
    `name: bench-email-stage-${n}`,
    `host: smtp-${n}.example.com`,
    `port: 25`,
    `username: mailer-${n}`,
    `use_tls: true`,
    `use_ssl: false`,
    `timeout: 30`,
    `from_address: noreply-${n}@example.com`,
    `token_expiry: hours=1;minutes=30`,
    `subject: Password reset ${n}`,
    `template: email/password_reset.html`,
    `activate_user_on_success: true`,
    `recovery_max_attempts: 5`,
    `recovery_cache_timeout: minutes=5`,
    `use_global_settings: false`,
    '',
  ].join('\n');
}

export interface StageFile {
  stages: number;
  text: string;
  lines: number;
  bytes: number;
  /** 0-based index of the document the benchmark edits and queries. */
  middleIndex: number;
  /** String offset where the middle document starts; edits only ever happen after it. */
  middleStart: number;
}

/** A file of `stages` email stages; documents after the first are introduced by a `---` line. */
export function stageFile(stages: number): StageFile {
  if (!Number.isInteger(stages) || stages < 1) throw new Error(`stageFile: bad stage count ${stages}`);
  const middleIndex = Math.floor(stages / 2);
  const parts: string[] = [];
  let offset = 0;
  let middleStart = 0;
  for (let i = 0; i < stages; i++) {
    const part = (i === 0 ? '' : '---\n') + emailStageDocument(i);
    if (i === middleIndex) middleStart = offset + (i === 0 ? 0 : 4);
    parts.push(part);
    offset += part.length;
  }
  const text = parts.join('');
  return {
    stages,
    text,
    lines: text.split('\n').length - 1,
    bytes: Buffer.byteLength(text),
    middleIndex,
    middleStart,
  };
}

/** The line (0-based) and full range of the value of `key` in the document starting at `docStart`. */
export function valueRange(text: string, docStart: number, key: string): { line: number; range: Range; value: string } {
  const needle = `\n${key}:`;
  // The document's first line has no newline before it.
  const lineStart = text.startsWith(`${key}:`, docStart) ? docStart : text.indexOf(needle, docStart - 1) + 1;
  if (lineStart <= 0 && !text.startsWith(`${key}:`, docStart)) throw new Error(`valueRange: no key ${key} after ${docStart}`);
  let lineEnd = text.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  let valueStart = lineStart + key.length + 1;
  if (text[valueStart] === ' ') valueStart++;
  valueStart = Math.min(valueStart, lineEnd);
  const start: Position = positionAt(text, valueStart);
  const end: Position = { line: start.line, character: start.character + (lineEnd - valueStart) };
  return { line: start.line, range: { start, end }, value: text.slice(valueStart, lineEnd) };
}

/** The position of the start of `key` in the document starting at `docStart`, moved `offset` characters into it. */
export function keyPosition(text: string, docStart: number, key: string, offset = 0): Position {
  const lineStart = text.startsWith(`${key}:`, docStart) ? docStart : text.indexOf(`\n${key}:`, docStart - 1) + 1;
  if (lineStart <= 0 && !text.startsWith(`${key}:`, docStart)) throw new Error(`keyPosition: no key ${key} after ${docStart}`);
  return positionAt(text, lineStart + offset);
}
