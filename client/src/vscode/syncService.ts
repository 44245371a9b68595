/**
 * Pull, push and diff from the editor: the sync engine with VS Code's questions around it (which
 * server, what to do about a conflict) and its answers shown as diagnostics and notifications.
 */
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { BaseStore } from '../sync/baseStore';
import { diffStage, remoteForDiff } from '../sync/diff';
import { fetchByPk } from '../sync/fetchStages';
import { localStages, type LocalStage } from '../sync/localStage';
import { FindResolver } from '../sync/findResolver';
import { buildObjectIndex } from '../sync/objectIndex';
import { pullTargetModels, type ReferenceStyle } from '../sync/pullReferences';
import { fileObject, pullNeedsIndex, writePulledStages, type PulledStage } from '../sync/pull';
import { pushFile, type FileValidator, type PushFileResult, type UnwrittenPush } from '../sync/push';
import { parseStageFile, renderNewDocument } from '../sync/stageFileIO';
import { readStageText } from '../sync/stageFileText';
import type { ConnectionManager } from './connection';
import { askToAdopt } from './promotion';
import type { ServerDiagnostics } from './serverDiagnostics';
import { refuseBlueprint, stageFolder, workspaceRoot } from './workspace';

const BINDINGS_KEY = 'authentik.fileServers';

export class SyncService {
  /**
   * Per file: stages pushed while the file could not be rewritten (it was saved again meanwhile):
   * the next push of the newer save updates them against what was pushed, never creating a stage
   * twice nor taking its own earlier push for a change on the server.
   */
  private readonly unwritten = new Map<string, UnwrittenPush[]>();
  private readonly pushed = new vscode.EventEmitter<vscode.Uri>();
  /** A push reached the server (something was created or updated there). */
  readonly onDidPush = this.pushed.event;

  constructor(
    private readonly connection: ConnectionManager,
    private readonly diagnostics: ServerDiagnostics,
    private readonly state: vscode.Memento,
    private readonly output: vscode.LogOutputChannel,
    readonly remoteContent: RemoteContentProvider,
    private readonly validate: FileValidator,
  ) {}

  private requireConnection(): NonNullable<ReturnType<ConnectionManager['connected']>> {
    const connected = this.connection.connected();
    if (!connected) {
      const state = this.connection.state;
      const why = state.kind === 'none' ? 'no authentik server is configured' : state.kind === 'signed-out' ? `${state.server.name} is signed out` : state.kind === 'error' ? `${state.server.name} cannot be reached (${state.message})` : 'the connection is not ready yet';
      throw new Error(`Not connected: ${why}. Use "authentik: Add Server…" or pick a server in the status bar.`);
    }
    return connected;
  }

  private bases(uri: vscode.Uri, serverUrl: string): BaseStore {
    return new BaseStore(workspaceRoot(uri) ?? dirname(uri.fsPath), serverUrl);
  }

  /** A file pulled from or pushed to one server is bound to it: pushing it elsewhere asks first. */
  private async confirmServer(uri: vscode.Uri, serverUrl: string, serverName: string, ask: boolean): Promise<boolean> {
    const bindings = this.state.get<Record<string, string>>(BINDINGS_KEY, {});
    const bound = bindings[uri.fsPath];
    if (bound && bound !== serverUrl) {
      if (!ask) return false;
      const choice = await vscode.window.showWarningMessage(
        `${vscode.workspace.asRelativePath(uri)} was last synced with ${bound}. Push it to ${serverName} (${serverUrl})?`,
        { modal: true },
        'Push to this server',
      );
      if (choice !== 'Push to this server') return false;
    }
    await this.state.update(BINDINGS_KEY, { ...bindings, [uri.fsPath]: serverUrl });
    return true;
  }

  /**
   * Pushes a saved file (or some of its documents). `interactive`: a conflict or another server
   * asks the user; push-on-save only reports.
   */
  async push(uri: vscode.Uri, options: { documents?: number[]; interactive: boolean; force?: boolean; takeServer?: boolean }): Promise<PushFileResult | undefined> {
    refuseBlueprint(uri.fsPath);
    const { server, client } = this.requireConnection();
    if (!(await this.confirmServer(uri, server.url, server.name, options.interactive))) {
      if (!options.interactive) this.output.warn(`Not pushed on save: ${uri.fsPath} is bound to another server than ${server.name}.`);
      return undefined;
    }
    const adopt = this.unwritten.get(uri.fsPath);
    const result = await pushFile(uri.fsPath, {
      api: client,
      catalog: this.connection.catalog(),
      validate: this.validate,
      bases: this.bases(uri, server.url),
      env: process.env,
      force: options.force ?? false,
      takeServerOnConflict: options.takeServer ?? false,
      // New files without pk stay portable when the workspace pulls portable files.
      portable: vscode.workspace.getConfiguration('authentik', uri).get<boolean>('pull.portable', false),
      // A same-named stage never synced from here: asked about when a person pushes, never on save.
      adoptSameNamed: options.interactive ? askToAdopt(server.name) : false,
      ...(options.documents ? { documents: options.documents } : {}),
      ...(adopt ? { adopt } : {}),
      log: (line) => this.output.info(line),
    });
    if (result.outcomes.some((o) => o.status === 'created' || o.status === 'updated')) this.pushed.fire(uri);
    if (result.unwritten.length) this.unwritten.set(uri.fsPath, result.unwritten);
    else this.unwritten.delete(uri.fsPath);
    // What the push found; the validator's errors are the language server's own diagnostics already.
    if (result.problems.length) this.diagnostics.set(uri, result.problems);
    else this.diagnostics.clear(uri);
    if (result.writeError) {
      // The server has the push; the file keeps the user's text. A save meanwhile is pushed next.
      this.output.warn(result.writeError);
      void vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(uri)} was pushed, but not rewritten: ${result.writeError}`);
    }
    const conflicts = result.outcomes.filter((o) => o.status === 'conflict');
    if (conflicts.length && options.interactive) return this.resolveConflicts(uri, result, options.documents);
    return result;
  }

  private async resolveConflicts(uri: vscode.Uri, result: PushFileResult, documents: number[] | undefined): Promise<PushFileResult | undefined> {
    const fields = result.outcomes.flatMap((o) => o.conflicts.map((c) => c.field));
    const choice = await vscode.window.showWarningMessage(
      `Conflict: ${fields.join(', ')} changed both on the server and in ${vscode.workspace.asRelativePath(uri)} since the last sync. Nothing was overwritten.`,
      { modal: true, detail: result.problems.filter((p) => p.severity === 'error').map((p) => p.message).join('\n') },
      'Show Diff',
      'Overwrite Server',
      "Take Server's",
    );
    if (choice === 'Show Diff') {
      await this.diff(uri, documents?.[0] ?? 0);
      return result;
    }
    const only = documents ? { documents } : {};
    if (choice === 'Overwrite Server') return this.push(uri, { ...only, interactive: false, force: true });
    if (choice === "Take Server's") return this.push(uri, { ...only, interactive: false, takeServer: true });
    return result;
  }

  /** Pulls stages by pk into the stage folder (or `into` a folder); returns what was written. */
  async pullByPk(pks: string[], into?: string): Promise<PulledStage[]> {
    const { server, client } = this.requireConnection();
    const catalog = this.connection.catalog();
    const outDir = into ?? stageFolder();
    if (!outDir) throw new Error('Open a folder first: pulled stages are written into the workspace.');
    const fetched = [];
    for (const pk of pks) fetched.push(await fetchByPk(client, catalog, pk));
    // `authentik.pull.portable`: no pk, references as `!Find`; else `authentik.pull.references` says.
    const settings = vscode.workspace.getConfiguration('authentik', vscode.Uri.file(outDir));
    const portable = settings.get<boolean>('pull.portable', false);
    const references: ReferenceStyle = portable || settings.get<ReferenceStyle>('pull.references', 'pk') === 'find' ? 'find' : 'pk';
    const index = pullNeedsIndex(outDir, pks, references) ? await buildObjectIndex(client, pullTargetModels(new Set(fetched.map((f) => f.entry.model)))) : undefined;
    const bases = new BaseStore(workspaceRoot() ?? outDir, server.url);
    const { pulled: written, problems } = writePulledStages(fetched, { catalog, bases, outDir, format: 'yaml', references, portable, env: process.env, ...(index ? { index } : {}) });
    const bindings = this.state.get<Record<string, string>>(BINDINGS_KEY, {});
    for (const w of written) bindings[join(outDir, w.file)] = server.url;
    await this.state.update(BINDINGS_KEY, bindings);
    for (const problem of problems) this.output.error(`Pull: ${problem.message}`);
    if (problems.length) throw new Error(problems.map((p) => p.message).join('\n'));
    return written;
  }

  /** The stage documents of a saved file with a pk (a blueprint has none: refused, saying why). */
  private stagesOf(uri: vscode.Uri): LocalStage[] {
    refuseBlueprint(uri.fsPath);
    const file = parseStageFile(uri.fsPath, readStageText(uri.fsPath).text);
    return localStages(file, this.connection.catalog()).stages;
  }

  async pullDocument(uri: vscode.Uri, documentIndex: number): Promise<void> {
    const stage = this.stagesOf(uri).find((s) => s.doc.index === documentIndex);
    if (!stage?.pk) throw new Error('This document has no pk: it is not on the server yet (push creates it).');
    await this.pullByPk([stage.pk], dirname(uri.fsPath));
    this.diagnostics.clear(uri);
  }

  /** Opens VS Code's diff editor: the server's stage against the file's, normalized alike. */
  async diff(uri: vscode.Uri, documentIndex: number): Promise<void> {
    const { server, client } = this.requireConnection();
    const stages = this.stagesOf(uri);
    const stage = stages.find((s) => s.doc.index === documentIndex) ?? stages[0];
    if (!stage) throw new Error('No stage document here.');
    const remote = await remoteForDiff(client, server.url, stage);
    // Tags compare by the pks they name on this server, as the command line's diff does.
    const finds = await new FindResolver(client, process.env).resolveStages([stage]);
    const shown = diffStage(stage, remote, process.env, finds);
    const fields = Object.keys(stage.values).filter((k) => stage.entry.fields.includes(k) && !stage.entry.writeOnly.includes(k));
    const pick = (object: Record<string, unknown>): Record<string, unknown> => {
      const out: Record<string, unknown> = { model: stage.model, ...(stage.pk ? { pk: stage.pk } : {}) };
      for (const field of fields) if (Object.hasOwn(object, field)) out[field] = object[field];
      return out;
    };
    // A field that is the same on both sides is shown as the file writes it (a `!Find` naming the
    // server's pk is no difference), so the diff shows only what differs.
    const differing = new Set(shown.changes.map((c) => c.field));
    const serverSide = (object: Record<string, unknown>): Record<string, unknown> =>
      Object.fromEntries(Object.entries(object).map(([field, value]) => [field, differing.has(field) || !Object.hasOwn(stage.values, field) ? value : stage.values[field]]));
    const left = remote ? renderNewDocument(pick(serverSide(fileObject(remote, stage.entry))), 'yaml') : `# ${shown.state === 'new' ? 'Not on the server yet' : 'Deleted on the server'}\n`;
    const right = renderNewDocument(pick(stage.values as Record<string, unknown>), 'yaml');
    const name = stage.name ?? stage.model;
    const leftUri = this.remoteContent.put(`server/${name}.stage.yaml`, left);
    const rightUri = this.remoteContent.put(`file/${name}.stage.yaml`, right);
    await vscode.commands.executeCommand('vscode.diff', leftUri, rightUri, `${name}: server ↔ ${vscode.workspace.asRelativePath(uri)}${shown.state === 'same' ? ' (same)' : ''}`);
  }
}

/** Read-only virtual documents for diffs (scheme `authentik`). */
export class RemoteContentProvider implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'authentik';
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  put(path: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: RemoteContentProvider.scheme, path: `/${path}` });
    this.contents.set(uri.toString(), text);
    this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }
}
