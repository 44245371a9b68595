/** Every command of the extension: thin handlers over the services, errors shown with what to do. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { AuthentikClient } from '../api/authentikClient';
import { renderNewDocument } from '../sync/stageFileIO';
import { safeFileStem } from '../sync/naming';
import type { ConnectionManager } from './connection';
import type { ServerRegistry } from './servers';
import { createClient } from './servers';
import type { StagesTreeProvider, StageTreeNode } from './stagesTree';
import type { SyncService } from './syncService';
import { stageFolder } from './workspace';

type Handler = (...args: never[]) => unknown;

export function registerCommands(context: vscode.ExtensionContext, deps: { servers: ServerRegistry; connection: ConnectionManager; tree: StagesTreeProvider; sync: SyncService; output: vscode.LogOutputChannel }): void {
  const { servers, connection, tree, sync, output } = deps;
  /** Errors become a message that says what happened; the details go to the output channel. */
  const guarded =
    (name: string, handler: Handler) =>
    async (...args: never[]): Promise<unknown> => {
      try {
        return await handler(...args);
      } catch (error) {
        const message = (error as Error).message;
        output.error(`${name}: ${message}`);
        const choice = await vscode.window.showErrorMessage(message, 'Show Details');
        if (choice === 'Show Details') output.show(true);
        return undefined;
      }
    };
  const register = (name: string, handler: Handler): void => {
    context.subscriptions.push(vscode.commands.registerCommand(name, guarded(name, handler)));
  };

  const editorUri = (uri?: vscode.Uri): vscode.Uri => {
    const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    if (!target || target.scheme !== 'file') throw new Error('Open a stage file (*.stage.yaml, *.stage.yml, *.stage.json) first.');
    return target;
  };
  const saved = async (uri: vscode.Uri): Promise<void> => {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (document?.isDirty) await document.save();
  };
  const reportPush = (uri: vscode.Uri, result: Awaited<ReturnType<SyncService['push']>>): void => {
    if (!result) return;
    const bad = result.outcomes.filter((o) => !['created', 'updated', 'unchanged'].includes(o.status));
    if (result.blocked) void vscode.window.showErrorMessage(`${vscode.workspace.asRelativePath(uri)} was not pushed: it has errors (see Problems). Nothing was sent.`);
    else if (bad.length) void vscode.window.showErrorMessage(`Push of ${vscode.workspace.asRelativePath(uri)}: ${bad.map((o) => `${o.stage} ${o.status}`).join('; ')}. See Problems.`);
    else void vscode.window.showInformationMessage(`Pushed ${vscode.workspace.asRelativePath(uri)}: ${result.outcomes.map((o) => `${o.stage} ${o.status}${o.merged.length ? ` (took the server's ${o.merged.join(', ')})` : ''}`).join('; ')}.`);
  };

  register('authentikStages.showOutput', () => output.show(true));

  register('authentikStages.addServer', async () => {
    const url = await vscode.window.showInputBox({
      title: 'Add authentik server (1/3)',
      prompt: 'URL of the authentik server',
      placeHolder: 'https://auth.example.com',
      ignoreFocusOut: true,
      validateInput: (value) => {
        try {
          const parsed = new URL(value.trim());
          return /^https?:$/.test(parsed.protocol) ? undefined : 'Use an http(s) URL.';
        } catch {
          return 'Not a URL, e.g. https://auth.example.com';
        }
      },
    });
    if (!url) return;
    const name = await vscode.window.showInputBox({ title: 'Add authentik server (2/3)', prompt: 'A name for this server', value: new URL(url.trim()).hostname, ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'A name is needed.') });
    if (!name) return;
    const token = await vscode.window.showInputBox({
      title: 'Add authentik server (3/3)',
      prompt: 'API token (Admin interface → Directory → Tokens and App passwords). Stored in VS Code’s secret storage only.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'A token is needed.'),
    });
    if (!token) return;
    const server = { name: name.trim(), url: url.trim().replace(/\/+$/, '') };
    const version = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Checking ${server.url}…` }, async () => {
      const client: AuthentikClient = createClient(server.url, token.trim());
      try {
        const me = await client.me();
        const v = await client.version();
        return `${v.version_current} as ${me.user.username}`;
      } finally {
        client.close();
      }
    });
    await servers.save(server, token.trim());
    await connection.refresh();
    void vscode.window.showInformationMessage(`Connected to ${server.name}: authentik ${version}.`);
  });

  register('authentikStages.switchServer', async () => {
    const active = servers.active();
    const items: Array<vscode.QuickPickItem & { action: string; name?: string }> = [
      ...servers.list().map((s) => ({ label: `${s.name === active?.name ? '$(check) ' : ''}${s.name}`, description: s.url, action: 'switch', name: s.name })),
      { label: '$(add) Add Server…', action: 'add' },
      ...(active ? [{ label: `$(sign-out) Sign out of ${active.name}`, action: 'signout' }] : []),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'authentik server' });
    if (!picked) return;
    if (picked.action === 'add') return vscode.commands.executeCommand('authentikStages.addServer');
    if (picked.action === 'signout') return vscode.commands.executeCommand('authentikStages.signOut');
    await servers.activate(picked.name!);
    await connection.refresh();
  });

  register('authentikStages.signOut', async () => {
    const active = servers.active();
    if (!active) return;
    await servers.signOut(active);
    await connection.refresh();
    void vscode.window.showInformationMessage(`Signed out of ${active.name}: its token was removed from secret storage.`);
  });

  register('authentikStages.refreshStages', async () => {
    await connection.refresh();
    tree.refresh();
  });
  register('authentikStages.filterStages', async () => {
    const text = await vscode.window.showInputBox({ title: 'Filter stages', prompt: 'Show stages whose name matches (empty: all)', value: tree.search });
    if (text !== undefined) tree.setFilter(text);
  });
  register('authentikStages.clearFilter', () => tree.setFilter(''));
  register('authentikStages.loadMore', (node: StageTreeNode) => tree.loadMore(node));

  const stageOf = (node: StageTreeNode | undefined): Extract<StageTreeNode, { kind: 'stage' }> => {
    if (!node || node.kind !== 'stage') throw new Error('Pick a stage in the authentik Stages view.');
    return node;
  };
  /** The local file holding a stage, found by its pk in the stage folder. */
  const localFileOf = (pk: string): string | undefined => {
    const dir = stageFolder();
    if (!dir || !existsSync(dir)) return undefined;
    return readdirSync(dir)
      .filter((n) => /\.stage\.(ya?ml|json)$/i.test(n))
      .map((n) => join(dir, n))
      .find((path) => new RegExp(`^\\s*"?pk"?\\s*:\\s*"?${pk}`, 'mi').test(readFileSync(path, 'utf8')));
  };

  register('authentikStages.openStage', async (node: StageTreeNode) => {
    const stage = stageOf(node);
    const written = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Pulling ${stage.stage.name}…` }, () => sync.pullByPk([stage.stage.pk]));
    const file = join(stageFolder()!, written[0]!.file);
    await vscode.window.showTextDocument(vscode.Uri.file(file));
  });
  register('authentikStages.diffStage', async (node: StageTreeNode) => {
    const stage = stageOf(node);
    const file = localFileOf(stage.stage.pk);
    if (!file) throw new Error(`${stage.stage.name} has no local file in the stage folder yet: open it first.`);
    await sync.diff(vscode.Uri.file(file), 0);
  });
  register('authentikStages.pushStage', async (node: StageTreeNode) => {
    const stage = stageOf(node);
    const file = localFileOf(stage.stage.pk);
    if (!file) throw new Error(`${stage.stage.name} has no local file in the stage folder: open it, edit, then push.`);
    const uri = vscode.Uri.file(file);
    await saved(uri);
    reportPush(uri, await sync.push(uri, { interactive: true }));
    tree.refresh();
  });
  register('authentikStages.copyPk', async (node: StageTreeNode) => {
    const stage = stageOf(node);
    await vscode.env.clipboard.writeText(stage.stage.pk);
    vscode.window.setStatusBarMessage(`Copied ${stage.stage.pk}`, 3000);
  });
  register('authentikStages.openInAdmin', async (node: StageTreeNode) => {
    stageOf(node);
    const connected = connection.connected();
    if (!connected) throw new Error('Not connected to an authentik server.');
    await vscode.env.openExternal(vscode.Uri.parse(`${connected.server.url.replace(/\/+$/, '')}/if/admin/#/flow/stages`));
  });
  register('authentikStages.deleteStage', async (node: StageTreeNode) => {
    const stage = stageOf(node);
    const connected = connection.connected();
    if (!connected) throw new Error('Not connected to an authentik server.');
    const usedBy = await connected.client.usedBy(stage.entry.apiPath, stage.stage.pk);
    const flows = (stage.stage.flow_set ?? []).map((f) => f.slug || f.name);
    const detail = flows.length || usedBy.length ? `It is used by: ${[...new Set([...flows, ...usedBy.map((u) => `${u.model_name} ${u.name}`)])].join(', ')}. Deleting it removes it from there too.` : 'No flow uses it.';
    const choice = await vscode.window.showWarningMessage(`Delete ${stage.entry.title} "${stage.stage.name}" from ${connected.server.name}?`, { modal: true, detail }, 'Delete');
    if (choice !== 'Delete') return;
    await connected.client.delete(stage.entry.apiPath, stage.stage.pk);
    tree.refresh();
    void vscode.window.showInformationMessage(`Deleted ${stage.stage.name} from ${connected.server.name}.`);
  });
  register('authentikStages.newStage', async (node: StageTreeNode) => {
    if (!node || node.kind !== 'type') throw new Error('Pick a stage type in the authentik Stages view.');
    const dir = stageFolder();
    if (!dir) throw new Error('Open a folder first: new stages are files in the workspace.');
    const name = await vscode.window.showInputBox({ title: `New ${node.entry.title}`, prompt: 'Name of the stage (unique on the server)', validateInput: (v) => (v.trim() ? undefined : 'A name is needed.') });
    if (!name) return;
    const schema = connection.catalog().schema(node.entry.model);
    const object: Record<string, unknown> = { model: node.entry.model, name: name.trim() };
    for (const field of node.entry.required) {
      if (field === 'name') continue;
      const property = schema?.properties?.[field] ?? {};
      object[field] = property.enum?.find((v) => v !== null) ?? (property.type === 'array' ? [] : property.type === 'boolean' ? false : property.type === 'integer' ? 0 : '');
    }
    mkdirSync(dir, { recursive: true });
    let path = join(dir, `${safeFileStem(name)}.stage.yaml`);
    for (let i = 2; existsSync(path); i++) path = join(dir, `${safeFileStem(name)}-${i}.stage.yaml`);
    writeFileSync(path, renderNewDocument(object, 'yaml'));
    await vscode.window.showTextDocument(vscode.Uri.file(path));
  });

  register('authentikStages.push', async (uri?: vscode.Uri) => {
    const target = editorUri(uri);
    await saved(target);
    reportPush(target, await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Pushing ${vscode.workspace.asRelativePath(target)}…` }, () => sync.push(target, { interactive: true })));
    tree.refresh();
  });
  register('authentikStages.pushDocument', async (uri: vscode.Uri, index: number) => {
    await saved(uri);
    reportPush(uri, await sync.push(uri, { documents: [index], interactive: true }));
    tree.refresh();
  });
  register('authentikStages.diff', (uri?: vscode.Uri) => sync.diff(editorUri(uri), 0));
  register('authentikStages.diffDocument', async (uri: vscode.Uri, index: number) => {
    await saved(uri);
    await sync.diff(uri, index);
  });
  register('authentikStages.pull', async (uri?: vscode.Uri) => {
    const target = editorUri(uri);
    await saved(target);
    await sync.pullDocument(target, 0);
  });
  register('authentikStages.pullDocument', async (uri: vscode.Uri, index: number) => {
    await saved(uri);
    await sync.pullDocument(uri, index);
  });
}
