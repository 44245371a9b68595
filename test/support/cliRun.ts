/** Running the built command line (`dist/cli.js`) in a child process, as a user would; asynchronous, since the servers answering it live in this process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { cliModule } from './paths';

export interface CliRun {
  /** null when the run was killed (see `signal` and `timedOut`). */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The run was still going after `timeoutMs` and was killed: it hung. */
  timedOut: boolean;
}

export interface CliRunOptions {
  stdin?: string;
  /** Run as this user and group (the tests run as root, whom file modes do not stop). */
  user?: { uid: number; gid: number };
  /** A file-size limit in 512-byte blocks (`ulimit -f`): writes past it fail with EFBIG. */
  fileSizeLimitBlocks?: number;
  /** Called with the child once it runs (to kill it at a chosen moment). */
  onSpawn?: (child: ChildProcess) => void;
  /** Killed after this long (default 30 s), so a hang fails the test instead of blocking the suite. */
  timeoutMs?: number;
}

/** `authentik-stages <args>` in `cwd` with only PATH and `env` set. */
export function runCli(cwd: string, args: string[], env: Record<string, string | undefined>, options: CliRunOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const [command, argv] =
      options.fileSizeLimitBlocks === undefined ? [process.execPath, [cliModule, ...args]] : ['sh', ['-c', `ulimit -f ${options.fileSizeLimitBlocks}; exec "$0" "$@"`, process.execPath, cliModule, ...args]];
    const child = spawn(command, argv, { cwd, env: { PATH: process.env['PATH'], ...env }, ...(options.user ?? {}) });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30_000);
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, timedOut });
    });
    child.stdin!.end(options.stdin ?? '');
    options.onSpawn?.(child);
  });
}

/** `runCli` with just standard input and a time limit. */
export function cli(cwd: string, args: string[], env: Record<string, string | undefined>, stdin?: string, timeoutMs?: number): Promise<CliRun> {
  return runCli(cwd, args, env, { ...(stdin === undefined ? {} : { stdin }), ...(timeoutMs === undefined ? {} : { timeoutMs }) });
}
