/**
 * The one way a stage file is read from disk: its bytes (to tell later whether it changed) and its
 * text without a byte-order mark, so positions on line 1 are right and JSON parses; a rewrite
 * puts the mark back.
 */
import { readFileSync } from 'node:fs';

const BOM = '\uFEFF';

export interface StageFileSnapshot {
  readonly path: string;
  /** The file's bytes as read: a rewrite happens only while the file still holds exactly these. */
  readonly bytes: Buffer;
  /** The text, byte-order mark removed. */
  readonly text: string;
  /** The file started with a byte-order mark (kept on rewrite). */
  readonly bom: boolean;
}

export function readStageText(path: string): StageFileSnapshot {
  const bytes = readFileSync(path);
  const decoded = bytes.toString('utf8');
  const bom = decoded.startsWith(BOM);
  return { path, bytes, text: bom ? decoded.slice(BOM.length) : decoded, bom };
}

/** The bytes to write for `text` in a file read as `snapshot`: its byte-order mark kept. */
export function textToWrite(text: string, snapshot: Pick<StageFileSnapshot, 'bom'>): string {
  return snapshot.bom ? `${BOM}${text}` : text;
}
