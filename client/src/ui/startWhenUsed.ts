/**
 * The extension activates on every YAML file (a blueprint has no name of its own), but the costly
 * part — the language server process, the connection to authentik, the status bar item — starts
 * only once the window is used for authentik: a stage file or a blueprint is open, the workspace
 * holds stage files, the Stages view is shown, or a server is added. A window that only ever opens
 * docker-compose.yaml gets none of it. Once started it stays started.
 */
import { documentKind, type DocumentFacts } from './documentKind';

export class StartWhenUsed {
  private why: string | undefined;

  constructor(private readonly start: (reason: string) => void) {}

  /** Why it started (undefined: not yet). */
  get reason(): string | undefined {
    return this.why;
  }

  /** Starts now, unless it already did. */
  need(reason: string): void {
    if (this.why !== undefined) return;
    this.why = reason;
    this.start(reason);
  }

  /** A document was opened or saved: a stage file or a blueprint starts it; any other file does not. */
  document(document: DocumentFacts): void {
    if (this.why !== undefined) return;
    const kind = documentKind(document);
    if (kind !== 'other') this.need(`${document.path} is ${kind === 'stage' ? 'a stage file' : 'an authentik blueprint'}`);
  }
}
