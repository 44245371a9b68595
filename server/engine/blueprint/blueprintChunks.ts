/**
 * Splits a blueprint's text, lexically, into its head (everything up to the first entry) and one
 * chunk per entry of a block-sequence `entries:` — what lets an edit re-parse only the entry it
 * touched. Each entry starts on a line `<indent>- ` at the list's own indentation; every other
 * line of it is blank, a comment or indented deeper, as YAML requires of an item's lines.
 *
 * Where that reading would not be exact, nothing is split and the blueprint is parsed whole:
 * `entries` as sections or a flow list, keys after `entries`, a tab in an indentation.
 */
export interface BlueprintChunks {
  /** End of the head: the offset of the first entry's line (the text's length when there is none). */
  readonly headEnd: number;
  /** Each entry's [start, end) in the text, in order. */
  readonly entries: ReadonlyArray<{ readonly start: number; readonly end: number }>;
}

const ENTRIES_KEY = /^entries[ \t]*:[ \t]*(?:#.*)?$/;

export function splitBlueprintText(text: string): BlueprintChunks | undefined {
  let lineStart = findEntriesLine(text);
  if (lineStart === undefined) return undefined;
  lineStart = nextLine(text, lineStart);
  let itemIndent: number | undefined;
  let headEnd = text.length;
  const starts: number[] = [];
  for (; lineStart < text.length; lineStart = nextLine(text, lineStart)) {
    let at = lineStart;
    while (text[at] === ' ') at++;
    const first = text[at];
    // Blank lines and comments belong to whichever entry they are in.
    if (first === undefined || first === '\n' || first === '#' || (first === '\r' && text[at + 1] === '\n')) continue;
    if (first === '\t' || first === '\r') {
      // A tab may only pad a blank line or a comment; elsewhere it breaks the indentation rules.
      if (/^[ \t]*(?:#.*)?\r?$/.test(text.slice(at, endOfLine(text, at)))) continue;
      return undefined;
    }
    const indent = at - lineStart;
    const after = text[at + 1];
    const isItem = first === '-' && (after === undefined || after === ' ' || after === '\n' || after === '\r');
    if (itemIndent === undefined) {
      if (!isItem) return undefined;
      itemIndent = indent;
      headEnd = lineStart;
      starts.push(lineStart);
    } else if (indent === itemIndent && isItem) {
      starts.push(lineStart);
    } else if (indent <= itemIndent) {
      return undefined;
    }
  }
  const entries = starts.map((start, i) => ({ start, end: starts[i + 1] ?? text.length }));
  return { headEnd, entries };
}

/** The offset of the one top-level `entries:` line with nothing after the colon. */
function findEntriesLine(text: string): number | undefined {
  let found: number | undefined;
  for (let lineStart = 0; lineStart < text.length; lineStart = nextLine(text, lineStart)) {
    if (text[lineStart] !== 'e') continue;
    if (!ENTRIES_KEY.test(text.slice(lineStart, endOfLine(text, lineStart)).replace(/\r$/, ''))) continue;
    if (found !== undefined) return undefined;
    found = lineStart;
  }
  return found;
}

function endOfLine(text: string, from: number): number {
  const at = text.indexOf('\n', from);
  return at < 0 ? text.length : at;
}

function nextLine(text: string, from: number): number {
  const at = text.indexOf('\n', from);
  return at < 0 ? text.length : at + 1;
}
