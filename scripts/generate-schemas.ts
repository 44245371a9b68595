/**
 * Regenerates `schemas/` from the pinned `@goauthentik/api` package's `schema.yml`.
 * `--check` only compares, exiting 1 when the committed files are out of date.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertOpenApi, parseOpenApiText, serializeCatalog } from '@authentik-stages/engine';

const root = join(__dirname, '..', '..');
const packageDir = join(root, 'node_modules', '@goauthentik', 'api');
const version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
const outDir = join(root, 'schemas');
const check = process.argv.includes('--check');

const started = Date.now();
const catalog = convertOpenApi(parseOpenApiText(readFileSync(join(packageDir, 'schema.yml'), 'utf8')), {
  source: `@goauthentik/api@${version} schema.yml`,
});
const files = serializeCatalog(catalog);

if (check) {
  const stale = [...files].filter(([name, text]) => !existsSync(join(outDir, name)) || readFileSync(join(outDir, name), 'utf8') !== text);
  const extra = existsSync(outDir) ? readdirSync(outDir).filter((name) => name.endsWith('.json') && !files.has(name)) : [];
  if (stale.length || extra.length) {
    console.error(`schemas/ is out of date (changed: ${stale.map(([n]) => n).join(', ') || 'none'}; extra: ${extra.join(', ') || 'none'}). Run npm run schemas.`);
    process.exit(1);
  }
  console.error(`schemas/ matches @goauthentik/api@${version}`);
} else {
  if (existsSync(outDir)) for (const name of readdirSync(outDir)) if (name.endsWith('.json')) rmSync(join(outDir, name));
  mkdirSync(outDir, { recursive: true });
  for (const [name, text] of files) writeFileSync(join(outDir, name), text);
  console.error(`schemas/: ${files.size - 1} models from @goauthentik/api@${version} in ${Date.now() - started} ms`);
}
