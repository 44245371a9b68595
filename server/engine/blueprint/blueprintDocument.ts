/**
 * A blueprint as the language features see it: authentik's configuration-as-code format
 * (`version: 1`, `metadata`, `context`, `entries`), parsed once with a source range for every key
 * and value, and its entries in the order the importer applies them.
 *
 * Recognition is by content, never by name: administrators keep blueprints under any name, and a
 * YAML file that is not one must cost no more than a glance at its text.
 */
import { fieldPointer, parseStageDocument, type Span, type StageDocument } from '../document/stageDocument';
import { isPlainObject } from '../document/tags';

export const ENTRY_STATES = ['present', 'created', 'must_created', 'absent'] as const;
export type EntryState = (typeof ENTRY_STATES)[number];

/** One entry of `entries`, located. Its fields are as written: tags stay `TaggedValue`s. */
export interface BlueprintEntry {
  /** Position in the importer's order (sections flattened). */
  readonly index: number;
  /** JSON pointer of the entry: `/entries/3`, or `/entries/<section>/3` for sectioned entries. */
  readonly pointer: string;
  readonly value: unknown;
  /** The entry's fields, when it is a mapping. */
  readonly fields: Record<string, unknown> | undefined;
  /** `model` when written as text. */
  readonly model: string | undefined;
  /** `id` when written as text. */
  readonly id: string | undefined;
  /** The state the importer applies; `present` when absent, undefined when it is not one of the four (or a tag). */
  readonly state: EntryState | undefined;
  readonly span: Span;
}

export interface BlueprintDocument {
  readonly doc: StageDocument;
  readonly entries: readonly BlueprintEntry[];
  /** Keys of the top-level `context:` mapping (what `!Context` reads from the file). */
  readonly contextKeys: ReadonlySet<string>;
  /**
   * Set when the blueprint was parsed entry by entry (incrementalBlueprint.ts): entry `i` is
   * `parts[i]`, a blueprint of that one entry, parsed from its own text, which starts at `start`.
   * What is checked per entry is checked (and kept) per part.
   */
  readonly parts?: readonly BlueprintPart[];
}

export interface BlueprintPart {
  readonly start: number;
  /** The entry alone: `entries[0]`, spans relative to `start`. */
  readonly entry: BlueprintDocument;
}

/**
 * The quick look: does the text have top-level `version` and `entries` keys? A plain scan of
 * line starts, so a docker-compose file or a Helm chart is turned away without being parsed.
 */
export function looksLikeBlueprint(text: string): boolean {
  return TOP_LEVEL_VERSION.test(text) && TOP_LEVEL_ENTRIES.test(text);
}

/** The parse agrees: the document is a mapping with `version` and `entries`. */
export function isBlueprintRoot(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && Object.hasOwn(value, 'version') && Object.hasOwn(value, 'entries');
}

const TOP_LEVEL_VERSION = /^(?:["']?version["']?)[ \t]*:/m;
const TOP_LEVEL_ENTRIES = /^(?:["']?entries["']?)[ \t]*:/m;

/** The blueprint in `text`, or undefined when the text is not one. */
export function parseBlueprint(text: string): BlueprintDocument | undefined {
  if (!looksLikeBlueprint(text)) return undefined;
  const doc = parseStageDocument(text, 'yaml');
  if (!isBlueprintRoot(doc.value)) return undefined;
  return { doc, entries: entriesOf(doc), contextKeys: contextKeysOf(doc.value) };
}

export function entriesOf(doc: StageDocument): BlueprintEntry[] {
  const root = doc.value as Record<string, unknown>;
  const entries = root['entries'];
  const lists: Array<{ pointer: string; items: unknown[] }> = [];
  if (Array.isArray(entries)) lists.push({ pointer: '/entries', items: entries });
  else if (isPlainObject(entries)) {
    // authentik also reads `entries` as named sections of entries, applied in order.
    for (const [section, items] of Object.entries(entries)) if (Array.isArray(items)) lists.push({ pointer: `/entries${fieldPointer(section)}`, items });
  }
  const out: BlueprintEntry[] = [];
  for (const list of lists) {
    list.items.forEach((value, i) => {
      const pointer = `${list.pointer}/${i}`;
      const fields = isPlainObject(value) ? value : undefined;
      const state = fields?.['state'] ?? 'present';
      out.push({
        index: out.length,
        pointer,
        value,
        fields,
        model: typeof fields?.['model'] === 'string' ? fields['model'] : undefined,
        id: typeof fields?.['id'] === 'string' ? fields['id'] : undefined,
        state: typeof state === 'string' && (ENTRY_STATES as readonly string[]).includes(state) ? (state as EntryState) : undefined,
        span: doc.locations.get(pointer)?.value ?? { start: 0, end: 0 },
      });
    });
  }
  return out;
}

export function contextKeysOf(root: Record<string, unknown>): ReadonlySet<string> {
  const context = root['context'];
  return new Set(isPlainObject(context) ? Object.keys(context) : []);
}
