/** The on-disk form of a converted catalog: `index.json` plus one `<model>.schema.json` per model. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogIndex, ConvertedCatalog, JsonSchema } from './types';

export const INDEX_FILE = 'index.json';

/** File name → exact file text; stable key order and a trailing newline, so regeneration diffs cleanly. */
export function serializeCatalog(catalog: ConvertedCatalog): Map<string, string> {
  const files = new Map<string, string>();
  files.set(INDEX_FILE, `${JSON.stringify(catalog.index, null, 2)}\n`);
  for (const [model, schema] of Object.entries(catalog.schemas)) {
    files.set((catalog.index.models[model] ?? catalog.index.objects[model])!.schemaFile, `${JSON.stringify(schema, null, 2)}\n`);
  }
  return files;
}

export function readCatalogIndex(dir: string): CatalogIndex {
  return JSON.parse(readFileSync(join(dir, INDEX_FILE), 'utf8')) as CatalogIndex;
}

export function readSchemaFile(dir: string, file: string): JsonSchema {
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as JsonSchema;
}
