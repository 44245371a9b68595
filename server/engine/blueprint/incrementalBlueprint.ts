/**
 * Blueprints parsed entry by entry, so that an edit re-parses only the entry it touched: an
 * export holds thousands of entries, and a keystroke must not cost a parse of all of them. Each
 * entry's text is parsed alone (a YAML sequence of one item) and kept while its text is unchanged,
 * wherever it moved; the head (version, metadata, context) is parsed on its own. Where the text
 * cannot be split exactly (blueprintChunks.ts), or an entry refers to an anchor elsewhere, the
 * blueprint is parsed whole.
 */
import { parseDocument } from 'yaml';
import { parseStageDocument, type NodeLocation, type Span, type StageDocument, type SyntaxProblem } from '../document/stageDocument';
import { splitBlueprintText } from './blueprintChunks';
import { contextKeysOf, entriesOf, isBlueprintRoot, looksLikeBlueprint, parseBlueprint, type BlueprintDocument, type BlueprintPart } from './blueprintDocument';
import { BlueprintLocations, shiftSpan } from './blueprintLocations';

/** No entry part keeps its parse tree: spans and values are all the checks read. */
const NO_TREE = parseDocument('');

export class BlueprintParser {
  /** Entry text → that entry alone (null: it cannot stand alone), from the last parse. */
  private entries = new Map<string, BlueprintDocument | null>();

  /** The blueprint in `text`, or undefined when it is not one. */
  parse(text: string): BlueprintDocument | undefined {
    if (!looksLikeBlueprint(text)) return undefined;
    const chunks = splitBlueprintText(text);
    if (!chunks) return this.whole(text);
    const head = parseStageDocument(text.slice(0, chunks.headEnd), 'yaml', { keepNodes: false });
    if (!isBlueprintRoot(head.value) || head.value['entries'] !== null) return this.whole(text);
    const next = new Map<string, BlueprintDocument | null>();
    const parts: BlueprintPart[] = [];
    for (const { start, end } of chunks.entries) {
      const entryText = text.slice(start, end);
      let entry = next.get(entryText) ?? this.entries.get(entryText);
      if (entry === undefined) entry = entryAlone(entryText);
      next.set(entryText, entry);
      if (entry === null) return this.whole(text);
      parts.push({ start, entry });
    }
    this.entries = next;
    return compose(text, head, parts);
  }

  private whole(text: string): BlueprintDocument | undefined {
    this.entries.clear();
    return parseBlueprint(text);
  }
}

/** One entry's text (`  - model: …`) as a blueprint of that entry, or null when it does not stand alone. */
function entryAlone(text: string): BlueprintDocument | null {
  // The entry's list is the blueprint's `entries`: its item is `/entries/0`.
  const parsed = parseStageDocument(text, 'yaml', { keepNodes: false, rootPointer: '/entries' });
  // An alias to an anchor of another entry, or text that is not one list item, needs the whole file.
  if (!Array.isArray(parsed.value) || parsed.value.length !== 1 || parsed.yaml.errors.some((e) => /alias/i.test(e.message))) return null;
  // The list itself is the blueprint's, located by the whole file; the parse built this map for us alone.
  const locations = parsed.locations as Map<string, NodeLocation>;
  locations.delete('/entries');
  const root = Object.create(null) as Record<string, unknown>;
  root['entries'] = parsed.value;
  const doc: StageDocument = { text, language: 'yaml', yaml: NO_TREE, value: root, locations, syntaxErrors: parsed.syntaxErrors, isEmpty: false };
  return { doc, entries: entriesOf(doc), contextKeys: new Set() };
}

function compose(text: string, head: StageDocument, parts: readonly BlueprintPart[]): BlueprintDocument {
  const root = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(head.value as Record<string, unknown>)) root[key] = value;
  root['entries'] = parts.map((part) => part.entry.entries[0]!.value);
  const entriesKey = head.locations.get('/entries')?.key;
  const entriesSpan: Span = { start: parts[0]?.start ?? entriesKey?.end ?? 0, end: text.length };
  const locations = new BlueprintLocations(head.locations, parts, { value: entriesSpan, ...(entriesKey ? { key: entriesKey } : {}), node: null });
  const syntaxErrors: SyntaxProblem[] = [...head.syntaxErrors];
  for (const part of parts) for (const problem of part.entry.doc.syntaxErrors) syntaxErrors.push({ span: shiftSpan(problem.span, part.start), message: problem.message });
  const doc: StageDocument = { text, language: 'yaml', yaml: head.yaml, value: root, locations, syntaxErrors, isEmpty: false };
  const entries = parts.map((part, index) => {
    const alone = part.entry.entries[0]!;
    return { ...alone, index, pointer: `/entries/${index}`, span: shiftSpan(alone.span, part.start) };
  });
  return { doc, entries, contextKeys: contextKeysOf(root), parts };
}
