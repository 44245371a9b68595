// The sandbox server on its own thread for the list benchmark: a real authentik runs on another
// machine, so the server's work (filtering, rendering JSON) must not share the client's event loop.
// The benchmark's bundle is both sides: the main thread measures, the worker (the same file, run
// with `workerData`) serves.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { startSandbox, type SandboxOptions } from '../../tools/sandbox/server';

export interface WorkerSandbox {
  url: string;
  token: string;
  close(): Promise<void>;
}

interface Ready {
  url: string;
  token: string;
}

/** In the worker thread: starts the sandbox from `workerData`, says where, stops when told. True there. */
export function serveSandboxIfWorker(): boolean {
  if (isMainThread || !parentPort || !(workerData as { listBenchSandbox?: unknown } | null)?.listBenchSandbox) return false;
  const port = parentPort;
  const options = (workerData as { listBenchSandbox: SandboxOptions }).listBenchSandbox;
  void startSandbox(options).then(
    (sandbox) => {
      port.on('message', () => {
        void sandbox.close().then(() => port.close());
      });
      port.postMessage({ url: sandbox.url, token: sandbox.token } satisfies Ready);
    },
    (error: unknown) => {
      throw error;
    },
  );
  return true;
}

/** In the main thread: runs `entry` (this bundle) as a worker serving a sandbox with `options`. */
export async function startSandboxWorker(entry: string, options: SandboxOptions): Promise<WorkerSandbox> {
  const worker = new Worker(entry, { workerData: { listBenchSandbox: options } });
  const ready = await new Promise<Ready>((resolve, reject) => {
    worker.once('message', (message: Ready) => resolve(message));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the sandbox worker exited (${code}) before it was ready`)));
  });
  return {
    ...ready,
    close: async () => {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('close');
      const timer = setTimeout(() => void worker.terminate(), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
