/** Runs the built command line (`dist/cli.js`) as a user would, asynchronously (a sandbox answering it may live in this process). */
import { spawn } from 'node:child_process';
import { cliModule } from './paths';

export interface CliRun {
  /** null when the run was killed (see `timedOut`). */
  status: number | null;
  stdout: string;
  stderr: string;
  /** The run was still going after `timeoutMs` and was killed: it hung. */
  timedOut: boolean;
}

/** `authentik-stages <args>` in `cwd` with only PATH and `env` set, `stdin` piped in; killed after `timeoutMs`. */
export function cli(cwd: string, args: string[], env: Record<string, string | undefined>, stdin?: string, timeoutMs = 30_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliModule, ...args], { cwd, env: { PATH: process.env['PATH'], ...env } });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, timedOut });
    });
    child.stdin.end(stdin ?? '');
  });
}
