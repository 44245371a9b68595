/** Running the built command line in a child process, as a user would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { cliModule } from './paths';

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  stdin?: string;
  /** Run as this user and group (the tests run as root, whom file modes do not stop). */
  user?: { uid: number; gid: number };
  /** A file-size limit in 512-byte blocks (`ulimit -f`): writes past it fail with EFBIG. */
  fileSizeLimitBlocks?: number;
  /** Called with the child once it runs (to kill it at a chosen moment). */
  onSpawn?: (child: ChildProcess) => void;
}

/** Asynchronous: the servers answering it live in this process. */
export function runCli(cwd: string, args: string[], env: Record<string, string | undefined>, options: CliRunOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const [command, argv] =
      options.fileSizeLimitBlocks === undefined ? [process.execPath, [cliModule, ...args]] : ['sh', ['-c', `ulimit -f ${options.fileSizeLimitBlocks}; exec "$0" "$@"`, process.execPath, cliModule, ...args]];
    const child = spawn(command, argv, { cwd, env: { PATH: process.env['PATH'], ...env }, ...(options.user ?? {}) });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
    child.stdin!.end(options.stdin ?? '');
    options.onSpawn?.(child);
  });
}
