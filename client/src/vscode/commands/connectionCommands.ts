/** Servers: add one (URL, name, token — checked before it is kept), switch, sign out. */
import * as vscode from 'vscode';
import { normalizeServerUrl, serverUrlProblem } from '../../ui/commandDecisions';
import { createClient } from '../servers';
import type { CommandContext, Register } from './registrar';

export function registerConnectionCommands(register: Register, { servers, connection, output }: CommandContext): void {
  register('authentikStages.showOutput', () => output.show(true));

  register('authentikStages.addServer', async () => {
    const server = await askServer();
    if (!server) return;
    const version = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Checking ${server.url}…` }, () => checkServer(server.url, server.token));
    await servers.save({ name: server.name, url: server.url }, server.token);
    await connection.refresh();
    void vscode.window.showInformationMessage(`Connected to ${server.name}: authentik ${version}.`);
  });

  register('authentikStages.switchServer', async () => {
    const active = servers.active();
    const items: Array<vscode.QuickPickItem & { action: 'switch' | 'add' | 'signout'; name?: string }> = [
      ...servers.list().map((s) => ({ label: `${s.name === active?.name ? '$(check) ' : ''}${s.name}`, description: s.url, action: 'switch' as const, name: s.name })),
      { label: '$(add) Add Server…', action: 'add' },
      ...(active ? [{ label: `$(sign-out) Sign out of ${active.name}`, action: 'signout' as const }] : []),
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
}

/** The three questions of *Add Server…*; undefined when one is dismissed. */
async function askServer(): Promise<{ url: string; name: string; token: string } | undefined> {
  const url = await vscode.window.showInputBox({ title: 'Add authentik server (1/3)', prompt: 'URL of the authentik server', placeHolder: 'https://auth.example.com', ignoreFocusOut: true, validateInput: serverUrlProblem });
  if (!url) return undefined;
  const name = await vscode.window.showInputBox({ title: 'Add authentik server (2/3)', prompt: 'A name for this server', value: new URL(url.trim()).hostname, ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'A name is needed.') });
  if (!name) return undefined;
  const token = await vscode.window.showInputBox({
    title: 'Add authentik server (3/3)',
    prompt: 'API token (Admin interface → Directory → Tokens and App passwords). Stored in VS Code’s secret storage only.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'A token is needed.'),
  });
  if (!token) return undefined;
  return { url: normalizeServerUrl(url), name: name.trim(), token: token.trim() };
}

/** "2026.8.3 as akadmin": the token's user and the server's version, or the error that says why not. */
async function checkServer(url: string, token: string): Promise<string> {
  const client = createClient(url, token);
  try {
    const me = await client.me();
    const version = await client.version();
    return `${version.version_current} as ${me.user.username}`;
  } finally {
    client.close();
  }
}
