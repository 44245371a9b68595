/**
 * The sandbox's view of one OpenAPI document: every stage type (and `Prompt`) with its endpoint
 * paths, writable fields as DRF fields (with authentik's static rules applied), response
 * properties, list filters, names and defaults. Built once per document.
 */
import type { FieldSpec } from './drfFields';
import {
  discoverStageTypes,
  emptyValueFor,
  fieldFromProperty,
  filterParams,
  operationSchemaName,
  properties,
  resolve,
  type JsonSchema,
  type OpenApiDocument,
  type QueryParam,
} from './openapi';
import { applyStaticRules, componentFor, defaultOrdering, descriptionFor, modelDefaults, requiresEnterprise, searchFields } from './stageRules';

export interface ResponseProperty {
  name: string;
  schema: JsonSchema;
  readOnly: boolean;
  /** Listed in the schema's `required`. */
  required: boolean;
}

export interface StageType {
  typeName: string;
  model: string;
  /** `emailstage` (what `/stages/all/types/` calls `model_name`). */
  modelName: string;
  app: string;
  isStage: boolean;
  listPath: string;
  detailPath?: string;
  lookupParam: string;
  verboseName: string;
  verboseNamePlural: string;
  component: string;
  description: string;
  requiresEnterprise: boolean;
  /** Writable fields in declaration order. */
  fields: FieldSpec[];
  fieldByName: Map<string, FieldSpec>;
  /** Properties of the response schema, in order. */
  response: ResponseProperty[];
  filters: QueryParam[];
  listMethods: string[];
  detailMethods: string[];
  hasUsedBy: boolean;
  /** The paginated list schema requires `autocomplete`. */
  listHasAutocomplete: boolean;
  /** A full set of stored values for a new object: model defaults, else empty values of each type. */
  defaults: Record<string, unknown>;
  searchFields: string[];
  defaultOrdering: string[];
}

export interface Catalog {
  api: OpenApiDocument;
  types: StageType[];
  byModel: Map<string, StageType>;
  byTypeName: Map<string, StageType>;
  /** Properties of the polymorphic `Stage` schema (`/stages/all/`). */
  stageResponse: ResponseProperty[];
  stageAllHasAutocomplete: boolean;
}

function splitCamel(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
}

export function responseProperties(api: OpenApiDocument, schemaName: string): ResponseProperty[] {
  return properties(api, schemaName).map((p) => ({
    name: p.name,
    schema: p.schema,
    readOnly: p.schema['readOnly'] === true || resolve(api, p.schema)['readOnly'] === true,
    required: p.required,
  }));
}

function requiresAutocomplete(api: OpenApiDocument, paginated: string): boolean {
  const required = api.schemas[paginated]?.['required'];
  return Array.isArray(required) && required.includes('autocomplete');
}

const cache = new WeakMap<OpenApiDocument, Catalog>();

export function buildCatalog(api: OpenApiDocument): Catalog {
  const cached = cache.get(api);
  if (cached) return cached;
  const types: StageType[] = [];
  for (const found of discoverStageTypes(api)) {
    const rawFields = found.requestSchema
      ? properties(api, found.requestSchema)
          .map((p) => fieldFromProperty(api, p.name, p.schema, p.required))
          .filter((f): f is FieldSpec => f !== undefined)
      : [];
    const fields = applyStaticRules(found.typeName, rawFields);
    const verboseName = found.verboseName ?? splitCamel(found.typeName);
    const defaults: Record<string, unknown> = {};
    const requestProps = found.requestSchema ? properties(api, found.requestSchema) : [];
    const modelDefault = modelDefaults(found.typeName);
    for (const field of fields) {
      if (field.name in modelDefault) defaults[field.name] = modelDefault[field.name];
      else if (field.kind === 'nested') continue;
      else defaults[field.name] = emptyValueFor(api, requestProps.find((p) => p.name === field.name)?.schema ?? {});
    }
    const [app, modelName] = found.model.split('.') as [string, string];
    const type: StageType = {
      typeName: found.typeName,
      model: found.model,
      modelName,
      app,
      isStage: found.typeName !== 'Prompt',
      listPath: found.listPath,
      lookupParam: found.lookupParam,
      verboseName,
      verboseNamePlural: `${verboseName}s`,
      component: componentFor(found.model),
      description: descriptionFor(found.model, verboseName),
      requiresEnterprise: requiresEnterprise(found.model),
      fields,
      fieldByName: new Map(fields.map((f) => [f.name, f])),
      response: responseProperties(api, found.responseSchema),
      filters: filterParams(api, found.listPath),
      listMethods: found.listMethods,
      detailMethods: found.detailMethods,
      hasUsedBy: found.hasUsedBy,
      listHasAutocomplete: requiresAutocomplete(api, found.paginatedSchema),
      defaults,
      searchFields: searchFields(found.typeName),
      defaultOrdering: defaultOrdering(found.typeName),
    };
    if (found.detailPath) type.detailPath = found.detailPath;
    types.push(type);
  }
  const stageAllPaginated = operationSchemaName(api, '/stages/all/', 'get', '200') ?? 'PaginatedStageList';
  const catalog: Catalog = {
    api,
    types,
    byModel: new Map(types.map((t) => [t.model, t])),
    byTypeName: new Map(types.map((t) => [t.typeName, t])),
    stageResponse: api.schemas['Stage'] ? responseProperties(api, 'Stage') : [],
    stageAllHasAutocomplete: requiresAutocomplete(api, stageAllPaginated),
  };
  cache.set(api, catalog);
  return catalog;
}
