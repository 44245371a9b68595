/**
 * The connected server's objects for the models open stage files and blueprints reference, kept without VS Code:
 * models are fetched the first time a file needs them (several at once, one request round per
 * change of what is wanted, never per keystroke), refreshed together when the Stages view is
 * refreshed or after a push, and forgotten on disconnect. Each change of what is known is handed
 * on whole (the language server replaces its index).
 */
import type { IndexedModel, ObjectIndex } from '@authentik-stages/engine';
import type { ModelListing } from '../sync/objectIndex';

export interface ReferenceIndexKeeperOptions {
  /**
   * Fetches the objects of these models (and the server's email templates, when asked) from the
   * connected server; `listings` says, for the models that have one, which properties to keep
   * (a blueprint's identifier fields) and where a model outside the reference table is listed.
   */
  fetch(models: readonly string[], options: { emailTemplates: boolean; listings: Readonly<Record<string, ModelListing>> }): Promise<ObjectIndex>;
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
  /** Per model, the listing files want (properties merged over every file that asked). */
  private readonly listings = new Map<string, ModelListing>();
  /** Per model, the properties its last fetch kept: wanting another one fetches the model again. */
  private readonly fetchedProperties = new Map<string, ReadonlySet<string>>();
  /** The server's email templates, once a file needed them (undefined: not asked, or not known). */
  private emailTemplates: readonly string[] | undefined;
  private wantsTemplates = false;
  private templatesInFlight = false;
  private generation = 0;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: ReferenceIndexKeeperOptions) {}

  /**
   * Open files reference these models (and name email templates), and want these listings (a
   * blueprint's entry models by their identifier fields): what is not known yet is fetched, and
   * a model known without a property now wanted is fetched again.
   */
  want(models: Iterable<string>, options: { emailTemplates?: boolean; listings?: Readonly<Record<string, ModelListing>> } = {}): void {
    const missing = new Set<string>();
    for (const [model, listing] of Object.entries(options.listings ?? {})) {
      const before = this.listings.get(model);
      const properties = new Set([...(before?.properties ?? []), ...listing.properties]);
      this.listings.set(model, { ...before, ...listing, properties: [...properties] });
      this.wanted.add(model);
      const fetched = this.fetchedProperties.get(model);
      if (!this.inFlight.has(model) && (!this.known.has(model) || listing.properties.some((p) => !fetched?.has(p)))) missing.add(model);
    }
    for (const model of models) {
      this.wanted.add(model);
      if (!this.known.has(model) && !this.inFlight.has(model)) missing.add(model);
    }
    if (options.emailTemplates) this.wantsTemplates = true;
    const templates = Boolean(options.emailTemplates) && this.emailTemplates === undefined && !this.templatesInFlight;
    if (missing.size || templates) this.load([...missing], { templates });
  }

  /** Fetches every wanted model again (the Stages view was refreshed, a push changed the server). */
  refresh(): void {
    if (this.wanted.size || this.wantsTemplates) this.load([...this.wanted], { replace: true, templates: this.wantsTemplates });
  }

  /** Disconnected or another server: nothing is known any more. */
  clear(): void {
    this.generation++;
    this.known.clear();
    this.wanted.clear();
    this.inFlight.clear();
    this.listings.clear();
    this.fetchedProperties.clear();
    this.emailTemplates = undefined;
    this.wantsTemplates = false;
    this.templatesInFlight = false;
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

  private load(models: string[], how: { replace?: boolean; templates?: boolean } = {}): void {
    const { replace = false, templates = false } = how;
    const generation = this.generation;
    for (const model of models) this.inFlight.add(model);
    if (templates) this.templatesInFlight = true;
    const listings: Record<string, ModelListing> = {};
    for (const model of models) {
      const listing = this.listings.get(model);
      if (listing) listings[model] = listing;
    }
    const work = this.options.fetch(models, { emailTemplates: templates, listings }).then(
      (index) => {
        if (generation !== this.generation) return;
        this.server = index.server;
        if (templates) {
          this.templatesInFlight = false;
          this.emailTemplates = index.emailTemplates;
        }
        for (const model of models) {
          this.inFlight.delete(model);
          const fetched = Object.hasOwn(index.models, model) ? index.models[model] : undefined;
          if (fetched) {
            this.known.set(model, fetched);
            this.fetchedProperties.set(model, new Set(listings[model]?.properties ?? []));
          } else if (replace) this.known.delete(model);
        }
        this.options.publish(this.index());
        // A file asked for more of a model while it was being read: read it again with that.
        const stale = models.filter((model) => this.known.has(model) && (this.listings.get(model)?.properties ?? []).some((p) => !this.fetchedProperties.get(model)?.has(p)));
        if (stale.length) this.load(stale);
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        for (const model of models) this.inFlight.delete(model);
        if (templates) this.templatesInFlight = false;
        this.options.onError?.(models, error);
      },
    );
    this.running = Promise.all([this.running, work]).then(() => undefined);
  }

  private index(): ObjectIndex {
    const index: ObjectIndex = { server: this.server ?? '', models: Object.fromEntries(this.known) };
    return this.emailTemplates ? { ...index, emailTemplates: this.emailTemplates } : index;
  }
}
