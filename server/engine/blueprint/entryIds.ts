/**
 * Entry `id`s and the `!KeyOf` tags that name them: what the importer links (a `!KeyOf` yields the
 * pk of the object an earlier entry saved), and what definition, references and rename work on.
 */
import type { Span } from '../document/stageDocument';
import { escapePointerSegment } from '../document/stageDocument';
import { isPlainObject, TaggedValue } from '../document/tags';
import type { BlueprintDocument, BlueprintEntry } from './blueprintDocument';
import { shiftSpan } from './blueprintLocations';

export const KEY_OF = '!KeyOf';

/** An entry's `id`, located. */
export interface EntryId {
  readonly id: string;
  readonly entry: BlueprintEntry;
  /** The id's text, without quotes. */
  readonly span: Span;
}

export interface KeyOfReference {
  /** The id named (the tag's raw text: `!KeyOf 12` names the id "12"). */
  readonly id: string;
  /** The entry holding the tag. */
  readonly entry: BlueprintEntry;
  readonly pointer: string;
  /** The whole tag, `!KeyOf name` included. */
  readonly tagSpan: Span;
  /** The id's text, without quotes: what rename replaces. */
  readonly span: Span;
}

export interface EntryLinks {
  readonly ids: readonly EntryId[];
  readonly references: readonly KeyOfReference[];
}

const linkCache = new WeakMap<BlueprintDocument, EntryLinks>();

/** Every id and `!KeyOf` of the blueprint, in document order; computed once per parse (and per entry part). */
export function entryLinks(bp: BlueprintDocument): EntryLinks {
  let links = linkCache.get(bp);
  if (!links) {
    links = bp.parts ? composeLinks(bp) : { ids: collectIds(bp), references: collectKeyOfs(bp) };
    linkCache.set(bp, links);
  }
  return links;
}

/** An entry-by-entry blueprint's links: each part's own, moved to where it starts. */
function composeLinks(bp: BlueprintDocument): EntryLinks {
  const ids: EntryId[] = [];
  const references: KeyOfReference[] = [];
  bp.parts!.forEach((part, index) => {
    const entry = bp.entries[index]!;
    const own = entryLinks(part.entry);
    for (const id of own.ids) ids.push({ id: id.id, entry, span: shiftSpan(id.span, part.start) });
    for (const ref of own.references) {
      references.push({ id: ref.id, entry, pointer: `/entries/${index}${ref.pointer.slice('/entries/0'.length)}`, tagSpan: shiftSpan(ref.tagSpan, part.start), span: shiftSpan(ref.span, part.start) });
    }
  });
  return { ids, references };
}

function collectIds(bp: BlueprintDocument): EntryId[] {
  const out: EntryId[] = [];
  for (const entry of bp.entries) {
    if (entry.id === undefined) continue;
    const location = bp.doc.locations.get(`${entry.pointer}/id`);
    if (location) out.push({ id: entry.id, entry, span: innerSpan(bp.doc.text, location.value) });
  }
  return out;
}

function collectKeyOfs(bp: BlueprintDocument): KeyOfReference[] {
  const out: KeyOfReference[] = [];
  const visit = (value: unknown, pointer: string, entry: BlueprintEntry): void => {
    if (value instanceof TaggedValue) {
      if (value.tag === KEY_OF && (typeof value.value === 'string' || typeof value.value === 'number')) {
        const location = bp.doc.locations.get(pointer);
        if (location) out.push({ id: String(value.value), entry, pointer, tagSpan: location.value, span: innerSpan(bp.doc.text, location.value) });
      }
      visit(value.value, pointer, entry);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${pointer}/${i}`, entry));
    } else if (isPlainObject(value)) {
      for (const [key, item] of Object.entries(value)) visit(item, `${pointer}/${escapePointerSegment(key)}`, entry);
    }
  };
  for (const entry of bp.entries) visit(entry.value, entry.pointer, entry);
  return out;
}

/** A scalar's text without its tag and quotes (the value's span starts at its tag). */
function innerSpan(text: string, span: Span): Span {
  let { start, end } = span;
  const tag = /^!\S*\s+/.exec(text.slice(start, end));
  if (tag) start += tag[0].length;
  while (end > start && /\s/.test(text[end - 1]!)) end -= 1;
  const quote = text[start];
  if ((quote === '"' || quote === "'") && end - start >= 2 && text[end - 1] === quote) {
    start += 1;
    end -= 1;
  }
  return { start, end };
}

/** The entry `id` a `!KeyOf` resolves to: the first entry with that id, as the importer scans. */
export function definitionOf(links: EntryLinks, id: string): EntryId | undefined {
  return links.ids.find((candidate) => candidate.id === id);
}
