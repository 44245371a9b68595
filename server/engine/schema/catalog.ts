/**
 * The schemas in force: the index of models plus, per model, its JSON Schema, read on first use,
 * so start-up costs one small file read. Compiling them into validators is validation's business
 * (validation/schemaValidator.ts): whoever only reads the catalog (the sync engine, the extension)
 * does not carry a JSON Schema validator.
 */
import { readCatalogIndex, readSchemaFile } from './catalogFiles';
import type { CatalogIndex, ConvertedCatalog, JsonSchema, ModelIndexEntry } from './types';

export class SchemaCatalog {
  private readonly schemas = new Map<string, JsonSchema>();

  private constructor(
    readonly index: CatalogIndex,
    private readonly loadSchema: (entry: ModelIndexEntry) => JsonSchema,
  ) {}

  /** The committed catalog (or any folder written by the generator). */
  static fromDirectory(dir: string): SchemaCatalog {
    return new SchemaCatalog(readCatalogIndex(dir), (entry) => readSchemaFile(dir, entry.schemaFile));
  }

  static fromConverted(converted: ConvertedCatalog): SchemaCatalog {
    return new SchemaCatalog(converted.index, (entry) => {
      const schema = converted.schemas[entry.model];
      if (!schema) throw new Error(`The catalog has no schema for ${entry.model}`);
      return schema;
    });
  }

  /** The whole catalog as data (every schema read): what is cached and handed between processes. */
  toConverted(): ConvertedCatalog {
    const schemas: Record<string, JsonSchema> = {};
    for (const entry of this.models) schemas[entry.model] = this.schema(entry.model)!;
    return { index: this.index, schemas };
  }

  get version(): string {
    return this.index.authentikVersion;
  }

  get models(): ModelIndexEntry[] {
    return Object.values(this.index.models);
  }

  entry(model: string): ModelIndexEntry | undefined {
    return Object.hasOwn(this.index.models, model) ? this.index.models[model] : undefined;
  }

  schema(model: string): JsonSchema | undefined {
    const entry = this.entry(model);
    if (!entry) return undefined;
    let schema = this.schemas.get(model);
    if (!schema) {
      schema = this.loadSchema(entry);
      this.schemas.set(model, schema);
    }
    return schema;
  }
}
