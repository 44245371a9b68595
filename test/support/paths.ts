/** Locations the built tests (in `dist/test/`) need: the repo root and what hangs off it. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..');
export const schemaDir = join(repoRoot, 'schemas');
export const serverModule = join(repoRoot, 'dist', 'server.js');
export const cliModule = join(repoRoot, 'dist', 'cli.js');
export const pinnedOpenApi = join(repoRoot, 'node_modules', '@goauthentik', 'api', 'schema.yml');
/** authentik 2025.8.6, whose request bodies still carry `flow_set`. */
export const olderOpenApi = join(repoRoot, 'node_modules', 'goauthentik-api-2025.8', 'schema.yml');

/** `shared/` sits beside the repo on CI and developer machines alike. */
export function sharedDir(): string {
  const beside = join(repoRoot, '..', 'shared');
  if (existsSync(beside)) return beside;
  if (existsSync('/work/shared')) return '/work/shared';
  throw new Error(`shared/ not found beside the repository (${beside})`);
}
