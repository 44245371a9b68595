/**
 * Which stage of a server each portable document (a stage document without `pk`) was synced with:
 * `.authentik/portable/<server>.json`, one file per server, next to that server's bases. The
 * file never holds a pk for a portable document, so this is the only record that the document
 * and that server's stage are one: a push finds the stage to update here (and its base by that
 * pk), and a stage of the same name the workspace never synced is not taken for it.
 *
 * An identity is found first by model and name (the file was moved, or its documents reordered),
 * then by the file and the document's position (the name was changed in the file: a rename, not a
 * new stage). No secrets: pks, models, names and workspace-relative paths only.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { writeFileAtomically } from './atomicWrite';
import { isUuid } from './serverStage';

export interface StageIdentity {
  /** The stage's pk on this server. */
  pk: string;
  model: string;
  /** The name the document had when it was last synced. */
  name: string;
  /** The file, relative to the workspace root, with `/` separators. */
  file: string;
  /** 0-based position of the document in the file. */
  document: number;
}

interface StateFile {
  server: string;
  stages: StageIdentity[];
}

/** What a lookup knows of a portable document. */
export interface PortableDocument {
  model: string;
  name: string | undefined;
  /** Absolute path. */
  path: string;
  document: number;
}

export class StageIdentities {
  private loaded: StageIdentity[] | undefined;
  readonly path: string;

  constructor(
    readonly workspaceRoot: string,
    readonly serverUrl: string,
    serverFolder: string,
  ) {
    this.path = join(portableDir(workspaceRoot), `${serverFolder}.json`);
  }

  all(): readonly StageIdentity[] {
    if (!this.loaded) this.loaded = this.read();
    return this.loaded;
  }

  /** The workspace-relative form of an absolute path, as identities hold it. */
  relativePath(path: string): string {
    const rel = isAbsolute(path) ? relative(this.workspaceRoot, path) : path;
    return rel.split(sep).join('/');
  }

  /**
   * The identity of a portable document: by model and name, else by its place (file and
   * position) when that identity's name is not the name of another document being synced
   * (`otherNames`: model + name pairs, as `nameKey` makes them).
   */
  find(doc: PortableDocument, otherNames: ReadonlySet<string> = new Set()): StageIdentity | undefined {
    const file = this.relativePath(doc.path);
    const stages = this.all();
    if (doc.name !== undefined) {
      const named = stages.filter((s) => s.model === doc.model && s.name === doc.name);
      if (named.length) return named.find((s) => s.file === file) ?? named[0];
    }
    return stages.find((s) => s.model === doc.model && s.file === file && s.document === doc.document && !otherNames.has(nameKey(s.model, s.name)));
  }

  /** The identity holding `pk`, if any. */
  byPk(pk: string): StageIdentity | undefined {
    return this.all().find((s) => s.pk.toLowerCase() === pk.toLowerCase());
  }

  /** Records (or moves) the identity of `pk`: any other record of that pk, or of that document, is replaced. */
  record(identity: StageIdentity): void {
    if (!isUuid(identity.pk)) throw new Error(`Not a valid pk for the sync state: ${JSON.stringify(identity.pk)} (a stage's pk is a UUID).`);
    const file = this.relativePath(identity.file);
    const entry: StageIdentity = { ...identity, pk: identity.pk.toLowerCase(), file };
    const kept = this.all().filter((s) => s.pk !== entry.pk && !(s.file === file && s.document === entry.document && s.model === entry.model));
    kept.push(entry);
    kept.sort((a, b) => a.file.localeCompare(b.file) || a.document - b.document);
    const state: StateFile = { server: this.serverUrl, stages: kept };
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileAtomically(this.path, `${JSON.stringify(state, null, 2)}\n`, { expected: 'any' });
    this.loaded = kept;
  }

  private read(): StageIdentity[] {
    if (!existsSync(this.path)) return [];
    try {
      const state = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<StateFile>;
      if (!Array.isArray(state.stages)) return [];
      return state.stages.filter(
        (s): s is StageIdentity =>
          typeof s === 'object' && s !== null && typeof s.pk === 'string' && isUuid(s.pk) && typeof s.model === 'string' && typeof s.name === 'string' && typeof s.file === 'string' && Number.isInteger(s.document),
      );
    } catch {
      // A damaged state is no state: portable documents are then matched by name, and a same-named stage needs adopting.
      return [];
    }
  }
}

/** A stage's name within its namespace: prompts apart from stages (authentik keeps them apart). */
export function nameKey(model: string, name: string): string {
  return `${model === 'authentik_stages_prompt.prompt' ? 'prompt' : 'stage'}\u0000${name}`;
}

function portableDir(workspaceRoot: string): string {
  return join(workspaceRoot, '.authentik', 'portable');
}

/**
 * Whether a document without pk is portable: synced as such with some server of the workspace.
 * (Otherwise it is a new pinned stage: its first push writes the pk into the file, as always.)
 */
export function knownPortable(workspaceRoot: string, doc: PortableDocument): boolean {
  const dir = portableDir(workspaceRoot);
  if (!existsSync(dir)) return false;
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return false;
  }
  return names.some((name) => stateOf(workspaceRoot, join(dir, name), name.slice(0, -'.json'.length))?.find(doc) !== undefined);
}

/** Each server's state, read again only when its file changed: a folder of hundreds of portable files asks once per document. */
const readStates = new Map<string, { stamp: string; identities: StageIdentities }>();

function stateOf(workspaceRoot: string, path: string, serverFolder: string): StageIdentities | undefined {
  let stamp: string;
  try {
    const stat = statSync(path);
    stamp = `${stat.mtimeMs} ${stat.size}`;
  } catch {
    return undefined;
  }
  const cached = readStates.get(path);
  if (cached?.stamp === stamp) return cached.identities;
  const identities = new StageIdentities(workspaceRoot, '', serverFolder);
  readStates.set(path, { stamp, identities });
  return identities;
}
