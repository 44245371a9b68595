import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { serializeCatalog } from '../server/engine/schema/catalogFiles';
import { convertOpenApi, parseOpenApiText } from '../server/engine/schema/convert';
import { pinnedOpenApi, repoRoot, schemaDir } from './support/paths';

it('schemas/ is exactly what the converter makes of the pinned @goauthentik/api (run npm run schemas if not)', () => {
  const version = (JSON.parse(readFileSync(join(repoRoot, 'node_modules', '@goauthentik', 'api', 'package.json'), 'utf8')) as { version: string }).version;
  const files = serializeCatalog(convertOpenApi(parseOpenApiText(readFileSync(pinnedOpenApi, 'utf8')), { source: `@goauthentik/api@${version} schema.yml` }));
  const committed = readdirSync(schemaDir).filter((name) => name.endsWith('.json')).sort();
  assert.deepEqual(committed, [...files.keys()].sort(), 'the same set of files');
  for (const [name, text] of files) {
    assert.ok(existsSync(join(schemaDir, name)), `${name} is missing`);
    assert.equal(readFileSync(join(schemaDir, name), 'utf8'), text, `${name} differs from a fresh conversion`);
  }
});
