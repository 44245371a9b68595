/**
 * Running a request handler so that cancellation is honoured and a failure is logged with what was
 * asked and answered with an empty result, never fatal to the server.
 */
import type { CancellationToken, Connection } from 'vscode-languageserver';

export type RequestRunner = <T>(what: string, fallback: T, token: CancellationToken | undefined, work: () => T) => T;

export function requestRunner(connection: Connection): RequestRunner {
  return (what, fallback, token, work) => {
    if (token?.isCancellationRequested) return fallback;
    try {
      return work();
    } catch (error) {
      connection.console.error(`${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback;
    }
  };
}
