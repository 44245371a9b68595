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
  private knownNames: Set<string> | undefined;

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
    for (const entry of [...this.models, ...this.objects]) schemas[entry.model] = this.schema(entry.model)!;
    return { index: this.index, schemas };
  }

  get version(): string {
    return this.index.authentikVersion;
  }

  /** The stage and prompt models. */
  get models(): ModelIndexEntry[] {
    return Object.values(this.index.models);
  }

  /** The other models a blueprint may hold (flows, bindings, policies, providers, …). */
  get objects(): ModelIndexEntry[] {
    return Object.values(this.index.objects);
  }

  /** A stage or prompt model. */
  entry(model: string): ModelIndexEntry | undefined {
    return Object.hasOwn(this.index.models, model) ? this.index.models[model] : undefined;
  }

  /** Any model with a schema: a stage, a prompt or another object. */
  anyEntry(model: string): ModelIndexEntry | undefined {
    return this.entry(model) ?? (Object.hasOwn(this.index.objects, model) ? this.index.objects[model] : undefined);
  }

  /** Whether the server knows the model at all (its `ModelEnum`), with a schema here or not. */
  knowsModel(model: string): boolean {
    this.knownNames ??= new Set(this.index.modelNames);
    return this.knownNames.has(model) || this.anyEntry(model) !== undefined;
  }

  schema(model: string): JsonSchema | undefined {
    const entry = this.anyEntry(model);
    if (!entry) return undefined;
    let schema = this.schemas.get(model);
    if (!schema) {
      schema = this.loadSchema(entry);
      this.schemas.set(model, schema);
    }
    return schema;
  }
}
