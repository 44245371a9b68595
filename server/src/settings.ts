/** The `authentik` settings the language server reads, from wherever the client sends them. */
import { DEFAULT_SETTINGS, type ServerSettings } from './protocol';

/**
 * Settings from any of the three places a client puts them (initialization options, a pushed
 * configuration change, a pulled `authentik` section): one reading of the same shape, defaults for
 * anything missing or malformed.
 */
export function readSettings(section: unknown, previous: ServerSettings = DEFAULT_SETTINGS): ServerSettings {
  if (typeof section !== 'object' || section === null) return previous;
  const { validation, references } = section as { validation?: unknown; references?: unknown };
  const insert = typeof references === 'object' && references !== null ? (references as { insert?: unknown }).insert : undefined;
  return {
    validation: typeof validation === 'object' && validation !== null ? { enable: (validation as { enable?: unknown }).enable !== false } : previous.validation,
    references: { insert: insert === 'pk' || insert === 'find' ? insert : typeof references === 'object' && references !== null ? DEFAULT_SETTINGS.references.insert : previous.references.insert },
  };
}
