/**
 * Whether the workspace's files and a server agree, stage by stage, from the server's lists (the
 * Stages tree has them already): for each listed stage, whether a file holds it and says the same;
 * and the files whose stage is gone from the server, or not on it yet. No request but the `!Find`
 * lookups of files that hold tags (shared through `finds`).
 */
import type { SchemaCatalog } from '@authentik-stages/engine';
import type { BaseStore } from './baseStore';
import { diffStage } from './diff';
import { NO_FINDS, type FindResolver } from './findResolver';
import { localStages, describeStage } from './localStage';
import type { Environment } from './payload';
import { stageTarget } from './push';
import type { ServerListing } from './serverListing';
import type { SyncApi } from './syncApi';
import { parseStageFile } from './stageFileIO';
import { readStageText } from './stageFileText';

export interface StageAgreement {
  pk: string;
  model: string;
  name: string;
  /** `same`/`differs`: a file holds the stage; `only-on-server`: none does. */
  state: 'same' | 'differs' | 'only-on-server';
  /** The file holding it (absolute path) and the document's 0-based position. */
  file?: string;
  document?: number;
  /** Fields that differ (`differs`). */
  fields?: string[];
}

export interface FileStageState {
  file: string;
  document: number;
  stage: string;
  model: string;
  /** The pk it names (pinned) or was synced with (portable); the same-named stage's for `unsynced`. */
  pk: string | undefined;
  /** `gone`: its stage was deleted on the server; `new`: not on the server yet; `unsynced`: a stage of its name is there, never synced from this workspace (adopt). */
  state: 'gone' | 'new' | 'unsynced';
}

export interface WorkspaceAgreement {
  server: string;
  stages: StageAgreement[];
  /** Documents with no stage of theirs on the server. */
  files: FileStageState[];
}

export interface AgreementOptions {
  api: Pick<SyncApi, 'baseUrl' | 'listAll'>;
  catalog: SchemaCatalog;
  bases: BaseStore;
  env: Environment;
  /** Resolves `!Find` tags so they compare by pk; tags are left out of the comparison without it. */
  finds?: FindResolver;
}

/** `files`: absolute paths; `listing`: the server's stages of (at least) the types the files hold. */
export async function workspaceAgreement(files: readonly string[], listing: ServerListing, options: AgreementOptions): Promise<WorkspaceAgreement> {
  const held = new Map<string, StageAgreement>();
  const loose: FileStageState[] = [];
  for (const path of files) {
    let stages;
    try {
      stages = localStages(parseStageFile(path, readStageText(path).text), options.catalog).stages;
    } catch {
      continue;
    }
    const finds = options.finds ? await options.finds.resolveStages(stages) : NO_FINDS;
    for (const stage of stages) {
      const target = await stageTarget(stage, stages, { api: options.api as SyncApi, bases: options.bases, listing });
      const pk = target.kind === 'pinned' ? stage.pk : target.kind === 'new' ? undefined : target.pk;
      const base = { file: path, document: stage.doc.index, stage: describeStage(stage), model: stage.model, pk };
      if (target.kind === 'same-name') {
        loose.push({ ...base, state: 'unsynced' });
        continue;
      }
      const listed = pk ? listing.stage(pk) : undefined;
      if (!pk || !listed) {
        loose.push({ ...base, state: pk ? 'gone' : 'new' });
        continue;
      }
      const diff = diffStage({ ...stage, pk }, listed.remote, options.env, finds);
      held.set(listed.remote.pk.toLowerCase(), {
        pk: listed.remote.pk,
        model: listed.entry.model,
        name: listed.remote.name,
        state: diff.state === 'same' ? 'same' : 'differs',
        file: path,
        document: stage.doc.index,
        ...(diff.changes.length ? { fields: diff.changes.map((c) => c.field) } : {}),
      });
    }
  }
  const stages = listing.all().map(({ remote, entry }) => held.get(remote.pk.toLowerCase()) ?? { pk: remote.pk, model: entry.model, name: remote.name, state: 'only-on-server' as const });
  return { server: listing.server, stages, files: loose };
}
