/**
 * Python's printf-style formatting, `format % tuple(args)`, as authentik's `!Format` runs it
 * (`common.Format.resolve`). Follows CPython's `PyUnicode_Format` step by step, so the problem
 * reported is the one Python raises first: a placeholder takes its argument before its conversion
 * character is checked (`'%q' % ()` is "not enough arguments", `'%q' % (1,)` "unsupported format
 * character").
 */
import { pythonTypeName } from '../validation/python';

/** An argument as the editor knows it: its literal value, or unknown (a tag, resolved at import). */
export type FormatArg = { readonly known: true; readonly value: unknown } | { readonly known: false };

export interface PercentFormatProblem {
  readonly exception: 'TypeError' | 'ValueError';
  /** Python's own message. */
  readonly message: string;
  /** The offending placeholder, as offsets into the format string. */
  readonly start: number;
  readonly end: number;
  /** The argument (0-based, among the arguments after the format string) the problem is about. */
  readonly arg?: number;
}

const CONVERSIONS = 'sradiouxXeEfFgGc';
const FLAGS = '-+ #0';
const LENGTH_MODIFIERS = 'hlL';

/** The first error Python raises for `format % tuple(args)`, or undefined when it formats. */
export function percentFormatProblem(format: string, args: readonly FormatArg[]): PercentFormatProblem | undefined {
  const scan = new Scan(format, args);
  for (let at = format.indexOf('%'); at >= 0; at = format.indexOf('%', scan.position)) {
    const problem = scan.placeholder(at);
    if (problem) return problem;
  }
  if (scan.used < args.length) {
    return { exception: 'TypeError', message: 'not all arguments converted during string formatting', start: 0, end: format.length, arg: scan.used };
  }
  return undefined;
}

class Scan {
  position = 0;
  used = 0;

  constructor(
    private readonly format: string,
    private readonly args: readonly FormatArg[],
  ) {}

  /** Reads the placeholder starting at `at` (a `%`); leaves `position` after it. */
  placeholder(at: number): PercentFormatProblem | undefined {
    const f = this.format;
    let i = at + 1;
    if (f[i] === '%') {
      this.position = i + 1;
      return undefined;
    }
    if (f[i] === '(') {
      const close = f.indexOf(')', i);
      return { exception: 'TypeError', message: 'format requires a mapping', start: at, end: close < 0 ? f.length : Math.min(f.length, close + 2) };
    }
    while (i < f.length && FLAGS.includes(f[i]!)) i++;
    const width = this.number(at, i);
    if (typeof width !== 'number') return width;
    i = width;
    if (f[i] === '.') {
      const precision = this.number(at, i + 1);
      if (typeof precision !== 'number') return precision;
      i = precision;
    }
    if (i < f.length && LENGTH_MODIFIERS.includes(f[i]!)) i++;
    if (i >= f.length) return { exception: 'ValueError', message: 'incomplete format', start: at, end: f.length };
    this.position = i + 1;
    return this.conversion(at, i);
  }

  /** A width or precision: digits, or `*`, which takes an integer argument. Returns where it ends. */
  private number(at: number, i: number): number | PercentFormatProblem {
    const f = this.format;
    if (f[i] !== '*') {
      while (i < f.length && f[i]! >= '0' && f[i]! <= '9') i++;
      return i;
    }
    const arg = this.take(at, i + 1);
    if (typeof arg !== 'number') return arg;
    const given = this.args[arg]!;
    if (given.known && !isPythonInt(given.value)) return { exception: 'TypeError', message: '* wants int', start: at, end: i + 1, arg };
    return i + 1;
  }

  private conversion(at: number, i: number): PercentFormatProblem | undefined {
    const c = this.format[i]!;
    const arg = this.take(at, i + 1);
    if (typeof arg !== 'number') return arg;
    if (!CONVERSIONS.includes(c)) {
      const code = c.codePointAt(0)!.toString(16);
      return { exception: 'ValueError', message: `unsupported format character '${c}' (0x${code}) at index ${i}`, start: at, end: i + 1, arg };
    }
    const given = this.args[arg]!;
    const message = given.known ? conversionTypeError(c, given.value) : undefined;
    return message ? { exception: 'TypeError', message, start: at, end: i + 1, arg } : undefined;
  }

  /** Takes the next argument for the placeholder at `at`, which ends at `end`. */
  private take(at: number, end: number): number | PercentFormatProblem {
    if (this.used >= this.args.length) return { exception: 'TypeError', message: 'not enough arguments for format string', start: at, end };
    return this.used++;
  }
}

/** Python's TypeError for a conversion given a value of the wrong type, or undefined. */
function conversionTypeError(conversion: string, value: unknown): string | undefined {
  if ('sra'.includes(conversion)) return undefined;
  if (conversion === 'c') return isPythonInt(value) || (typeof value === 'string' && [...value].length === 1) ? undefined : '%c requires int or char';
  if ('oxX'.includes(conversion)) return isPythonInt(value) ? undefined : `%${conversion} format: an integer is required, not ${pythonTypeName(value)}`;
  if ('diu'.includes(conversion)) return isPythonReal(value) ? undefined : `%${conversion} format: a real number is required, not ${pythonTypeName(value)}`;
  return isPythonReal(value) ? undefined : `must be real number, not ${pythonTypeName(value)}`;
}

function isPythonInt(value: unknown): boolean {
  return typeof value === 'boolean' || (typeof value === 'number' && Number.isInteger(value));
}

function isPythonReal(value: unknown): boolean {
  return typeof value === 'boolean' || typeof value === 'number';
}
