/** What a push of a file tells the user: one sentence, and whether it went well. */
import { isPushSuccess, type PushFileResult } from '../sync/push';

export interface PushReport {
  ok: boolean;
  message: string;
}

/** `how`: "Push" or "Push on save", the start of the sentence. */
export function pushReport(result: PushFileResult, file: string, how = 'Push'): PushReport {
  if (result.blocked) return { ok: false, message: `${file} was not pushed: it has errors (see Problems). Nothing was sent.` };
  const failed = result.outcomes.filter((o) => !isPushSuccess(o.status));
  if (failed.length) return { ok: false, message: `${how} of ${file} failed: ${failed.map((o) => `${o.stage}: ${o.status}`).join('; ')}. See Problems.` };
  const done = result.outcomes.map((o) => `${o.stage} ${o.status}${o.merged.length ? ` (took the server's ${o.merged.join(', ')})` : ''}`);
  return { ok: true, message: `Pushed ${file}: ${done.join('; ')}.` };
}
