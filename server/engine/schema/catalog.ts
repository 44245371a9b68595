/**
 * The schemas in force: the index of models plus, per model, its JSON Schema and compiled
 * validator. Schemas are read and compiled on first use, so start-up costs one small file read.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import { readCatalogIndex, readSchemaFile } from './catalogFiles';
import { convertOpenApi, parseOpenApiText } from './convert';
import type { CatalogIndex, ConvertedCatalog, JsonSchema, ModelIndexEntry } from './types';

export class SchemaCatalog {
  private readonly schemas = new Map<string, JsonSchema>();
  private readonly validators = new Map<string, ValidateFunction>();
  private ajv: Ajv | undefined;

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

  /** Converts an OpenAPI document (YAML or JSON text), e.g. a connected server's `/api/v3/schema/`. */
  static fromOpenApiText(text: string, source: string): SchemaCatalog {
    return SchemaCatalog.fromConverted(convertOpenApi(parseOpenApiText(text), { source }));
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

  /** Compiled once per model, on first use. */
  validator(model: string): ValidateFunction | undefined {
    let validate = this.validators.get(model);
    if (validate) return validate;
    const schema = this.schema(model);
    if (!schema) return undefined;
    validate = this.compiler().compile(schema);
    this.validators.set(model, validate);
    return validate;
  }

  private compiler(): Ajv {
    if (!this.ajv) {
      // Types and formats are checked first by the DRF-faithful rules (validation/drf.ts), which know
      // what the server converts; ajv checks the converted value against the schema's limits.
      this.ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, validateFormats: false, messages: false });
      this.ajv.addVocabulary(['enumDescriptions', 'markdownDescription', 'x-authentik-duration', 'x-authentik-reference']);
    }
    return this.ajv;
  }
}
