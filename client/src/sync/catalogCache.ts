/**
 * Servers' schemas as converted catalogs, one JSON file per authentik version in a folder (the
 * command line's `.authentik/cache/`, the extension's global storage): a version's OpenAPI
 * document is converted once, and what is cached is the conversion. Only successes are cached,
 * so a schema that cannot be used is met, and reported, again next time.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { ConvertedCatalog } from '@authentik-stages/engine';
import { writeFileAtomically } from './atomicWrite';
import { pathInside } from './naming';

export class CatalogCache {
  constructor(private readonly dir: string) {}

  /** The cached catalog of `version`; undefined when there is none, or it is damaged or of another version. */
  get(version: string): ConvertedCatalog | undefined {
    const path = this.pathOf(version);
    if (!existsSync(path)) return undefined;
    try {
      const cached = JSON.parse(readFileSync(path, 'utf8')) as Partial<ConvertedCatalog>;
      // A catalog of an older format (before blueprints: no `objects`) is converted again.
      const ok = cached.index?.formatVersion === 2 && cached.index.authentikVersion === version && typeof cached.index.models === 'object' && typeof cached.schemas === 'object';
      return ok ? (cached as ConvertedCatalog) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Throws the file-system error when it cannot be written; the caller reports it and goes on. */
  set(converted: ConvertedCatalog): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileAtomically(this.pathOf(converted.index.authentikVersion), JSON.stringify(converted), { expected: 'any' });
  }

  private pathOf(version: string): string {
    return pathInside(this.dir, `schema-${version.replace(/[^\w.-]/g, '_')}.json`);
  }
}
