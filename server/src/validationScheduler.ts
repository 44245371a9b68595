/**
 * Validation as soon as the event loop is free after an edit, latest wins: a burst of edits of one
 * document is validated once, for the version in force when its turn comes; closing it cancels.
 */
export class ValidationScheduler {
  private readonly pending = new Map<string, NodeJS.Immediate>();

  constructor(private readonly run: (uri: string) => void) {}

  schedule(uri: string): void {
    this.cancel(uri);
    this.pending.set(
      uri,
      setImmediate(() => {
        this.pending.delete(uri);
        this.run(uri);
      }),
    );
  }

  cancel(uri: string): void {
    const previous = this.pending.get(uri);
    if (previous) clearImmediate(previous);
    this.pending.delete(uri);
  }
}
