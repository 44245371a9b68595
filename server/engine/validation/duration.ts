/**
 * authentik's duration strings, checked the way `timedelta_from_string` parses them: the text is
 * split on `;` only, every part must be exactly one `key=value`, keys are compared lower-cased
 * against a fixed list (others are skipped without a word), values go through `float()`, and at
 * least one known key must remain.
 */
import { parsePythonFloat } from './python';

export const DURATION_KEYS = ['microseconds', 'milliseconds', 'seconds', 'minutes', 'hours', 'days', 'weeks'] as const;

/** `datetime.timedelta` refuses more than 999,999,999 days. */
const MAX_SECONDS = 999_999_999 * 86_400;
const SECONDS_PER: Record<(typeof DURATION_KEYS)[number], number> = {
  microseconds: 1e-6,
  milliseconds: 1e-3,
  seconds: 1,
  minutes: 60,
  hours: 3600,
  days: 86_400,
  weeks: 604_800,
};

export interface DurationProblem {
  severity: 'error' | 'warning';
  message: string;
  /** Offsets within the checked text. */
  start: number;
  end: number;
}

export interface DurationCheck {
  problems: DurationProblem[];
  /** Total length in seconds, when the server would accept the text. */
  seconds?: number;
}

const SERVER_MESSAGE = "is not in the correct format of 'hours=3;minutes=1'";

export function checkDuration(text: string): DurationCheck {
  const problems: DurationProblem[] = [];
  if (/=[^,;]*,\s*\w+\s*=/.test(text)) {
    problems.push({
      severity: 'error',
      start: 0,
      end: text.length,
      message: `"${text}" ${SERVER_MESSAGE}: authentik splits durations on ";" only, so the comma form (shown in the API's own help text) is rejected. Write ${text.replace(/,\s*/g, ';')}.`,
    });
    return { problems };
  }
  let seconds = 0;
  let known = 0;
  let offset = 0;
  for (const part of text.split(';')) {
    const start = offset;
    const end = offset + part.length;
    offset = end + 1;
    const pieces = part.split('=');
    if (pieces.length !== 2) {
      const what = part.trim() === '' ? 'an empty part (a stray ";")' : pieces.length < 2 ? `"${part}" has no "="` : `"${part}" has more than one "="`;
      problems.push({ severity: 'error', start, end: Math.max(end, start + 1), message: `"${text}" ${SERVER_MESSAGE}: ${what}.` });
      continue;
    }
    const [rawKey, rawValue] = pieces as [string, string];
    const key = rawKey.toLowerCase() as (typeof DURATION_KEYS)[number];
    if (!DURATION_KEYS.includes(key)) {
      problems.push({
        severity: 'warning',
        start,
        end,
        message: `"${rawKey}" is not a duration unit, so the server ignores "${part}". Units: ${DURATION_KEYS.join(', ')}${rawKey !== rawKey.trim() ? ' (no spaces around the unit)' : ''}.`,
      });
      continue;
    }
    const amount = parsePythonFloat(rawValue);
    if (amount === undefined || Number.isNaN(amount)) {
      problems.push({ severity: 'error', start, end, message: `"${text}" ${SERVER_MESSAGE}: "${rawValue}" is not a number.` });
      continue;
    }
    if (!Number.isFinite(amount)) {
      problems.push({ severity: 'error', start, end, message: `"${text}": ${rawValue.trim()} ${rawKey} is out of range for a duration.` });
      continue;
    }
    known++;
    seconds += amount * SECONDS_PER[key];
  }
  if (problems.some((p) => p.severity === 'error')) return { problems };
  if (known === 0) {
    problems.push({ severity: 'error', start: 0, end: Math.max(text.length, 1), message: `"${text}" ${SERVER_MESSAGE}: it names no duration unit (${DURATION_KEYS.join(', ')}).` });
    return { problems };
  }
  if (Math.abs(seconds) > MAX_SECONDS) {
    problems.push({ severity: 'error', start: 0, end: text.length, message: `"${text}" is longer than a Python timedelta can hold (999,999,999 days).` });
    return { problems };
  }
  return { problems, seconds };
}

/** "1 hour 30 minutes", for hover. */
export function describeSeconds(total: number): string {
  const sign = total < 0 ? '-' : '';
  let rest = Math.abs(total);
  const parts: string[] = [];
  for (const [unit, size] of [['week', 604_800], ['day', 86_400], ['hour', 3600], ['minute', 60]] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count} ${unit}${count === 1 ? '' : 's'}`);
    rest -= count * size;
  }
  if (rest > 0 || parts.length === 0) parts.push(`${Number(rest.toFixed(6))} second${rest === 1 ? '' : 's'}`);
  return sign + parts.join(' ');
}
