/**
 * What updating a stage the server has means, decided once for the push and for its plan: the
 * three-way merge of the file's body, the server's object and the base, and whether anything must
 * be sent (`update`), nothing (`unchanged`, fields changed only on the server still go into the
 * file) or the same field changed on both sides stops it (`conflict`).
 */
import type { StageObject } from '../api/types';
import type { BaseRecord } from './baseStore';
import type { LocalStage } from './localStage';
import { threeWayMerge, type MergePlan } from './merge';
import { comparableFields, normalizeFields, type FieldMap } from './normalize';

export interface UpdateDecision {
  action: 'update' | 'unchanged' | 'conflict';
  /** Conflicts are left in only when they stop the update (not forced, not taken from the server). */
  merge: MergePlan;
  /** Conflicting fields the file's values overwrite (`force`). */
  overwritten: string[];
  /** The file sets a write-only field: always sent, since the server never shows it. */
  sendsSecret: boolean;
}

export interface ConflictPolicy {
  force?: boolean;
  takeServerOnConflict?: boolean;
}

export function decideUpdate(stage: LocalStage, body: FieldMap, remote: StageObject, base: BaseRecord | undefined, policy: ConflictPolicy): UpdateDecision {
  const { entry, schema } = stage;
  const fields = comparableFields(entry);
  const merge = threeWayMerge(base?.fields, normalizeFields(body, entry, schema, fields), normalizeFields(remote, entry, schema, fields));
  if (merge.conflicts.length && policy.takeServerOnConflict) {
    for (const conflict of merge.conflicts) merge.takeRemote[conflict.field] = conflict.remote;
    merge.conflicts = [];
  }
  const sendsSecret = entry.writeOnly.some((field) => Object.hasOwn(body, field));
  if (merge.conflicts.length && !policy.force) return { action: 'conflict', merge, overwritten: [], sendsSecret };
  const overwritten = merge.conflicts.map((c) => c.field);
  const action = Object.keys(merge.push).length === 0 && overwritten.length === 0 && !sendsSecret ? 'unchanged' : 'update';
  return { action, merge, overwritten, sendsSecret };
}
