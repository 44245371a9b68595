/**
 * What the checkers of blueprint tags share: reading a list tag's items, the positions of its
 * arguments, and the words of their messages.
 */
import { TaggedValue } from '../document/tags';
import type { TagRun } from './tagChecks';
import { child, resolves, type Resolution, type TagPosition } from './tagPosition';
import { blueprintTag } from './tags';

export const REFUSED = "authentik's loader refuses the whole file";
export const FAILS = 'the import fails when it reaches this entry';

export function forms(tag: TaggedValue): string {
  return (blueprintTag(tag.tag)?.forms ?? []).join(' or ');
}

/** The position of item `index` of a tag's list; nothing below a tag that is not resolved is resolved. */
export function argument(tag: TaggedValue, at: TagPosition, index: number, resolution: Resolution): TagPosition {
  return { ...child(at, String(index), resolves(at) ? resolution : 'ignored'), holder: tag.tag };
}

/** The list a sequence tag's constructor indexes, or undefined (reported) when it cannot read one. */
export function sequenceItems(tag: TaggedValue, at: TagPosition, run: TagRun, minimum: number): readonly unknown[] | undefined {
  const items = tag.value;
  if (!Array.isArray(items)) {
    run.report(at, 'error', 'load', `${tag.tag} takes a list, ${forms(tag)}, not ${describe(items)}: its constructor indexes the list's items, so ${REFUSED}.`);
    return undefined;
  }
  if (items.length < minimum) {
    const count = items.length === 0 ? 'is empty' : `has ${items.length} item${items.length === 1 ? '' : 's'}`;
    run.report(at, 'error', 'load', `${tag.tag} ${count}: its constructor reads at least ${minimum} (IndexError), so ${REFUSED}. Write ${forms(tag)}.`);
    return undefined;
  }
  return items;
}

/** Items after those a constructor reads are never constructed nor used. */
export function warnExtraItems(tag: TaggedValue, at: TagPosition, run: TagRun, items: readonly unknown[], read: number): void {
  if (items.length <= read) return;
  run.report(at, 'warning', 'load', `${tag.tag} reads ${read} items; authentik ignores the ${items.length - read} after them. Write ${forms(tag)}.`, { pointer: `${at.pointer}/${read}` });
}

export function describe(value: unknown): string {
  if (value instanceof TaggedValue) return `a ${value.tag} tag`;
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return value === '' ? 'an empty text' : `the text ${JSON.stringify(value)}`;
  return `the ${typeof value} ${String(value)}`;
}

/**
 * Whether PyYAML (YAML 1.1) may read this plain text as something other than text (`yes`, `on`,
 * `1_000`, `1:30`, `.inf`), which the editor's YAML 1.2 parser leaves as text: a literal's type is
 * only trusted where both agree.
 */
export function pyyamlMayRetype(text: string): boolean {
  return /\d/.test(text) || /^[-+]?\.|^(yes|no|true|false|on|off)$/i.test(text);
}
