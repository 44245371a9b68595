/**
 * The sync base: per server and pk, the remote object as last pulled or pushed, kept in the
 * workspace under `.authentik/bases/<server>/<pk>.json`. Only comparable fields are kept, so no
 * secret ever lands there (the server never returns them anyway).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from './atomicWrite';
import type { FieldMap } from './normalize';
import { isUuid } from './serverStage';
import { pathInside } from './naming';
import { StageIdentities } from './syncState';

export interface BaseRecord {
  model: string;
  pk: string;
  /** ISO time of the pull or push that recorded it. */
  recordedAt: string;
  fields: FieldMap;
}

export const SYNC_DIR = '.authentik';

/** `https://auth.example.com:8443/sub` → `auth.example.com_8443_sub`: a folder name per server. */
export function serverKey(serverUrl: string): string {
  const url = new URL(serverUrl);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.hostname}_${port}${path}`.replace(/[^A-Za-z0-9._-]+/g, '_');
}

export class BaseStore {
  private readonly dir: string;
  /** Which stage of this server each portable document is (see syncState.ts). */
  readonly identities: StageIdentities;

  constructor(
    readonly workspaceRoot: string,
    /** The server whose bases these are. */
    readonly serverUrl: string,
  ) {
    this.dir = join(workspaceRoot, SYNC_DIR, 'bases', serverKey(serverUrl));
    this.identities = new StageIdentities(workspaceRoot, serverUrl, serverKey(serverUrl));
  }

  /**
   * Makes sure bases can be recorded (their folder exists or can be made), before anything is
   * sent or written: a sync folder that is a file, or not writable, stops the run at its start
   * with the file-system error, instead of after each stage.
   */
  ensureWritable(): void {
    // Made when something is to be written, not when the store is: a dry run leaves no trace.
    ensureSyncDir(this.workspaceRoot);
    mkdirSync(this.dir, { recursive: true });
  }

  get(pk: string): BaseRecord | undefined {
    const path = this.pathOf(pk);
    if (!existsSync(path)) return undefined;
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as BaseRecord;
    } catch {
      // A damaged base is no base: the next push treats differences as conflicts, which is safe.
      return undefined;
    }
  }

  set(record: BaseRecord): void {
    ensureSyncDir(this.workspaceRoot);
    mkdirSync(this.dir, { recursive: true });
    const path = this.pathOf(record.pk);
    // An interrupted write never leaves half a base behind.
    writeFileAtomically(path, `${JSON.stringify(record, null, 2)}\n`, { expected: 'any' });
  }

  delete(pk: string): void {
    rmSync(this.pathOf(pk), { force: true });
  }

  private pathOf(pk: string): string {
    if (!isUuid(pk)) throw new Error(`Not a valid pk for a sync base: ${JSON.stringify(pk)} (a stage's pk is a UUID).`);
    return pathInside(this.dir, `${pk.toLowerCase()}.json`);
  }
}

/** Creates `.authentik/` with a README and a .gitignore for its cache, once. */
export function ensureSyncDir(workspaceRoot: string): void {
  const dir = join(workspaceRoot, SYNC_DIR);
  if (existsSync(join(dir, 'README.md'))) return;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'README.md'),
      '# authentik sync state\n\nWritten by authentik Stages (VS Code extension and `authentik-stages` CLI).\n\n' +
        '`bases/<server>/<pk>.json` holds each stage as it was last pulled or pushed: the base of the\n' +
        'three-way merge that keeps a push from overwriting changes made on the server meanwhile.\n' +
        '`portable/<server>.json` names, for each portable file\'s document (no `pk` in the file), the\n' +
        'stage of that server it was synced with (pk, model, name, file, document).\n' +
        'It never holds secrets. Commit it to share that state, or ignore it.\n',
    );
    writeFileSync(join(dir, '.gitignore'), 'cache/\n');
  } catch {
    // The README and .gitignore are for people; a base that cannot be written is reported when it is.
  }
}
