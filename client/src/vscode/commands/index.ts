/** Every command of the extension, registered by feature: servers, the Stages view, the stage file in the editor. */
import type * as vscode from 'vscode';
import { registerConnectionCommands } from './connectionCommands';
import { registerEditorCommands } from './editorCommands';
import { registerPromotionCommands } from './promotionCommands';
import { commandRegistrar, type CommandContext } from './registrar';
import { registerTreeCommands } from './treeCommands';

export type { CommandContext } from './registrar';

export function registerCommands(extension: vscode.ExtensionContext, context: CommandContext): void {
  const register = commandRegistrar(extension, context.output);
  registerConnectionCommands(register, context);
  registerTreeCommands(register, context);
  registerEditorCommands(register, context);
  registerPromotionCommands(register, context);
}
