/**
 * Three-way merge, field by field: the file (local), the server (remote) and the remote object
 * as it was when last pulled or pushed (base). authentik has no ETag or modified time on stages,
 * so the base is the only way to tell "the server changed this" from "I changed this".
 */
import { sameValue, type FieldMap } from './normalize';

export interface FieldConflict {
  field: string;
  base: unknown;
  local: unknown;
  remote: unknown;
  /** No base was recorded: nothing tells who changed the field. */
  unknownBase: boolean;
}

export interface MergePlan {
  /** Fields whose local value must reach the server. */
  push: FieldMap;
  /** Fields changed only on the server: taken into the file. */
  takeRemote: FieldMap;
  conflicts: FieldConflict[];
}

/**
 * `local` holds only the fields the file sets: a field the file leaves out is not managed by it
 * and follows the server. Without a base, any difference is a conflict: nothing says which side
 * moved.
 */
export function threeWayMerge(base: FieldMap | undefined, local: FieldMap, remote: FieldMap): MergePlan {
  const plan: MergePlan = { push: {}, takeRemote: {}, conflicts: [] };
  for (const field of Object.keys(local)) {
    const l = local[field];
    const r = remote[field];
    if (sameValue(l, r)) continue;
    if (!base) {
      plan.conflicts.push({ field, base: undefined, local: l, remote: r, unknownBase: true });
      continue;
    }
    const b = base[field];
    const localChanged = !Object.hasOwn(base, field) || !sameValue(l, b);
    const remoteChanged = Object.hasOwn(base, field) ? !sameValue(r, b) : Object.hasOwn(remote, field);
    if (localChanged && !remoteChanged) plan.push[field] = l;
    else if (!localChanged && remoteChanged) plan.takeRemote[field] = r;
    else plan.conflicts.push({ field, base: b, local: l, remote: r, unknownBase: false });
  }
  return plan;
}
