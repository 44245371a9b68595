/** What the sync engine needs of the authentik API; `AuthentikClient` provides it. */
import type { StageObject } from '../api/types';
import type { FindLister } from './findResolver';

/** Writes stages, and lists objects to resolve `!Find` tags (see findResolver.ts). */
export interface SyncApi extends FindLister {
  retrieve(apiPath: string, pk: string): Promise<StageObject>;
  create(apiPath: string, body: Record<string, unknown>): Promise<StageObject>;
  update(apiPath: string, pk: string, body: Record<string, unknown>): Promise<StageObject>;
  partialUpdate(apiPath: string, pk: string, body: Record<string, unknown>): Promise<StageObject>;
}
