/**
 * The push-on-save queue, without VS Code: saves are collected for a short debounce, then pushed
 * one round at a time; a save arriving while a round runs waits for the next round, and a file
 * saved several times meanwhile is pushed once, with its latest content (the push reads the file).
 */

export interface SaveQueueOptions<K> {
  /** Pushes one saved file; failures are the callback's to report (a throw is logged, not fatal). */
  push(key: K): Promise<void>;
  /** Debounce after the last save, ms. */
  debounceMs: number;
  /** Told about a push that threw (the queue goes on with the next file). */
  onError?(key: K, error: unknown): void;
  /** How one key is told apart from another (e.g. a URI's string form). */
  id(key: K): string;
}

export class SaveQueue<K> {
  private readonly pending = new Map<string, K>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private disposed = false;

  constructor(private readonly options: SaveQueueOptions<K>) {}

  /** A file was saved. */
  saved(key: K): void {
    if (this.disposed) return;
    this.pending.set(this.options.id(key), key);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain(), this.options.debounceMs);
  }

  /** Files waiting for the next round. */
  get queued(): number {
    return this.pending.size;
  }

  /** Resolves when nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.timer || this.running || this.pending.size) {
      if (this.running) await this.running;
      else await new Promise((resolve) => setTimeout(resolve, this.options.debounceMs));
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private async drain(): Promise<void> {
    this.timer = undefined;
    // A round is running: it drains the queue again when it ends.
    if (this.running || this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending.clear();
    this.running = this.round(batch);
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    if (this.pending.size && !this.disposed) void this.drain();
  }

  private async round(batch: K[]): Promise<void> {
    for (const key of batch) {
      if (this.disposed) return;
      try {
        await this.options.push(key);
      } catch (error) {
        this.options.onError?.(key, error);
      }
    }
  }
}
