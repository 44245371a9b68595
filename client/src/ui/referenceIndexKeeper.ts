/**
 * The connected server's objects for the models open stage files reference, kept without VS Code:
 * models are fetched the first time a file needs them (several at once, one request round per
 * change of what is wanted, never per keystroke), refreshed together when the Stages view is
 * refreshed or after a push, and forgotten on disconnect. Each change of what is known is handed
 * on whole (the language server replaces its index).
 */
import type { IndexedModel, ObjectIndex } from '@authentik-stages/engine';

export interface ReferenceIndexKeeperOptions {
  /** Fetches the objects of these target models from the connected server. */
  fetch(models: readonly string[]): Promise<ObjectIndex>;
  /** The whole index as it now stands, or `null` once nothing is known. */
  publish(index: ObjectIndex | null): void;
  /** A fetch that failed (the models stay unknown: no check claims anything about them). */
  onError?(models: readonly string[], error: unknown): void;
}

export class ReferenceIndexKeeper {
  private server: string | undefined;
  private readonly known = new Map<string, IndexedModel>();
  private readonly wanted = new Set<string>();
  private readonly inFlight = new Set<string>();
  private generation = 0;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: ReferenceIndexKeeperOptions) {}

  /** Open files reference these models: the ones not known yet are fetched. */
  want(models: Iterable<string>): void {
    const missing: string[] = [];
    for (const model of models) {
      this.wanted.add(model);
      if (!this.known.has(model) && !this.inFlight.has(model)) missing.push(model);
    }
    if (missing.length) this.load(missing);
  }

  /** Fetches every wanted model again (the Stages view was refreshed, a push changed the server). */
  refresh(): void {
    if (this.wanted.size) this.load([...this.wanted], true);
  }

  /** Disconnected or another server: nothing is known any more. */
  clear(): void {
    this.generation++;
    this.known.clear();
    this.wanted.clear();
    this.inFlight.clear();
    this.server = undefined;
    this.options.publish(null);
  }

  /** Resolves when no fetch is under way (tests, and whoever wants a settled index). */
  async idle(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.running;
      await current;
    } while (current !== this.running);
  }

  private load(models: string[], replace = false): void {
    const generation = this.generation;
    for (const model of models) this.inFlight.add(model);
    const work = this.options.fetch(models).then(
      (index) => {
        if (generation !== this.generation) return;
        this.server = index.server;
        for (const model of models) {
          this.inFlight.delete(model);
          const fetched = Object.hasOwn(index.models, model) ? index.models[model] : undefined;
          if (fetched) this.known.set(model, fetched);
          else if (replace) this.known.delete(model);
        }
        this.options.publish(this.index());
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        for (const model of models) this.inFlight.delete(model);
        this.options.onError?.(models, error);
      },
    );
    this.running = Promise.all([this.running, work]).then(() => undefined);
  }

  private index(): ObjectIndex {
    return { server: this.server ?? '', models: Object.fromEntries(this.known) };
  }
}
