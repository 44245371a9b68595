/** Finding stages on the server for a pull or a diff: by pk, by model, or all of them. */
import type { ModelIndexEntry, SchemaCatalog } from '@authentik-stages/engine';
import { AuthentikError, AuthentikNotFoundError } from '../api/errors';
import type { StageObject } from '../api/types';
import { checkedStage, isUuid, ServerDataError, showServerValue } from './serverStage';

export interface StageLister {
  /** The server's URL, for messages. */
  readonly baseUrl: string;
  retrieve(apiPath: string, pk: string): Promise<StageObject>;
  listAll(apiPath: string, options?: { search?: string }): Promise<StageObject[]>;
}

export interface FetchedStage {
  remote: StageObject;
  entry: ModelIndexEntry;
}

export class UnknownStageError extends AuthentikError {
  override readonly name = 'UnknownStageError';
}

/** One stage or prompt by pk: `/stages/all/` names its model, prompts live apart. */
export async function fetchByPk(api: StageLister, catalog: SchemaCatalog, pk: string): Promise<FetchedStage> {
  if (!isUuid(pk)) throw new UnknownStageError(`${showServerValue(pk)} is not a stage's pk: stages and prompts have UUID pks (see \`list\`).`);
  let model: string | undefined;
  try {
    const any = checkedStage(await api.retrieve('/stages/all/', pk), { server: api.baseUrl, endpoint: '/stages/all/' }, 'nothing was written', pk);
    const sentModel: unknown = any.meta_model_name;
    if (typeof sentModel !== 'string') throw new ServerDataError(`the server ${api.baseUrl} sent meta_model_name ${showServerValue(sentModel)} for the stage ${pk} of /stages/all/: not a string; nothing was written.`, { server: api.baseUrl });
    model = sentModel;
  } catch (error) {
    if (!(error instanceof AuthentikNotFoundError)) throw error;
  }
  const entries = model ? [catalog.entry(model)] : catalog.models.filter((m) => m.kind === 'prompt');
  for (const entry of entries) {
    if (!entry) continue;
    try {
      return { remote: checkedStage(await api.retrieve(entry.apiPath, pk), { server: api.baseUrl, endpoint: entry.apiPath }, 'nothing was written', pk), entry };
    } catch (error) {
      if (!(error instanceof AuthentikNotFoundError)) throw error;
    }
  }
  if (model && !catalog.entry(model)) throw new UnknownStageError(`${pk} is a ${showServerValue(model)}, which the schema of authentik ${catalog.version} does not know.`);
  throw new UnknownStageError(`No stage or prompt with pk ${pk} on the server.`);
}

export async function fetchByModel(api: StageLister, entry: ModelIndexEntry, search?: string): Promise<FetchedStage[]> {
  const remotes = await api.listAll(entry.apiPath, search ? { search } : {});
  return remotes.map((remote) => ({ remote, entry }));
}

/** Every stage and prompt, type by type, a few types at a time. */
export async function fetchAll(api: StageLister, catalog: SchemaCatalog, onType?: (entry: ModelIndexEntry, count: number) => void): Promise<FetchedStage[]> {
  const entries = catalog.models;
  const results: FetchedStage[][] = new Array<FetchedStage[]>(entries.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const index = next++;
      const entry = entries[index]!;
      results[index] = await fetchByModel(api, entry);
      onType?.(entry, results[index]!.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, entries.length) }, worker));
  return results.flat();
}
