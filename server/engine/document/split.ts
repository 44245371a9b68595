/**
 * Splits a multi-document YAML text into one chunk per document, lexically.
 *
 * A line starting with `---` (then a space or the end of the line) starts a document wherever it
 * appears, and one starting with `...` ends one: YAML forbids such a line inside block scalars and quoted strings, so a plain scan is
 * exact. This is what lets an edit re-parse only the document it touched.
 */
export interface TextChunk {
  /** Offset of the chunk's first character in the whole text. */
  start: number;
  text: string;
}

const DIRECTIVE_OR_TRIVIA = /^(?:%.*|#.*|\s*)$/;

/** The documents of a file: a JSON file is one object, a YAML file one chunk per `---` document. */
export function splitDocuments(text: string, language: 'yaml' | 'json'): TextChunk[] {
  return language === 'json' ? [{ start: 0, text }] : splitYamlDocuments(text);
}

export function splitYamlDocuments(text: string): TextChunk[] {
  const chunks: TextChunk[] = [];
  let chunkStart = 0;
  let lineStart = 0;
  let afterDocumentEnd = false;
  while (lineStart < text.length) {
    if (lineStart > chunkStart && (afterDocumentEnd || isMarker(text, lineStart, '---'))) {
      chunks.push({ start: chunkStart, text: text.slice(chunkStart, lineStart) });
      chunkStart = lineStart;
    }
    // `...` ends a document: what follows (directives, a bare document) belongs to the next one.
    afterDocumentEnd = isMarker(text, lineStart, '...');
    const newline = text.indexOf('\n', lineStart);
    if (newline === -1) break;
    lineStart = newline + 1;
  }
  chunks.push({ start: chunkStart, text: text.slice(chunkStart) });
  return mergeDirectiveOnlyChunks(chunks);
}

function isMarker(text: string, lineStart: number, marker: '---' | '...'): boolean {
  if (text.charCodeAt(lineStart) !== marker.charCodeAt(0) || !text.startsWith(marker, lineStart)) return false;
  const next = text.charCodeAt(lineStart + 3);
  // NaN: end of text. 32 space, 9 tab, 10 \n, 13 \r.
  return Number.isNaN(next) || next === 32 || next === 9 || next === 10 || next === 13;
}

/** `%YAML 1.2` directives belong to the document that follows them. */
function mergeDirectiveOnlyChunks(chunks: TextChunk[]): TextChunk[] {
  const merged: TextChunk[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i]!;
    const next = chunks[i + 1];
    if (next && chunk.text.includes('%') && chunk.text.split('\n').every((line) => DIRECTIVE_OR_TRIVIA.test(line))) {
      chunks[i + 1] = { start: chunk.start, text: chunk.text + next.text };
      continue;
    }
    merged.push(chunk);
  }
  return merged;
}
