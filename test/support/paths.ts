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

/** The authentik blueprint corpus: `shared/` sits beside the repository on CI and developer machines. */
export function corpusDir(): string {
  const candidates = [join(repoRoot, '..', 'shared', 'corpus', 'authentik-blueprints'), '/work/shared/corpus/authentik-blueprints'];
  const found = candidates.find((dir) => existsSync(join(dir, 'stages.index.json')));
  if (!found) {
    throw new Error(
      `The blueprint corpus is missing: looked for stages.index.json in ${candidates.join(' and ')}. ` +
        'Check out the shared folder beside the repository (shared/corpus/authentik-blueprints).',
    );
  }
  return found;
}
