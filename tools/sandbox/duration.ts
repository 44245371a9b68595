/**
 * authentik's `timedelta_from_string` and `timedelta_string_validator`
 * (`authentik/lib/utils/time.py`), as a field validator: split on `;` only, each part exactly one
 * `key=value`, keys (any case) among microseconds … weeks, unknown keys skipped without parsing
 * their value, values through Python's `float()`. A `ValueError` becomes the validation message;
 * an `OverflowError` (inf, more than 999,999,999 days) is not caught by the server: HTTP 500.
 */
import { ServerError } from './drfFields';
import { pyFloatFromString } from './pyconvert';

const UNITS_IN_DAYS: Readonly<Record<string, number>> = {
  microseconds: 1 / 86_400_000_000,
  milliseconds: 1 / 86_400_000,
  seconds: 1 / 86_400,
  minutes: 1 / 1_440,
  hours: 1 / 24,
  days: 1,
  weeks: 7,
};

const MAX_DAYS = 999_999_999;

export type DurationResult = { ok: true; seconds: number } | { ok: false; reason: 'format' } | { ok: false; reason: 'overflow' };

/** `timedelta_from_string(expr)`: the total in seconds, or why Python would raise. */
export function parseDuration(expr: string): DurationResult {
  const values: Record<string, number> = {};
  for (const element of expr.split(';')) {
    const parts = element.split('=');
    if (parts.length !== 2) return { ok: false, reason: 'format' };
    const key = parts[0]!.toLowerCase();
    if (!(key in UNITS_IN_DAYS)) continue;
    const value = pyFloatFromString(parts[1]!);
    if (value === null) return { ok: false, reason: 'format' };
    values[key] = value;
  }
  const keys = Object.keys(values);
  if (keys.length === 0) return { ok: false, reason: 'format' };
  let days = 0;
  for (const key of keys) {
    const value = values[key]!;
    if (Number.isNaN(value)) return { ok: false, reason: 'format' };
    if (!Number.isFinite(value)) return { ok: false, reason: 'overflow' };
    days += value * UNITS_IN_DAYS[key]!;
  }
  if (!Number.isFinite(days) || days >= MAX_DAYS + 1 || days < -MAX_DAYS) return { ok: false, reason: 'overflow' };
  return { ok: true, seconds: days * 86_400 };
}

/** The message of `timedelta_string_validator` for a value it rejects. */
export function durationMessage(value: string): string {
  return `${value} is not in the correct format of 'hours=3;minutes=1'.`;
}

/** `timedelta_string_validator` as a DRF field validator (throws {@link ServerError} on overflow, as the server answers 500). */
export function durationValidator(value: unknown): string[] {
  const text = String(value);
  const result = parseDuration(text);
  if (result.ok) return [];
  if (result.reason === 'overflow') throw new ServerError(`OverflowError in timedelta_from_string(${JSON.stringify(text)})`);
  return [durationMessage(text)];
}
