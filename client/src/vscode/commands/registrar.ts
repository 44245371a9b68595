/** Registering a command so that a failure becomes a message saying what happened, with the details in the output channel. */
import * as vscode from 'vscode';
import type { ConnectionManager } from '../connection';
import type { ServerRegistry } from '../servers';
import type { StagesTreeProvider } from '../stagesTree';
import type { Promotion } from '../promotion';
import type { SyncService } from '../syncService';

/** What the command handlers work with. */
export interface CommandContext {
  servers: ServerRegistry;
  connection: ConnectionManager;
  tree: StagesTreeProvider;
  sync: SyncService;
  promotion: Promotion;
  output: vscode.LogOutputChannel;
}

type Handler = (...args: never[]) => unknown;

export type Register = (name: string, handler: Handler) => void;

export function commandRegistrar(extension: vscode.ExtensionContext, output: vscode.LogOutputChannel): Register {
  const reportingErrors =
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
  return (name, handler) => extension.subscriptions.push(vscode.commands.registerCommand(name, reportingErrors(name, handler)));
}
