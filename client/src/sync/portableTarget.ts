/**
 * Which stage of a server a portable document (no `pk` in the file) is: the one this workspace
 * synced it with there (the sync state), else none yet. A stage of the same name that the
 * workspace never synced with that server is reported, not taken: it is adopted only when the
 * user says so.
 */
import type { BaseStore } from './baseStore';
import type { LocalStage } from './localStage';
import type { StageIdentity } from './syncState';
import { nameKey } from './syncState';

export type PortableMatch =
  /** Synced before: update this pk (`renamed`: the file's name differs from the one synced). */
  | { kind: 'synced'; pk: string; identity: StageIdentity; renamed: boolean }
  /** Never synced, and the server has a stage of that name: adopt it, or leave it alone. */
  | { kind: 'same-name'; pk: string }
  /** Never synced and no stage of that name: create it. */
  | { kind: 'new' };

/** The server's stage of a model and name, if any (from a listing, or asked for). */
export type NamedStageLookup = (stage: LocalStage) => Promise<string | undefined> | string | undefined;

/** A portable stage as the adopt question names it. */
export interface AdoptCandidate {
  file: string;
  document: number;
  model: string;
  name: string | undefined;
  /** The server's stage of that name. */
  pk: string;
  server: string;
}

/** Whether to take a same-named stage for a document: a yes for all, or asked per stage (VS Code asks the user). */
export type AdoptDecision = boolean | ((candidate: AdoptCandidate) => boolean | Promise<boolean>);

export async function matchPortable(stage: LocalStage, siblings: readonly LocalStage[], bases: BaseStore, named: NamedStageLookup): Promise<PortableMatch> {
  const otherNames = new Set(siblings.filter((s) => s !== stage && s.name !== undefined).map((s) => nameKey(s.model, s.name!)));
  const identity = bases.identities.find({ model: stage.model, name: stage.name, path: stage.file.path, document: stage.doc.index }, otherNames);
  if (identity) return { kind: 'synced', pk: identity.pk, identity, renamed: identity.name !== stage.name };
  const pk = stage.name === undefined ? undefined : await named(stage);
  return pk ? { kind: 'same-name', pk } : { kind: 'new' };
}

export async function decideAdopt(decision: AdoptDecision | undefined, candidate: AdoptCandidate): Promise<boolean> {
  if (typeof decision === 'function') return decision(candidate);
  return decision === true;
}

/** The identity to record once a portable document's push (or pull) is settled. */
export function identityOf(stage: LocalStage, pk: string, bases: BaseStore): StageIdentity {
  return { pk, model: stage.model, name: stage.name ?? '', file: bases.identities.relativePath(stage.file.path), document: stage.doc.index };
}
