/** Several servers: the plan of a push (*Preview Push*) and a push to a server picked for it (*Push to…*), for a file, a folder or the workspace. */
import * as vscode from 'vscode';
import { isPushSuccess } from '../../sync/push';
import { pushedSummary } from '../../ui/planReport';
import type { CommandContext, Register } from './registrar';

export function registerPromotionCommands(register: Register, { promotion, tree }: CommandContext): void {
  register('authentikStages.previewPush', async (uri?: vscode.Uri) => {
    const target = await promotion.target(false);
    if (target) await promotion.preview(await promotion.files(uri), target);
  });
  register('authentikStages.pushTo', async (uri?: vscode.Uri) => {
    const files = await promotion.files(uri);
    if (files.length === 0) throw new Error('No stage files (*.stage.yaml, *.stage.yml, *.stage.json) here to push.');
    const target = await promotion.target(true);
    if (!target) return;
    const plan = await promotion.preview(files, target);
    const pushed = await promotion.push(files, target, plan);
    if (!pushed) return;
    tree.refresh();
    const summary = pushedSummary(pushed.results);
    const failed = pushed.results.some((r) => r.blocked || r.outcomes.some((o) => !isPushSuccess(o.status)));
    if (failed) void vscode.window.showErrorMessage(`Push to ${target.server.name}: ${summary}.`);
    else void vscode.window.showInformationMessage(`Pushed to ${target.server.name}: ${summary}.`);
  });
}
