/** What an entry's keys and states mean to authentik's importer (docs/blueprint-rules.md §3), for hover and completion. */
import type { EntryState } from '../../blueprint/blueprintDocument';
import type { ENTRY_KEYS } from '../../blueprint/validateBlueprint';

export type EntryKey = (typeof ENTRY_KEYS)[number];

export const ENTRY_KEY_DOCS: Readonly<Record<EntryKey, string>> = {
  model: 'The model the entry saves, `app_label.model` (e.g. `authentik_flows.flow`); the model name is read in any case, the app label as written. Required.',
  id: 'A name for the entry, a string: a later entry\'s `!KeyOf <id>` resolves to the pk of the object this one saved. Not required.',
  identifiers: 'How the importer finds the existing object (`pk`, or every field given must match). They are also written: merged over `attrs`, they win on the same key.',
  attrs: 'The fields to write, validated by the model\'s API serializer: all of them when the entry creates, the given ones when it updates.',
  state: 'What the importer does with the object (`present` when absent): `present`, `created`, `must_created` or `absent`.',
  conditions: 'A list of values (usually tags): the entry is applied only when every one is true by Python\'s truth; otherwise it is skipped, and a `!KeyOf` to it fails.',
  permissions: 'Object permissions given after the save: a list of `{permission, user}` or `{permission, role}` (a user pk, a role UUID).',
};

/** The importer's `_validate_single` and `_apply_models` per state (§3.4). */
export const STATE_DOCS: Readonly<Record<EntryState, string>> = {
  present: 'Creates the object when the identifiers match none (every required field validated), else updates the match with the given fields (a partial update). The default.',
  created: 'Creates the object when the identifiers match none; an existing match is left unchanged (its fields are still validated, and `!KeyOf` still resolves to it).',
  must_created: 'Creates the object; when the identifiers already match one, the import fails ("State is set to must_created and object exists already").',
  absent: 'Deletes the object the identifiers match; nothing when none does. Validation errors are ignored.',
};
