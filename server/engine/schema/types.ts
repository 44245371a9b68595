/**
 * The JSON Schema dialect our converter produces (draft-07 plus a few `x-authentik-*`
 * annotations), and the index that sits beside the per-model schemas.
 */

export type JsonSchemaType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'null';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface JsonSchema {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  markdownDescription?: string;
  type?: JsonSchemaType | JsonSchemaType[];
  const?: JsonValue;
  enum?: JsonValue[];
  /** One description per `enum` entry, parsed from drf-spectacular's "* `value` - Label" lists. */
  enumDescriptions?: string[];
  format?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  default?: JsonValue;
  readOnly?: boolean;
  writeOnly?: boolean;
  /** Parsed by authentik's `timedelta_from_string`: `key=number` pairs separated by `;`. */
  'x-authentik-duration'?: boolean;
  /** Holds the primary key (UUID) of another authentik object, or a list of them. */
  'x-authentik-reference'?: boolean;
}

export type StageKind = 'stage' | 'prompt';
/** Stage models are also blueprint models; `object` is every other model a blueprint can hold (flows, bindings, policies, …). */
export type ModelKind = StageKind | 'object';

/** What the index knows of one model: enough for completion lists and sync without loading its schema. */
export interface ModelIndexEntry {
  /** authentik's model name, e.g. `authentik_stages_email.emailstage`. */
  model: string;
  /** The OpenAPI component name of the object, e.g. `EmailStage`. */
  typeName: string;
  /** Human title, e.g. `Email Stage`. */
  title: string;
  description: string;
  kind: ModelKind;
  /** List endpoint below `/api/v3`, e.g. `/stages/email/`. */
  apiPath: string;
  /** Name of the schema file in the catalog folder. */
  schemaFile: string;
  /** Writable fields in the server's order. */
  fields: string[];
  required: string[];
  readOnly: string[];
  /** Write-only fields: secrets, never returned by the server and never pulled into files. */
  writeOnly: string[];
  durations: string[];
  references: string[];
}

export interface CatalogIndex {
  /** Bumped when the shape of the generated files changes. */
  formatVersion: 2;
  /** `info.version` of the OpenAPI document, e.g. `2026.8.3`. */
  authentikVersion: string;
  /** Where the document came from, e.g. `@goauthentik/api@2026.8.3 schema.yml`. */
  source: string;
  /** The stage and prompt models: what stage files, the Stages view and the sync engine work with. */
  models: Record<string, ModelIndexEntry>;
  /** Every other model served with a `<Model>Request` body: what blueprint entries may also hold. */
  objects: Record<string, ModelIndexEntry>;
  /**
   * Every model name the server knows (the OpenAPI document's `ModelEnum`), with or without a
   * schema here: a blueprint entry naming one of them is not an unknown model.
   */
  modelNames: string[];
}

export interface ConvertedCatalog {
  index: CatalogIndex;
  schemas: Record<string, JsonSchema>;
}
