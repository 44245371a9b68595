/**
 * Where a tag sits, as the importer sees it: whether it is resolved there, and which !Enumerate
 * contexts are on the stack when it is.
 */
import { escapePointerSegment } from '../document/stageDocument';

/** How the importer treats the value at a place in the file. */
export type Resolution =
  /** Through `tag_resolver`: a tag is resolved, and so are tags anywhere in plain lists and mappings below. */
  | 'deep'
  /** A tag's argument: a tag here is resolved; a plain list or mapping is passed on as it is. */
  | 'direct'
  /** Inside a plain list or mapping that is passed on as it is: a tag here stays unresolved. */
  | 'buried'
  /** Never resolved (a key the importer ignores, an unresolved tag's arguments): only the constructor runs. */
  | 'ignored';

export interface TagPosition {
  readonly pointer: string;
  readonly resolution: Resolution;
  /** `!Enumerate`s on the importer's context stack when a tag here resolves. */
  readonly enumerates: number;
  /** Bodies of enclosing `!Enumerate`s that are not on the stack (an `!Enumerate` given as another tag's argument). */
  readonly unstacked: number;
  /** What passes a buried tag on, for the warning (`!Format`, `context:`). */
  readonly holder?: string;
  /** Why a tag here is passed on unresolved, when it is not for being inside a list or mapping argument. */
  readonly unresolvedBecause?: string;
  /** Set on an `!Enumerate`'s iterable, where `!Index 0`/`!Value 0` is an error of its own. */
  readonly enumerateIterable?: boolean;
}

/** Whether the importer resolves a tag at this position. */
export function resolves(at: TagPosition): boolean {
  return at.resolution === 'deep' || at.resolution === 'direct';
}

export function position(pointer: string, resolution: Resolution): TagPosition {
  return { pointer, resolution, enumerates: 0, unstacked: 0 };
}

/** The position of `at`'s child `segment`; it keeps the enumerate stack, not the tag-specific marks. */
export function child(at: TagPosition, segment: string, resolution: Resolution): TagPosition {
  const next: TagPosition = { pointer: `${at.pointer}/${escapePointerSegment(segment)}`, resolution, enumerates: at.enumerates, unstacked: at.unstacked };
  return at.holder ? { ...next, holder: at.holder } : next;
}
