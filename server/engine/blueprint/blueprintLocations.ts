/**
 * The locations of a blueprint parsed entry by entry, as one map: the head's own, and each
 * entry's from its part (`/entries/3/attrs/name` is part 3's `/entries/0/attrs/name`), moved to
 * where the part starts. Nothing is copied up front: a keystroke composes a blueprint of
 * thousands of entries, and a lookup moves only the span it returns.
 */
import type { NodeLocation, Span } from '../document/stageDocument';
import type { BlueprintPart } from './blueprintDocument';

const ENTRIES = '/entries';
const ENTRY_PREFIX = '/entries/';

export function shiftSpan(span: Span, by: number): Span {
  return { start: span.start + by, end: span.end + by };
}

export function shiftLocation(location: NodeLocation, by: number): NodeLocation {
  return location.key ? { value: shiftSpan(location.value, by), key: shiftSpan(location.key, by), node: null } : { value: shiftSpan(location.value, by), node: null };
}

export class BlueprintLocations implements ReadonlyMap<string, NodeLocation> {
  constructor(
    private readonly head: ReadonlyMap<string, NodeLocation>,
    private readonly parts: readonly BlueprintPart[],
    private readonly entriesLocation: NodeLocation,
  ) {}

  get(pointer: string): NodeLocation | undefined {
    if (pointer === ENTRIES) return this.entriesLocation;
    if (!pointer.startsWith(ENTRY_PREFIX)) return this.head.get(pointer);
    const slash = pointer.indexOf('/', ENTRY_PREFIX.length);
    const index = pointer.slice(ENTRY_PREFIX.length, slash < 0 ? undefined : slash);
    if (!/^(?:0|[1-9]\d*)$/.test(index)) return undefined;
    const part = this.parts[Number(index)];
    if (!part) return undefined;
    const location = part.entry.doc.locations.get(`${ENTRY_PREFIX}0${slash < 0 ? '' : pointer.slice(slash)}`);
    return location && shiftLocation(location, part.start);
  }

  has(pointer: string): boolean {
    return this.get(pointer) !== undefined;
  }

  get size(): number {
    let size = 0;
    for (const [pointer] of this.head) if (!pointer.startsWith(ENTRY_PREFIX) && pointer !== ENTRIES) size++;
    for (const part of this.parts) size += part.entry.doc.locations.size;
    return size + 1;
  }

  *entries(): MapIterator<[string, NodeLocation]> {
    for (const [pointer, location] of this.head) if (!pointer.startsWith(ENTRY_PREFIX) && pointer !== ENTRIES) yield [pointer, location];
    yield [ENTRIES, this.entriesLocation];
    for (const [index, part] of this.parts.entries()) {
      for (const [pointer, location] of part.entry.doc.locations) yield [`${ENTRY_PREFIX}${index}${pointer.slice(ENTRY_PREFIX.length + 1)}`, shiftLocation(location, part.start)];
    }
  }

  *keys(): MapIterator<string> {
    for (const [pointer] of this.entries()) yield pointer;
  }

  *values(): MapIterator<NodeLocation> {
    for (const [, location] of this.entries()) yield location;
  }

  forEach(callback: (value: NodeLocation, key: string, map: ReadonlyMap<string, NodeLocation>) => void): void {
    for (const [pointer, location] of this.entries()) callback(location, pointer, this);
  }

  [Symbol.iterator](): MapIterator<[string, NodeLocation]> {
    return this.entries();
  }
}
