/**
 * Reads an authentik OpenAPI document: which stage endpoints it has, their request and response
 * schemas, list query parameters and path parameters, and how each request property maps to a DRF
 * field (type, required, null, blank, lengths, range, choices). Nothing here knows authentik rules
 * beyond what the document says; `stageRules.ts` adds those.
 */
import { readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { fieldSpec, type FieldKind, type FieldSpec } from './drfFields';

export type JsonSchema = { [key: string]: unknown };

export interface OpenApiDocument {
  path: string;
  /** The file as read (served as YAML by `/schema/`). */
  text: string;
  doc: JsonSchema;
  /** `info.version`. */
  version: string;
  schemas: Record<string, JsonSchema>;
  paths: Record<string, Record<string, JsonSchema>>;
  /** The document as JSON (computed once). */
  json(): string;
}

const cache = new Map<string, { mtimeMs: number; value: OpenApiDocument }>();

/** Loads (and caches per file and modification time) an OpenAPI document, YAML or JSON. */
export function loadOpenApi(path: string): OpenApiDocument {
  const mtimeMs = statSync(path).mtimeMs;
  const cached = cache.get(path);
  if (cached && cached.mtimeMs === mtimeMs) return cached.value;
  const text = readFileSync(path, 'utf8');
  const doc = parseYaml(text, { maxAliasCount: -1 }) as JsonSchema;
  if (!doc || typeof doc !== 'object' || typeof doc['paths'] !== 'object') throw new Error(`${path} is not an OpenAPI document (no "paths")`);
  let json: string | undefined;
  const components = (doc['components'] ?? {}) as JsonSchema;
  const value: OpenApiDocument = {
    path,
    text,
    doc,
    version: String(((doc['info'] ?? {}) as JsonSchema)['version'] ?? 'unknown'),
    schemas: (components['schemas'] ?? {}) as Record<string, JsonSchema>,
    paths: doc['paths'] as Record<string, Record<string, JsonSchema>>,
    json: () => (json ??= JSON.stringify(doc)),
  };
  cache.set(path, { mtimeMs, value });
  return value;
}

function asSchema(value: unknown): JsonSchema | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonSchema) : undefined;
}

/** Follows `$ref`s (`#/components/…`). */
export function resolve(api: OpenApiDocument, schema: unknown): JsonSchema {
  let current = asSchema(schema) ?? {};
  for (let i = 0; i < 20 && typeof current['$ref'] === 'string'; i++) {
    const parts = (current['$ref'] as string).replace(/^#\//, '').split('/');
    let target: unknown = api.doc;
    for (const part of parts) target = asSchema(target)?.[part];
    current = asSchema(target) ?? {};
  }
  return current;
}

/** The name a `$ref` points at (`#/components/schemas/EmailStage` → `EmailStage`). */
export function refName(schema: unknown): string | undefined {
  const ref = asSchema(schema)?.['$ref'];
  return typeof ref === 'string' ? ref.split('/').pop() : undefined;
}

/** The component schema of an operation's JSON response (or request body), by name. */
export function operationSchemaName(api: OpenApiDocument, path: string, method: string, status?: string): string | undefined {
  const op = asSchema(api.paths[path]?.[method]);
  if (!op) return undefined;
  const holder = status ? asSchema(asSchema(op['responses'])?.[status]) : asSchema(op['requestBody']);
  const content = asSchema(resolve(api, holder)['content']);
  return refName(asSchema(content?.['application/json'])?.['schema']);
}

/** Methods the document lists for a path (lower case). */
export function methodsOf(api: OpenApiDocument, path: string): string[] {
  return Object.keys(api.paths[path] ?? {}).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m));
}

/** True when the operation may be called without credentials (`security` lists `{}`). */
export function allowsAnonymous(api: OpenApiDocument, path: string, method: string): boolean {
  const security = asSchema(api.paths[path]?.[method])?.['security'];
  return Array.isArray(security) && security.some((s) => asSchema(s) !== undefined && Object.keys(s as object).length === 0);
}

export interface QueryParam {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'array';
  format?: string;
  choices?: string[];
}

const PAGINATION_PARAMS = new Set(['page', 'page_size', 'ordering', 'search']);

/** The filter query parameters of a list operation (pagination, ordering and search left out). */
export function filterParams(api: OpenApiDocument, path: string): QueryParam[] {
  const op = asSchema(api.paths[path]?.['get']);
  const params = Array.isArray(op?.['parameters']) ? (op!['parameters'] as unknown[]) : [];
  const out: QueryParam[] = [];
  for (const raw of params) {
    const param = resolve(api, raw);
    if (param['in'] !== 'query' || typeof param['name'] !== 'string' || PAGINATION_PARAMS.has(param['name'])) continue;
    const schema = resolve(api, param['schema']);
    const type = (['string', 'integer', 'number', 'boolean', 'array'] as const).find((t) => t === schema['type']) ?? 'string';
    const entry: QueryParam = { name: param['name'], type };
    if (typeof schema['format'] === 'string') entry.format = schema['format'];
    const items = type === 'array' ? resolve(api, schema['items']) : schema;
    // An enum filter is `enum: […]` or (drf-spectacular's choice fields) `allOf: [{$ref: …Enum}]`.
    const enumOf = (s: JsonSchema): unknown[] | undefined =>
      Array.isArray(s['enum']) ? (s['enum'] as unknown[]) : Array.isArray(s['allOf']) ? (s['allOf'] as unknown[]).map((x) => resolve(api, x)['enum']).find(Array.isArray) : undefined;
    const choices = enumOf(items);
    if (choices) entry.choices = choices.filter((c) => c !== null && c !== '').map(String);
    if (type === 'array' && typeof items['format'] === 'string') entry.format = items['format'];
    out.push(entry);
  }
  return out;
}

/** The description of a path parameter (authentik's says "A UUID string identifying this Email Stage."). */
export function pathParam(api: OpenApiDocument, path: string): { name: string; description?: string } | undefined {
  for (const method of methodsOf(api, path)) {
    const op = asSchema(api.paths[path]?.[method]);
    const params = Array.isArray(op?.['parameters']) ? (op!['parameters'] as unknown[]) : [];
    for (const raw of params) {
      const param = resolve(api, raw);
      if (param['in'] === 'path' && typeof param['name'] === 'string') {
        const description = typeof param['description'] === 'string' ? param['description'] : undefined;
        return description === undefined ? { name: param['name'] } : { name: param['name'], description };
      }
    }
  }
  return undefined;
}

export interface DiscoveredType {
  /** OpenAPI type name: `EmailStage`, `Prompt`. */
  typeName: string;
  /** authentik model name: `authentik_stages_email.emailstage`. */
  model: string;
  /** `/stages/email/` (relative to `/api/v3`). */
  listPath: string;
  /** `/stages/email/{stage_uuid}/`, when the document has it. */
  detailPath?: string;
  lookupParam: string;
  /** From the path parameter's description, when it says. */
  verboseName?: string;
  requestSchema?: string;
  responseSchema: string;
  paginatedSchema: string;
  listMethods: string[];
  detailMethods: string[];
  hasUsedBy: boolean;
}

function modelEnum(api: OpenApiDocument): string[] {
  const values = api.schemas['ModelEnum']?.['enum'];
  return Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : [];
}

/** `<app>.<type lowercased>` from `ModelEnum`, preferring `authentik_stages_*` apps. */
export function modelFor(api: OpenApiDocument, typeName: string, listPath: string): string {
  const lower = typeName.toLowerCase();
  const candidates = modelEnum(api).filter((m) => m.split('.')[1] === lower);
  const preferred = candidates.find((m) => m.startsWith('authentik_stages_')) ?? candidates[0];
  if (preferred) return preferred;
  const app = listPath.split('/').filter(Boolean)[1] ?? lower;
  return `authentik_stages_${app}.${lower}`;
}

/**
 * Stage types: list endpoints under `/stages/` whose 200 answer is `Paginated<Type>List`, where
 * Type ends in `Stage` (but is not the polymorphic `Stage`) or is `Prompt`.
 */
export function discoverStageTypes(api: OpenApiDocument): DiscoveredType[] {
  const out: DiscoveredType[] = [];
  for (const path of Object.keys(api.paths)) {
    if (!path.startsWith('/stages/') || path.includes('{')) continue;
    const paginated = operationSchemaName(api, path, 'get', '200');
    const typeName = paginated ? /^Paginated(\w+)List$/.exec(paginated)?.[1] : undefined;
    if (!typeName || !paginated) continue;
    if (!((typeName.endsWith('Stage') && typeName !== 'Stage') || typeName === 'Prompt')) continue;
    const detailPath = Object.keys(api.paths).find((p) => p.startsWith(path) && /^\{\w+\}\/$/.test(p.slice(path.length)));
    const param = detailPath ? pathParam(api, detailPath) : undefined;
    const verbose = param?.description ? /^A UUID string identifying this (.+)\.$/.exec(param.description)?.[1] : undefined;
    const requestSchema = operationSchemaName(api, path, 'post');
    const entry: DiscoveredType = {
      typeName,
      model: modelFor(api, typeName, path),
      listPath: path,
      lookupParam: param?.name ?? 'stage_uuid',
      responseSchema: typeName,
      paginatedSchema: paginated,
      listMethods: methodsOf(api, path),
      detailMethods: detailPath ? methodsOf(api, detailPath) : [],
      hasUsedBy: detailPath !== undefined && `${detailPath}used_by/` in api.paths,
    };
    if (detailPath) entry.detailPath = detailPath;
    if (verbose) entry.verboseName = verbose;
    if (requestSchema) entry.requestSchema = requestSchema;
    out.push(entry);
  }
  return out.sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
}

/** The properties of an object schema, in document order, resolved. */
export function properties(api: OpenApiDocument, schemaName: string): Array<{ name: string; schema: JsonSchema; required: boolean }> {
  const schema = resolve(api, api.schemas[schemaName]);
  const required = new Set(Array.isArray(schema['required']) ? (schema['required'] as string[]) : []);
  const props = asSchema(schema['properties']) ?? {};
  return Object.entries(props).map(([name, value]) => ({ name, schema: asSchema(value) ?? {}, required: required.has(name) }));
}

interface EnumInfo {
  choices: Array<string | number>;
  nullable: boolean;
  blank: boolean;
}

/** Enum choices behind `$ref`, `allOf: [$ref]` or `oneOf: [$ref, BlankEnum, NullEnum]`. */
function enumInfo(api: OpenApiDocument, prop: JsonSchema): EnumInfo | undefined {
  const direct = resolve(api, prop);
  const candidates: JsonSchema[] = [];
  if (Array.isArray(direct['enum'])) candidates.push(direct);
  for (const key of ['allOf', 'oneOf', 'anyOf']) {
    const list = prop[key];
    if (Array.isArray(list)) for (const item of list) candidates.push(resolve(api, item));
  }
  const enums = candidates.filter((c) => Array.isArray(c['enum']));
  if (enums.length === 0) return undefined;
  const info: EnumInfo = { choices: [], nullable: false, blank: false };
  for (const e of enums) {
    for (const value of e['enum'] as unknown[]) {
      if (value === null) info.nullable = true;
      else if (value === '') info.blank = true;
      else if (typeof value === 'string' || typeof value === 'number') info.choices.push(value);
    }
  }
  return info;
}

/**
 * The DRF field a writable request property stands for, or undefined for read-only ones.
 * `minLength: 1` on a string is how drf-spectacular says "not blank"; a uuid string is a related
 * object's pk (a plain `UUIDField` is never writable on stages); `type: object` is authentik's
 * `JSONDictField`; an untyped property is a `JSONField`.
 */
export function fieldFromProperty(api: OpenApiDocument, name: string, raw: JsonSchema, required: boolean): FieldSpec | undefined {
  const prop = raw['$ref'] ? resolve(api, raw) : raw;
  if (prop['readOnly'] === true || raw['readOnly'] === true) return undefined;
  const base: Partial<FieldSpec> = {
    required,
    allowNull: raw['nullable'] === true || prop['nullable'] === true,
    writeOnly: raw['writeOnly'] === true || prop['writeOnly'] === true,
  };
  if (typeof raw['description'] === 'string') base.description = raw['description'];
  const choice = enumInfo(api, raw);
  if (choice) {
    return fieldSpec(name, 'choice', { ...base, choices: choice.choices, allowNull: base.allowNull || choice.nullable, allowBlank: choice.blank });
  }
  const type = prop['type'];
  const num = (key: string): number | undefined => (typeof prop[key] === 'number' ? (prop[key] as number) : undefined);
  if (type === 'string') {
    const format = prop['format'];
    const kind: FieldKind = format === 'email' ? 'email' : format === 'uri' ? 'url' : format === 'uuid' ? 'pk' : 'char';
    const minLength = num('minLength');
    const maxLength = num('maxLength');
    const spec = fieldSpec(name, kind, { ...base, allowBlank: kind !== 'pk' && !(minLength !== undefined && minLength >= 1) });
    if (minLength !== undefined && minLength > 1) spec.minLength = minLength;
    if (maxLength !== undefined) spec.maxLength = maxLength;
    return spec;
  }
  if (type === 'integer' || type === 'number') {
    const spec = fieldSpec(name, type === 'integer' ? 'integer' : 'float', base);
    const max = num('maximum');
    const min = num('minimum');
    if (max !== undefined) spec.maxValue = max;
    if (min !== undefined) spec.minValue = min;
    return spec;
  }
  if (type === 'boolean') return fieldSpec(name, 'boolean', base);
  if (type === 'array') {
    const itemsRaw = asSchema(prop['items']) ?? {};
    const items = resolve(api, itemsRaw);
    const minItems = num('minItems');
    const maxItems = num('maxItems');
    const extra: Partial<FieldSpec> = { ...base, allowEmpty: !(minItems !== undefined && minItems >= 1) };
    if (minItems !== undefined && minItems > 1) extra.minItems = minItems;
    if (maxItems !== undefined) extra.maxItems = maxItems;
    if (items['type'] === 'object' && asSchema(items['properties'])) {
      const nestedName = refName(itemsRaw);
      const nestedFields = nestedName
        ? properties(api, nestedName)
            .map((p) => fieldFromProperty(api, p.name, p.schema, p.required))
            .filter((f): f is FieldSpec => f !== undefined)
        : [];
      return fieldSpec(name, 'nested', { ...extra, nestedFields });
    }
    if (items['type'] === 'string' && items['format'] === 'uuid' && !Array.isArray(items['enum'])) return fieldSpec(name, 'manypk', extra);
    const child = fieldFromProperty(api, `${name}.item`, itemsRaw, true) ?? fieldSpec(`${name}.item`, 'json', { required: true });
    return fieldSpec(name, 'list', { ...extra, child });
  }
  if (type === 'object') return fieldSpec(name, 'jsondict', base);
  return fieldSpec(name, 'json', { ...base, allowNull: true });
}

/** A value of the schema's type that stands for "nothing set" (null where nullable). */
export function emptyValueFor(api: OpenApiDocument, raw: JsonSchema): unknown {
  const prop = raw['$ref'] ? resolve(api, raw) : raw;
  if (raw['nullable'] === true || prop['nullable'] === true) return null;
  const choice = enumInfo(api, raw);
  if (choice) return choice.nullable ? null : choice.blank ? '' : (choice.choices[0] ?? '');
  switch (prop['type']) {
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return null;
  }
}
