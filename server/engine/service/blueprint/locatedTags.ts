/** Every tag of a blueprint with its pointer and span, and the innermost one at a place. */
import { escapePointerSegment, type Span } from '../../document/stageDocument';
import { isPlainObject, TaggedValue } from '../../document/tags';
import type { BlueprintDocument, BlueprintEntry } from '../../blueprint/blueprintDocument';
import { shiftSpan } from '../../blueprint/blueprintLocations';

export interface LocatedTag {
  readonly tag: TaggedValue;
  readonly pointer: string;
  /** The tag and its arguments. */
  readonly span: Span;
}

const cache = new WeakMap<BlueprintDocument, readonly LocatedTag[]>();

/** Every tag of the blueprint, in document order; computed once per parse. */
export function locatedTags(bp: BlueprintDocument): readonly LocatedTag[] {
  let tags = cache.get(bp);
  if (tags) return tags;
  const out: LocatedTag[] = [];
  const visit = (value: unknown, pointer: string): void => {
    if (value instanceof TaggedValue) {
      const span = bp.doc.locations.get(pointer)?.value;
      if (span) out.push({ tag: value, pointer, span });
      visit(value.value, pointer);
    } else if (Array.isArray(value)) value.forEach((item, i) => visit(item, `${pointer}/${i}`));
    else if (isPlainObject(value)) for (const [key, item] of Object.entries(value)) visit(item, `${pointer}/${escapePointerSegment(key)}`);
  };
  visit(bp.doc.value, '');
  cache.set(bp, (tags = out));
  return tags;
}

/**
 * The innermost tag whose text holds `offset`. Inside an entry parsed on its own, only that
 * entry's tags are looked at (pointers and spans moved to the file's).
 */
export function tagAt(bp: BlueprintDocument, offset: number, entry: BlueprintEntry | undefined): LocatedTag | undefined {
  const part = entry && bp.parts?.[entry.index];
  const candidates = part ? locatedTags(part.entry).map((t) => ({ tag: t.tag, pointer: `${entry.pointer}${t.pointer.slice('/entries/0'.length)}`, span: shiftSpan(t.span, part.start) })) : locatedTags(bp);
  let best: LocatedTag | undefined;
  for (const located of candidates) {
    const { span } = located;
    if (offset < span.start || offset > span.end) continue;
    if (!best || span.end - span.start < best.span.end - best.span.start) best = located;
  }
  return best;
}
