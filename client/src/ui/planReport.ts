/**
 * A push plan as a person reads it, without VS Code: a Markdown document (the *Preview Push* view)
 * and a one-line summary (the question before *Push to…*). Per stage and server: what the push
 * would do, the fields it would change (old → new), and what stops it.
 */
import type { PlanAction, PlannedStage, PushPlan } from '../sync/plan';
import { isPushSuccess, type PushStatus } from '../sync/push';

const ACTION_TEXT: Record<PlanAction, string> = {
  create: 'create',
  update: 'update',
  unchanged: 'unchanged',
  conflict: 'conflict',
  adopt: 'adopt?',
  'deleted-on-server': 'deleted on the server',
  blocked: 'blocked',
};

/** Counts per action, in a fixed order: `2 to create, 1 to update, 40 unchanged, 1 conflict`. */
export function planSummary(plan: PushPlan): string {
  const counts = new Map<PlanAction, number>();
  let blockedFiles = 0;
  for (const file of plan.files) {
    if (file.blocked) blockedFiles++;
    for (const stage of file.stages) counts.set(stage.action, (counts.get(stage.action) ?? 0) + 1);
  }
  const part = (action: PlanAction, one: string, many = one): string | undefined => {
    const n = counts.get(action) ?? 0;
    return n ? `${n} ${n === 1 ? one : many}` : undefined;
  };
  const parts = [
    part('create', 'to create'),
    part('update', 'to update'),
    part('unchanged', 'unchanged'),
    part('adopt', 'of the same name to adopt'),
    part('conflict', 'conflict', 'conflicts'),
    part('deleted-on-server', 'deleted on the server'),
    blockedFiles ? `${blockedFiles} file${blockedFiles === 1 ? '' : 's'} with errors (nothing of ${blockedFiles === 1 ? 'it' : 'them'} is sent)` : undefined,
  ].filter((p): p is string => p !== undefined);
  return parts.length ? parts.join(', ') : 'nothing to push';
}

/** Whether the plan changes anything on the server. */
export function planWrites(plan: PushPlan): boolean {
  return plan.files.some((file) => !file.blocked && file.stages.some((s) => s.action === 'create' || s.action === 'update' || s.action === 'adopt'));
}

/** The plan as Markdown: a table per file, the changed fields below each stage that has them. */
export function planMarkdown(plan: PushPlan, serverName: string, relative: (file: string) => string = (f) => f): string {
  const lines = [`# Push plan: ${cell(serverName)} (${cell(plan.server)})`, '', `${planSummary(plan)}. Nothing has been sent or written yet.`, ''];
  for (const file of plan.files) {
    lines.push(`## ${cell(relative(file.file))}`, '');
    if (file.blocked) {
      lines.push('Not sent: the file has errors.', '');
      for (const problem of file.problems) lines.push(`- line ${problem.line}: ${cell(problem.message)}`);
      lines.push('');
    }
    if (file.stages.length === 0) continue;
    lines.push('| stage | type | action | pk on the server |', '| --- | --- | --- | --- |');
    for (const stage of file.stages) lines.push(`| ${cell(stage.stage)} | ${code(stage.model)} | **${actionText(stage)}** | ${stage.pk ? code(stage.pk) : '—'} |`);
    lines.push('');
    for (const stage of file.stages) lines.push(...stageDetails(stage));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function actionText(stage: PlannedStage): string {
  if (stage.action === 'adopt' && stage.adoptThen) return `${ACTION_TEXT.adopt} (then ${stage.adoptThen})`;
  return ACTION_TEXT[stage.action];
}

function stageDetails(stage: PlannedStage): string[] {
  const out: string[] = [];
  for (const change of stage.changes) out.push(`- ${cell(stage.stage)} · ${code(change.field)}: ${show(change.old)} → ${show(change.new)}`);
  for (const field of stage.takenFromServer) out.push(`- ${cell(stage.stage)} · ${code(field)}: changed on the server, taken into the file`);
  for (const conflict of stage.conflicts) out.push(`- ${cell(stage.stage)} · ${code(conflict.field)}: conflict — the server has ${show(conflict.remote)}, the file ${show(conflict.local)}`);
  if (stage.action === 'adopt') out.push(`- ${cell(stage.stage)}: a stage of this name exists on the server but was never synced from this workspace; pushing takes it over only when you say so`);
  if (stage.action === 'deleted-on-server') out.push(`- ${cell(stage.stage)}: deleted on the server; it is not re-created`);
  if (out.length) out.push('');
  return out;
}

function show(value: unknown): string {
  return value === undefined ? '*(not set)*' : code(JSON.stringify(value) ?? 'null');
}

/** A code span that holds any text on one line (a longer fence when the text has backticks). */
function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const fence = flat.includes('`') ? '``' : '`';
  return `${fence}${fence.length > 1 ? ' ' : ''}${flat}${fence.length > 1 ? ' ' : ''}${fence}`;
}

/** Text from files and servers inside Markdown: no table break, no markup, no line break. */
function cell(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/([\\`*_[\]|<>#])/g, '\\$1');
}

/** What a folder push did, counted: `2 created, 1 updated, 40 unchanged; 1 conflict (see Problems)`. */
export function pushedSummary(results: ReadonlyArray<{ blocked: boolean; outcomes: ReadonlyArray<{ status: PushStatus }> }>): string {
  const counts = new Map<PushStatus, number>();
  let blocked = 0;
  for (const result of results) {
    if (result.blocked) blocked++;
    for (const outcome of result.outcomes) counts.set(outcome.status, (counts.get(outcome.status) ?? 0) + 1);
  }
  const done = [...counts.entries()].filter(([s]) => isPushSuccess(s)).map(([s, n]) => `${n} ${s}`);
  const failed = [...counts.entries()].filter(([s]) => !isPushSuccess(s)).map(([s, n]) => `${n} ${s.replace(/-/g, ' ')}`);
  if (blocked) failed.push(`${blocked} file${blocked === 1 ? '' : 's'} not sent (errors)`);
  return `${done.join(', ') || 'nothing pushed'}${failed.length ? `; ${failed.join(', ')} (see Problems)` : ''}`;
}
