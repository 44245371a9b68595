/**
 * OpenAPI (authentik's `schema.yml`) → one JSON Schema per stage model plus an index.
 *
 * Stage types are found from the document itself rather than a hard-coded list, so the same code
 * serves any authentik version, including a connected server's own `/api/v3/schema/`.
 */
import { parse as parseYaml } from 'yaml';
import { isOpenApiDocument, type OpenApiDocument, type OpenApiSchema } from './openapi';
import { SchemaCatalog } from './catalog';
import type { CatalogIndex, ConvertedCatalog, JsonSchema, JsonSchemaType, JsonValue, ModelIndexEntry, ModelKind } from './types';

export class OpenApiConversionError extends Error {
  override readonly name = 'OpenApiConversionError';
}

export interface ConvertOptions {
  /** Recorded in the index, e.g. `@goauthentik/api@2026.8.3 schema.yml`. */
  source: string;
}

const REF_PREFIX = '#/components/schemas/';
const LIST_RESPONSE = /^Paginated(\w+)List$/;
/** authentik's duration help texts read "(Format: hours=1;minutes=2;seconds=3)". */
const DURATION_HINT = /\(Format:\s*\w+=-?\d/;
/**
 * Duration fields whose help text does not say so (the model field carries
 * `timedelta_string_validator`, the OpenAPI document does not): from authentik's stage models.
 */
const UNDOCUMENTED_DURATIONS: Readonly<Record<string, readonly string[]>> = {
  AuthenticatorValidateStage: ['last_auth_threshold'],
};
/**
 * `flow_set` is the reverse side of flow bindings. Older servers list it in request bodies, but
 * its nested serializer cannot be written (DRF refuses writable nested fields), so it is treated
 * as read-only on every version.
 */
const ALWAYS_READ_ONLY = new Set(['flow_set']);

/**
 * The longest OpenAPI document read. authentik 2026.8's `schema.yml` is 1.8 MB (1.4 MB as compact
 * JSON, 2.6 MB indented); nine times that leaves room for versions to come, and bounds what
 * a hostile or broken server can make the parser chew on.
 */
export const MAX_OPENAPI_TEXT_LENGTH = 16 * 1024 * 1024;
/**
 * YAML aliases expanded at most (the `yaml` package's own default). drf-spectacular writes no
 * aliases at all — neither authentik 2025.8's nor 2026.8's schema has one — so this only ever
 * stops an alias bomb ("billion laughs"), which would otherwise take minutes and gigabytes.
 */
const MAX_YAML_ALIAS_COUNT = 100;

export function parseOpenApiText(text: string): OpenApiDocument {
  if (text.length > MAX_OPENAPI_TEXT_LENGTH) {
    throw new OpenApiConversionError(
      `The OpenAPI document is ${(text.length / 1024 / 1024).toFixed(1)} MB long, more than the ${MAX_OPENAPI_TEXT_LENGTH / 1024 / 1024} MB an authentik schema could be: it was not read.`,
    );
  }
  let value: unknown;
  try {
    // JSON is YAML 1.2, so one parser reads both; JSON.parse reads JSON ten times faster.
    value = /^\s*\{/.test(text) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: MAX_YAML_ALIAS_COUNT, uniqueKeys: false });
  } catch (error) {
    throw new OpenApiConversionError(`The OpenAPI document is not valid YAML or JSON: ${(error as Error).message}`);
  }
  if (!isOpenApiDocument(value)) {
    throw new OpenApiConversionError('The document is not an OpenAPI 3 document (no `openapi`, `paths` or `components`).');
  }
  return value;
}

export function convertOpenApi(doc: OpenApiDocument, options: ConvertOptions): ConvertedCatalog {
  const components = doc.components?.schemas ?? {};
  const modelNames = readModelEnum(components);
  const version = doc.info?.version ?? 'unknown';
  const resolver = new RefResolver(components);
  const index: CatalogIndex = { formatVersion: 2, authentikVersion: version, source: options.source, models: {}, objects: {}, modelNames: [...modelNames].sort() };
  const schemas: Record<string, JsonSchema> = {};

  for (const endpoint of findModelEndpoints(doc)) {
    const model = modelFor(endpoint.typeName, modelNames);
    if (!model || model in schemas) continue;
    const request = components[endpoint.requestSchema];
    if (!request) throw new OpenApiConversionError(`${endpoint.path}: request schema ${endpoint.requestSchema} is missing`);
    const response = components[endpoint.typeName];
    const { schema, entry } = convertModel({ endpoint, model, request, response, resolver, version });
    (endpoint.kind === 'object' ? index.objects : index.models)[model] = entry;
    schemas[model] = schema;
  }
  if (Object.keys(index.models).length === 0) {
    throw new OpenApiConversionError('No stage endpoints found under /stages/ in the OpenAPI document.');
  }
  return { index, schemas };
}

interface ModelEndpoint {
  path: string;
  typeName: string;
  requestSchema: string;
  kind: ModelKind;
}

/**
 * Every listing whose objects can be written: a `Paginated<Type>List` answer and a `<Type>Request`
 * body (the POST's, or the component of that name for types the API only updates). Stages and
 * prompts are the ones under /stages/; the rest are what blueprint entries may also hold.
 */
function findModelEndpoints(doc: OpenApiDocument): ModelEndpoint[] {
  const components = doc.components?.schemas ?? {};
  const found: ModelEndpoint[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (path.includes('{') || !item) continue;
    const listRef = item.get?.responses?.['200']?.content?.['application/json']?.schema?.$ref;
    const listName = listRef ? refName(listRef) : undefined;
    const match = listName ? LIST_RESPONSE.exec(listName) : null;
    if (!match) continue;
    const typeName = match[1]!;
    const bodyRef = item.post?.requestBody?.content?.['application/json']?.schema?.$ref;
    const requestSchema = bodyRef ? refName(bodyRef) : `${typeName}Request`;
    if (!components[requestSchema]) continue;
    found.push({ path, typeName, kind: kindOf(path, typeName), requestSchema });
  }
  // Stages first, so that a type listed twice keeps its /stages/ endpoint; then by path, for a stable index.
  return found.sort((a, b) => Number(a.kind === 'object') - Number(b.kind === 'object') || a.path.localeCompare(b.path));
}

function kindOf(path: string, typeName: string): ModelKind {
  if (!path.startsWith('/stages/')) return 'object';
  if (typeName === 'Prompt') return 'prompt';
  // `Stage` alone is `/stages/all/`, the polymorphic listing, not a type of its own.
  return typeName.endsWith('Stage') && typeName !== 'Stage' ? 'stage' : 'object';
}

function readModelEnum(components: Record<string, OpenApiSchema | undefined>): string[] {
  const values = components['ModelEnum']?.enum;
  if (!Array.isArray(values)) throw new OpenApiConversionError('The OpenAPI document has no ModelEnum: cannot name the stage models.');
  return values.filter((v): v is string => typeof v === 'string');
}

function modelFor(typeName: string, modelNames: readonly string[]): string | undefined {
  const wanted = typeName.toLowerCase();
  const candidates = modelNames.filter((m) => m.slice(m.indexOf('.') + 1) === wanted);
  return candidates.find((m) => m.startsWith('authentik_stages_')) ?? candidates[0];
}

function refName(ref: string): string {
  return ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
}

/** "AuthenticatorTOTPStage" → "Authenticator TOTP Stage". */
export function titleFromTypeName(typeName: string): string {
  return typeName
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .trim();
}

interface ModelInput {
  endpoint: ModelEndpoint;
  model: string;
  request: OpenApiSchema;
  response: OpenApiSchema | undefined;
  resolver: RefResolver;
  version: string;
}

function convertModel(input: ModelInput): { schema: JsonSchema; entry: ModelIndexEntry } {
  const { endpoint, model, request, response, resolver, version } = input;
  const title = titleFromTypeName(endpoint.typeName);
  // A stage file names its type in `model`; a blueprint entry names it beside `attrs`, where a
  // field may itself be called `model` (the event matcher policy's), so objects get no such key.
  const properties: Record<string, JsonSchema> = {
    ...(endpoint.kind === 'object'
      ? {}
      : { model: { const: model, description: `authentik model name of this ${endpoint.kind === 'prompt' ? 'prompt field' : 'stage'}: picks the schema the file is checked against.` } }),
    pk: primaryKeySchema(response, resolver),
  };
  const fields: string[] = [];
  const readOnly: string[] = [];
  const writeOnly: string[] = [];
  const durations: string[] = [];
  const references: string[] = [];
  const undocumentedDurations = new Set(UNDOCUMENTED_DURATIONS[endpoint.typeName] ?? []);

  for (const [name, source] of Object.entries(resolver.resolve(request).properties ?? {})) {
    const schema = resolver.convert(source);
    if (ALWAYS_READ_ONLY.has(name) || schema.readOnly) {
      properties[name] = { ...schema, readOnly: true };
      readOnly.push(name);
      continue;
    }
    if (undocumentedDurations.has(name) || (schema.type === 'string' && DURATION_HINT.test(schema.description ?? ''))) {
      schema['x-authentik-duration'] = true;
      durations.push(name);
    }
    if (isReference(schema)) {
      schema['x-authentik-reference'] = true;
      references.push(name);
    }
    if (schema.writeOnly) writeOnly.push(name);
    properties[name] = schema;
    fields.push(name);
  }
  // Response-only fields (component, verbose_name, ...) are computed by the server. They are in
  // the schema so that a file holding them is recognised (and told they are never sent).
  for (const [name, source] of Object.entries(response ? (resolver.resolve(response).properties ?? {}) : {})) {
    if (name === 'pk' || name in properties) continue;
    const schema = resolver.convert(source);
    if (!schema.readOnly && !ALWAYS_READ_ONLY.has(name)) continue;
    properties[name] = { ...schema, readOnly: true };
    readOnly.push(name);
  }

  const requiredFields = (request.required ?? []).filter((name) => fields.includes(name));
  const required = endpoint.kind === 'object' ? requiredFields : ['model', ...requiredFields];
  const description = (request.description ?? response?.description ?? '').replace(/ Serializer$/, '').trim();
  const schema: JsonSchema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `authentik-stages:${version}/${model}`,
    title,
    description: `${title} (\`${model}\`), authentik ${version}. API: /api/v3${endpoint.path}`,
    type: 'object',
    properties,
    required,
    additionalProperties: false,
  };
  const entry: ModelIndexEntry = {
    model,
    typeName: endpoint.typeName,
    title,
    description: description || title,
    kind: endpoint.kind,
    apiPath: endpoint.path,
    schemaFile: `${model}.schema.json`,
    fields,
    required: requiredFields,
    readOnly,
    writeOnly,
    durations,
    references,
  };
  return { schema, entry };
}

/** Stages and most objects have UUID keys; some (users, tokens' owners, …) integers: the answer's `pk` says which. */
function primaryKeySchema(response: OpenApiSchema | undefined, resolver: RefResolver): JsonSchema {
  const pk = response ? resolver.resolve(response).properties?.['pk'] : undefined;
  const source = pk ? resolver.resolve(pk) : undefined;
  const description = 'Primary key of the object on the authentik server. Leave it out for a new object: the first push creates it and writes the pk back.';
  if (source?.type === 'integer') return { type: 'integer', description };
  // Slugs and other text keys carry no format; an unknown answer keeps the stages' UUID.
  return source && !source.format ? { type: 'string', description } : { type: 'string', format: 'uuid', description };
}

function isReference(schema: JsonSchema): boolean {
  const target = schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array')) ? schema.items : schema;
  return target?.format === 'uuid';
}

/** Converts OpenAPI 3.0 schema objects to draft-07, inlining `$ref`s (enum components are small). */
class RefResolver {
  private readonly converting = new Set<string>();

  constructor(private readonly components: Record<string, OpenApiSchema | undefined>) {}

  resolve(schema: OpenApiSchema): OpenApiSchema {
    let current = schema;
    for (let hops = 0; current.$ref && hops < 32; hops++) {
      const target = this.components[refName(current.$ref)];
      if (!target) throw new OpenApiConversionError(`Unresolvable $ref ${current.$ref}`);
      current = target;
    }
    return current;
  }

  convert(source: OpenApiSchema): JsonSchema {
    if (source.$ref) {
      const name = refName(source.$ref);
      // A cycle (not seen in stage schemas, possible in others) ends in an open schema.
      if (this.converting.has(name)) return {};
      this.converting.add(name);
      try {
        return this.convert(this.resolve(source));
      } finally {
        this.converting.delete(name);
      }
    }
    let result: JsonSchema = {};
    // drf-spectacular wraps an enum `$ref` in `allOf` to attach a description or `nullable`.
    for (const part of source.allOf ?? []) result = mergeSchemas(result, this.convert(part));
    const alternatives = source.oneOf ?? source.anyOf;
    if (alternatives) result = mergeSchemas(result, this.mergeAlternatives(alternatives));
    result = mergeSchemas(result, this.convertOwnKeywords(source));
    if (source.nullable) result = withNull(result);
    return result;
  }

  /** `oneOf: [FooEnum, BlankEnum, NullEnum]` (choices that may be blank or null) become one enum. */
  private mergeAlternatives(alternatives: OpenApiSchema[]): JsonSchema {
    const converted = alternatives.map((alt) => this.convert(alt));
    if (converted.every((alt) => Array.isArray(alt.enum))) {
      const values: JsonValue[] = [];
      const descriptions: string[] = [];
      for (const alt of converted) {
        alt.enum!.forEach((value, i) => {
          if (values.includes(value)) return;
          values.push(value);
          descriptions.push(alt.enumDescriptions?.[i] ?? '');
        });
      }
      const types = [...new Set(values.map(jsonTypeOf))];
      const merged: JsonSchema = { type: types.length === 1 ? types[0]! : types, enum: values };
      if (descriptions.some(Boolean)) merged.enumDescriptions = descriptions;
      return merged;
    }
    // Not expected in stage request bodies: keep the most permissive reading instead of guessing.
    return {};
  }

  private convertOwnKeywords(source: OpenApiSchema): JsonSchema {
    const out: JsonSchema = {};
    if (source.type) out.type = source.type as JsonSchemaType;
    if (source.title) out.title = source.title;
    if (source.description) out.description = source.description;
    if (source.format) out.format = source.format;
    if (source.enum) {
      out.enum = source.enum as JsonValue[];
      const descriptions = parseEnumDescriptions(source.description, out.enum);
      if (descriptions) out.enumDescriptions = descriptions;
    }
    if (source.default !== undefined) out.default = source.default as JsonValue;
    if (source.readOnly) out.readOnly = true;
    if (source.writeOnly) out.writeOnly = true;
    copyNumber(source, out, 'minLength');
    copyNumber(source, out, 'maxLength');
    copyNumber(source, out, 'minItems');
    copyNumber(source, out, 'maxItems');
    copyNumber(source, out, 'multipleOf');
    if (source.pattern !== undefined) out.pattern = source.pattern;
    if (source.uniqueItems) out.uniqueItems = true;
    // OpenAPI 3.0's boolean exclusive bounds become draft-07's numeric ones.
    if (typeof source.minimum === 'number') {
      if (source.exclusiveMinimum === true) out.exclusiveMinimum = source.minimum;
      else out.minimum = source.minimum;
    }
    if (typeof source.maximum === 'number') {
      if (source.exclusiveMaximum === true) out.exclusiveMaximum = source.maximum;
      else out.maximum = source.maximum;
    }
    if (typeof source.exclusiveMinimum === 'number') out.exclusiveMinimum = source.exclusiveMinimum;
    if (typeof source.exclusiveMaximum === 'number') out.exclusiveMaximum = source.exclusiveMaximum;
    if (source.items) out.items = this.convert(source.items);
    if (source.properties) {
      out.properties = {};
      for (const [name, prop] of Object.entries(source.properties)) out.properties[name] = this.convert(prop);
      if (source.required?.length) out.required = [...source.required];
    }
    if (source.additionalProperties !== undefined) {
      const extra = source.additionalProperties;
      // `additionalProperties: {}` is drf-spectacular's free-form JSON object.
      out.additionalProperties = typeof extra === 'boolean' ? extra : Object.keys(extra).length === 0 ? true : this.convert(extra);
    }
    return out;
  }
}

function copyNumber<K extends 'minLength' | 'maxLength' | 'minItems' | 'maxItems' | 'multipleOf'>(source: OpenApiSchema, out: JsonSchema, key: K): void {
  const value = source[key];
  if (typeof value === 'number') out[key] = value;
}

/** Later keywords win, except descriptions, where the outer (field-level) text is the useful one. */
function mergeSchemas(base: JsonSchema, extra: JsonSchema): JsonSchema {
  const merged: JsonSchema = { ...base, ...extra };
  if (base.enumDescriptions && !extra.enumDescriptions) merged.enumDescriptions = base.enumDescriptions;
  return merged;
}

function withNull(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema };
  if (out.type !== undefined) {
    const types = Array.isArray(out.type) ? out.type : [out.type];
    if (!types.includes('null')) out.type = [...types, 'null'];
  }
  if (out.enum && !out.enum.includes(null)) {
    out.enum = [...out.enum, null];
    if (out.enumDescriptions) out.enumDescriptions = [...out.enumDescriptions, ''];
  }
  return out;
}

function jsonTypeOf(value: JsonValue): JsonSchemaType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as 'string' | 'boolean' | 'object';
}

/** drf-spectacular documents choices as lines of "* `value` - Label". */
function parseEnumDescriptions(description: string | undefined, values: JsonValue[]): string[] | undefined {
  if (!description) return undefined;
  const labels = new Map<string, string>();
  for (const match of description.matchAll(/^\*\s+`([^`]*)`\s+-\s+(.*)$/gm)) labels.set(match[1]!, match[2]!.trim());
  if (labels.size === 0) return undefined;
  return values.map((value) => labels.get(String(value)) ?? '');
}

/** The catalog of an OpenAPI document (YAML or JSON text), e.g. a connected server's `/api/v3/schema/`. */
export function catalogFromOpenApi(text: string, source: string): SchemaCatalog {
  return SchemaCatalog.fromConverted(convertOpenApi(parseOpenApiText(text), { source }));
}
