/** The parts of an OpenAPI 3.0 document the converter reads. */

export interface OpenApiSchema {
  $ref?: string;
  type?: string;
  format?: string;
  title?: string;
  description?: string;
  nullable?: boolean;
  readOnly?: boolean;
  writeOnly?: boolean;
  enum?: unknown[];
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  exclusiveMaximum?: boolean | number;
  multipleOf?: number;
  items?: OpenApiSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  additionalProperties?: boolean | OpenApiSchema;
  allOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  anyOf?: OpenApiSchema[];
}

interface OpenApiMediaType {
  schema?: OpenApiSchema;
}

interface OpenApiOperation {
  requestBody?: { content?: Record<string, OpenApiMediaType> };
  responses?: Record<string, { content?: Record<string, OpenApiMediaType> } | undefined>;
}

export interface OpenApiDocument {
  openapi?: string;
  info?: { version?: string; title?: string };
  paths?: Record<string, Record<string, OpenApiOperation | undefined> | undefined>;
  components?: { schemas?: Record<string, OpenApiSchema | undefined> };
}

export function isOpenApiDocument(value: unknown): value is OpenApiDocument {
  if (typeof value !== 'object' || value === null) return false;
  const doc = value as OpenApiDocument;
  return typeof doc.openapi === 'string' && typeof doc.paths === 'object' && typeof doc.components === 'object';
}
