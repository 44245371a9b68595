/**
 * One folder of stage files, several servers: the plan of a push (*Preview Push*) and the push to
 * a server picked for it (*Push to…*), with the plan shown first and every stage of the same name
 * that this workspace never synced with that server asked about before it is taken over.
 */
import * as vscode from 'vscode';
import type { AuthentikClient } from '../api/authentikClient';
import { BaseStore } from '../sync/baseStore';
import { FindResolver } from '../sync/findResolver';
import { planPush, pushFiles, type PushFilesResult, type PushPlan } from '../sync/plan';
import type { AdoptCandidate } from '../sync/portableTarget';
import type { FileValidator, PushOptions } from '../sync/push';
import { planMarkdown, planSummary, planWrites } from '../ui/planReport';
import type { ConnectionManager } from './connection';
import type { ServerEntry, ServerRegistry } from './servers';
import type { RemoteContentProvider } from './syncService';
import { isBlueprintOnDisk, refuseBlueprint, workspaceRoot } from './workspace';

const STAGE_FILES = '**/*.stage.{yaml,yml,json}';

/** A server a push goes to: the active one, or one picked for *Push to…*. */
export interface PushTarget {
  server: ServerEntry;
  client: AuthentikClient;
}

/** Asks, per stage, whether a same-named stage this workspace never synced with the server is taken over. */
export function askToAdopt(serverName: string): (candidate: AdoptCandidate) => Promise<boolean> {
  return async (candidate) => {
    const adopt = 'Take It Over';
    const answer = await vscode.window.showWarningMessage(
      `${serverName} has a stage named "${candidate.name ?? candidate.model}" that this workspace never synced with it. Take it over with ${vscode.workspace.asRelativePath(candidate.file)}?`,
      { modal: true, detail: 'Fields that differ stay conflicts (nothing of them is overwritten); equal ones link the file to that stage.' },
      adopt,
    );
    return answer === adopt;
  };
}

export class Promotion {
  constructor(
    private readonly servers: ServerRegistry,
    private readonly connection: ConnectionManager,
    private readonly remoteContent: RemoteContentProvider,
    private readonly validate: FileValidator,
  ) {}

  /** The stage files a command is about: the file, the stage files under a folder, or the workspace's. */
  async files(uri: vscode.Uri | undefined): Promise<string[]> {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (target?.scheme === 'file') {
      const stat = await vscode.workspace.fs.stat(target);
      if (stat.type & vscode.FileType.File) {
        refuseBlueprint(target.fsPath);
        return [target.fsPath];
      }
      const found = await vscode.workspace.findFiles(new vscode.RelativePattern(target, STAGE_FILES), '**/node_modules/**');
      return found.map((f) => f.fsPath).filter((path) => !isBlueprintOnDisk(path)).sort();
    }
    // A blueprint named like a stage file is left out of a folder's push (a single one is refused, saying why).
    return (await vscode.workspace.findFiles(STAGE_FILES, '**/node_modules/**')).map((f) => f.fsPath).filter((path) => !isBlueprintOnDisk(path)).sort();
  }

  /** The active server, or a configured one picked by the user (undefined when dismissed). */
  async target(pick: boolean): Promise<PushTarget | undefined> {
    if (!pick) {
      const connected = this.connection.connected();
      if (!connected) throw new Error('Not connected to an authentik server: add one or pick one in the status bar first.');
      return { server: connected.server, client: connected.client };
    }
    const active = this.servers.active();
    const items = this.servers.list().map((s) => ({ label: s.name, description: s.url, detail: s.name === active?.name ? 'the active server' : undefined, server: s }));
    if (items.length === 0) throw new Error('No authentik server is configured: use "authentik: Add Server…" first.');
    const picked = await vscode.window.showQuickPick(items, { title: 'Push to which authentik server?', placeHolder: 'The plan is shown before anything is sent' });
    if (!picked) return undefined;
    const client = await this.servers.client(picked.server);
    if (!client) throw new Error(`${picked.server.name} is signed out: add it again with its token ("authentik: Add Server…").`);
    return { server: picked.server, client };
  }

  /** What a push of `files` to `target` would do, shown as a Markdown preview; nothing is sent or written. */
  async preview(files: string[], target: PushTarget): Promise<PushPlan> {
    const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Planning the push of ${files.length} file${files.length === 1 ? '' : 's'} to ${target.server.name}…` }, async () =>
      planPush(files, await this.options(files, target)),
    );
    const uri = this.remoteContent.put(`plan/${target.server.name.replace(/[^\w.-]+/g, '_')}.md`, planMarkdown(plan, target.server.name, (file) => vscode.workspace.asRelativePath(file)));
    await vscode.commands.executeCommand('markdown.showPreview', uri);
    return plan;
  }

  /** The push the plan showed, after a yes; each same-named stage never synced with this server is asked about. */
  async push(files: string[], target: PushTarget, plan: PushPlan): Promise<PushFilesResult | undefined> {
    if (!planWrites(plan)) {
      void vscode.window.showInformationMessage(`Nothing to push to ${target.server.name}: ${planSummary(plan)}.`);
      return undefined;
    }
    const yes = 'Push';
    const choice = await vscode.window.showWarningMessage(`Push to ${target.server.name} (${target.server.url}): ${planSummary(plan)}?`, { modal: true, detail: 'The plan is open beside this question. Conflicts and files with errors are not pushed.' }, yes);
    if (choice !== yes) return undefined;
    // Planned again by the push itself: the server may have changed while the question was open.
    const options = await this.options(files, target);
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Pushing to ${target.server.name}…` }, () =>
      pushFiles(files, {
        ...options,
        adoptSameNamed: askToAdopt(target.server.name),
      }),
    );
  }

  private async options(files: string[], target: PushTarget): Promise<Omit<PushOptions, 'documents' | 'log'>> {
    const root = workspaceRoot(files[0] ? vscode.Uri.file(files[0]) : undefined);
    if (!root) throw new Error('Open a folder first: the sync state of each server lives in the workspace.');
    return {
      api: target.client,
      catalog: await this.connection.catalogFor(target.client),
      validate: this.validate,
      bases: new BaseStore(root, target.server.url),
      env: process.env,
      finds: new FindResolver(target.client, process.env),
      // Files without pk go to every server by name: their pk per server lives in the sync state.
      portable: true,
    };
  }
}
