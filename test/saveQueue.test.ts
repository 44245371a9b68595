/** The push-on-save queue: debounced, one push at a time, repeated saves merged, failures contained. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SaveQueue } from '../client/src/ui/saveQueue';

interface Recorder {
  queue: SaveQueue<string>;
  started: string[];
  /** Pushes in flight at the most. */
  maxInFlight: number;
  release(): void;
}

/** A queue whose pushes wait until released (or finish at once), recording what ran when. */
function recorder(options: { hold?: boolean; fail?: string } = {}): Recorder {
  const started: string[] = [];
  let inFlight = 0;
  const waiting: Array<() => void> = [];
  const r: Recorder = {
    started,
    maxInFlight: 0,
    release() {
      for (const go of waiting.splice(0)) go();
    },
    queue: new SaveQueue<string>({
      debounceMs: 10,
      id: (key) => key,
      push: async (key) => {
        started.push(key);
        inFlight++;
        r.maxInFlight = Math.max(r.maxInFlight, inFlight);
        try {
          if (options.hold) await new Promise<void>((resolve) => waiting.push(resolve));
          if (key === options.fail) throw new Error(`cannot push ${key}`);
        } finally {
          inFlight--;
        }
      },
      onError: (key, error) => started.push(`error ${key}: ${(error as Error).message}`),
    }),
  };
  return r;
}

const until = async (what: string, check: () => boolean): Promise<void> => {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
};

describe('push-on-save queue', () => {
  it('debounces a burst of saves into one push per file', async () => {
    const r = recorder();
    r.queue.saved('a');
    r.queue.saved('b');
    r.queue.saved('a');
    assert.deepEqual(r.started, [], 'nothing runs before the debounce');
    await r.queue.idle();
    assert.deepEqual(r.started, ['a', 'b']);
  });

  it('pushes one at a time; saves during a round wait for the next one and are merged', async () => {
    const r = recorder({ hold: true });
    r.queue.saved('a');
    await until('the first push', () => r.started.length === 1);
    r.queue.saved('a');
    r.queue.saved('b');
    r.queue.saved('a');
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(r.started, ['a'], 'the running round is not joined');
    assert.equal(r.queue.queued, 2);
    r.release();
    await until('the second round', () => r.started.length === 2);
    assert.equal(r.queue.queued, 0, 'the second round took both files');
    r.release();
    await until('its second push', () => r.started.length === 3);
    r.release();
    await r.queue.idle();
    assert.deepEqual(r.started, ['a', 'a', 'b']);
    assert.equal(r.maxInFlight, 1);
  });

  it('a failing push is reported and the others still run; nothing runs after dispose', async () => {
    const r = recorder({ fail: 'bad' });
    r.queue.saved('bad');
    r.queue.saved('good');
    await r.queue.idle();
    assert.deepEqual(r.started, ['bad', 'error bad: cannot push bad', 'good']);
    r.queue.saved('late');
    r.queue.dispose();
    await new Promise((resolve) => setTimeout(resolve, 30));
    await r.queue.idle();
    assert.deepEqual(r.started, ['bad', 'error bad: cannot push bad', 'good']);
  });
});
