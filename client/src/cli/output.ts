/**
 * How the command line reports: findings as `path:line:col: severity: message [field]`, failures
 * with an exit code. Every line it prints goes through `printable`, because names, pks, models and
 * messages come from servers and files that may hold terminal escapes or forged line breaks.
 */

import { AuthentikError } from '../api/errors';
import type { FileProblem } from '@authentik-stages/engine';


/**
 * C0 controls (tab and newline included: one printed line is one line), DEL, C1 controls, the
 * line and paragraph separators, and the bidi marks, embeddings, overrides and isolates that
 * make a terminal show text in another order than it is.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with each control or bidi character replaced by a visible escape (`\x1b`, `\n`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return NAMED_ESCAPES[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}

/** One line of results on stdout. */
export function printLine(line: string): void {
  process.stdout.write(`${printable(line)}\n`);
}

/** Progress for anything long goes to stderr, so stdout stays parseable. */
export function progress(line: string): void {
  process.stderr.write(`${printable(line)}\n`);
}

export function formatProblem(d: FileProblem): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}${d.field ? ` [${d.field}]` : ''}`;
}

/** Each finding on its own line of `stream`. */
export function printProblems(stream: NodeJS.WritableStream, findings: readonly FileProblem[]): void {
  for (const finding of findings) stream.write(`${printable(formatProblem(finding))}\n`);
}

/** Exit status: 0 success, 1 validation, server, conflict or file errors, 2 bad usage or no connection. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** A failure that ends the command with a message and an exit status. */
export class CliExit extends Error {
  override readonly name = 'CliExit';
  constructor(
    message: string,
    readonly status: number,
    /** The command line itself was malformed: the usage text follows the message. */
    readonly showUsage = false,
  ) {
    super(message);
  }
}

/** The command line is malformed (unknown command or option, missing arguments): message, then usage. */
export function usageError(message: string): CliExit {
  return new CliExit(message, EXIT_USAGE, true);
}

/** An argument names something that cannot be used (no such file, a FIFO, a schema that is not OpenAPI). */
export function argumentError(message: string): CliExit {
  return new CliExit(message, EXIT_USAGE);
}

/** Why a file-system call failed, and what to do, by `errno` code. */
const FILE_ERRORS: Record<string, string> = {
  ENOSPC: 'the disk is full: free some space and run the command again',
  EDQUOT: 'the disk quota is exhausted: free some space and run the command again',
  EFBIG: 'the file would exceed the file size limit: raise the limit (ulimit -f) and run the command again',
  EACCES: 'permission denied: check the permissions of the file and its folder',
  EPERM: 'the operation is not permitted: check the permissions of the file and its folder',
  EROFS: 'the file system is read-only: run the command where files can be written',
  ENOTDIR: 'a part of the path is a file, not a folder: move that file out of the way',
  EEXIST: 'something else is already there: move it out of the way',
  EISDIR: 'it is a directory, not a file',
  ENOENT: 'it does not exist',
  EIO: 'an input/output error: check the disk',
  ELOOP: 'symbolic links loop: fix the links',
};

const FILE_VERBS: Record<string, string> = { mkdir: 'create the folder', open: 'open', read: 'read', write: 'write', rename: 'replace', scandir: 'list', unlink: 'remove' };

function isFileError(error: unknown): error is NodeJS.ErrnoException & { code: string; syscall: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

/** What a failed run prints on stderr (one line, unless usage follows or debugging), and its exit status. */
export interface Failure {
  text: string;
  status: number;
}

/**
 * The report of an error that ended the command: usage errors with the usage text, server and
 * file-system errors as one line naming the server or the file, anything else as an internal
 * error (a bug) whose stack only AUTHENTIK_STAGES_DEBUG=1 shows.
 */
export function describeFailure(error: unknown, usage: string, env: NodeJS.ProcessEnv): Failure {
  const line = (message: string): string => `authentik-stages: ${printable(message)}`;
  if (error instanceof CliExit) return { text: `${line(error.message)}${error.showUsage ? `\n\n${usage}` : ''}`, status: error.status };
  if (error instanceof TypeError && String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS_')) {
    return { text: `${line(error.message)}\n\n${usage}`, status: EXIT_USAGE };
  }
  if (error instanceof AuthentikError) return { text: line(error.message), status: EXIT_FINDINGS };
  if (isFileError(error)) {
    const verb = FILE_VERBS[error.syscall] ?? `${error.syscall} on`;
    const why = FILE_ERRORS[error.code] ?? error.message;
    return { text: line(`cannot ${verb} ${error.path ?? 'a file'}: ${why} (${error.code})`), status: EXIT_FINDINGS };
  }
  const message = error instanceof Error ? error.message : String(error);
  const debug = env['AUTHENTIK_STAGES_DEBUG'] === '1';
  const stack = debug && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  return {
    text: `${line(`internal error: ${message}`)}\nThis is a bug in authentik-stages: please report it with the command that caused it${
      debug ? '' : ' (AUTHENTIK_STAGES_DEBUG=1 shows where it happened)'
    }.${stack}`,
    status: EXIT_FINDINGS,
  };
}
