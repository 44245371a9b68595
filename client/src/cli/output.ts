/** How the command line reports: findings as `path:line:col: severity: message [field]`, failures with an exit code. */

import type { SyncProblem } from '../sync/localStage';

/** One problem at a place in a file (1-based lines and columns), as the sync engine reports them. */
export type Finding = SyncProblem;

export function formatFindings(findings: readonly Finding[]): string {
  return findings.map((d) => `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}${d.field ? ` [${d.field}]` : ''}`).join('\n');
}

/** Exit status: 0 success, 1 validation, server or conflict errors, 2 bad usage or no connection. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** A failure that ends the command with a message and an exit status. */
export class CliExit extends Error {
  override readonly name = 'CliExit';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export function usageError(message: string): CliExit {
  return new CliExit(message, EXIT_USAGE);
}

/** Progress for anything long goes to stderr, so stdout stays parseable. */
export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
