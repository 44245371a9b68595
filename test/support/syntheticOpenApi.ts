/** A minimal authentik-shaped OpenAPI document with one stage type, `authentik_stages_sample.samplestage`. */
import type { OpenApiDocument, OpenApiSchema } from '../../server/engine/schema/openapi';

export function sampleStageDocument(request: OpenApiSchema, extraSchemas: Record<string, OpenApiSchema> = {}): OpenApiDocument {
  const json = (ref: string): { content: { 'application/json': { schema: { $ref: string } } } } => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
  return {
    openapi: '3.0.3',
    info: { version: '9.9.9' },
    paths: {
      '/stages/sample/': { get: { responses: { '200': json('PaginatedSampleStageList') } }, post: { requestBody: json('SampleStageRequest') } },
      // The polymorphic listing is not a stage type of its own.
      '/stages/all/': { get: { responses: { '200': json('PaginatedStageList') } } },
    },
    components: {
      schemas: {
        ModelEnum: { enum: ['authentik_core.user', 'authentik_stages_sample.samplestage'] },
        SampleStageRequest: request,
        ...extraSchemas,
      },
    },
  };
}
