/** The `authentik` settings the language server reads, from wherever the client sends them. */
import { DEFAULT_SETTINGS, type ServerSettings } from './protocol';

/**
 * Settings from any of the three places a client puts them (initialization options, a pushed
 * configuration change, a pulled `authentik` section): one reading of the same shape, defaults for
 * anything missing or malformed.
 */
export function readSettings(section: unknown, previous: ServerSettings = DEFAULT_SETTINGS): ServerSettings {
  if (typeof section !== 'object' || section === null) return previous;
  const { validation, references, files } = section as { validation?: unknown; references?: unknown; files?: unknown };
  const insert = typeof references === 'object' && references !== null ? (references as { insert?: unknown }).insert : undefined;
  return {
    validation: typeof validation === 'object' && validation !== null ? { enable: (validation as { enable?: unknown }).enable !== false } : previous.validation,
    references: { insert: insert === 'pk' || insert === 'find' ? insert : typeof references === 'object' && references !== null ? DEFAULT_SETTINGS.references.insert : previous.references.insert },
    files: { extraPatterns: typeof files === 'object' && files !== null ? extraPatterns((files as { extraPatterns?: unknown }).extraPatterns) : previous.files.extraPatterns },
  };
}

/** The patterns that are text (others are dropped: one bad item does not void the rest). */
function extraPatterns(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string' && p.trim() !== '') : [];
}
