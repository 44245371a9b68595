/** Every tag of a blueprint with its pointer and span, and the innermost one at a place. */
import { escapePointerSegment, type Span } from '../../document/stageDocument';
import { isPlainObject, TaggedValue } from '../../document/tags';
import type { BlueprintDocument } from '../../blueprint/blueprintDocument';

export interface LocatedTag {
  readonly tag: TaggedValue;
  readonly pointer: string;
  /** The tag and its arguments. */
  readonly span: Span;
}

const cache = new WeakMap<BlueprintDocument, readonly LocatedTag[]>();

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

/** The innermost tag whose text holds `offset`. */
export function tagAt(bp: BlueprintDocument, offset: number): LocatedTag | undefined {
  let best: LocatedTag | undefined;
  for (const located of locatedTags(bp)) {
    const { span } = located;
    if (offset < span.start || offset > span.end) continue;
    if (!best || span.end - span.start < best.span.end - best.span.start) best = located;
  }
  return best;
}
