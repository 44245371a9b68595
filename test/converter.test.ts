import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { convertOpenApi, OpenApiConversionError, parseOpenApiText, titleFromTypeName } from '../server/engine/schema/convert';
import type { ConvertedCatalog, JsonSchema } from '../server/engine/schema/types';
import { olderOpenApi, pinnedOpenApi } from './support/paths';
import { sampleStageDocument } from './support/syntheticOpenApi';

/** The 26 stage types of authentik 2026.8 plus prompt fields. */
const STAGE_MODELS_2026_8 = [
  'authentik_endpoints.endpointstage',
  'authentik_stages_account_lockdown.accountlockdownstage',
  'authentik_stages_authenticator_duo.authenticatorduostage',
  'authentik_stages_authenticator_email.authenticatoremailstage',
  'authentik_stages_authenticator_endpoint_gdtc.authenticatorendpointgdtcstage',
  'authentik_stages_authenticator_sms.authenticatorsmsstage',
  'authentik_stages_authenticator_static.authenticatorstaticstage',
  'authentik_stages_authenticator_totp.authenticatortotpstage',
  'authentik_stages_authenticator_validate.authenticatorvalidatestage',
  'authentik_stages_authenticator_webauthn.authenticatorwebauthnstage',
  'authentik_stages_captcha.captchastage',
  'authentik_stages_consent.consentstage',
  'authentik_stages_deny.denystage',
  'authentik_stages_dummy.dummystage',
  'authentik_stages_email.emailstage',
  'authentik_stages_identification.identificationstage',
  'authentik_stages_invitation.invitationstage',
  'authentik_stages_mtls.mutualtlsstage',
  'authentik_stages_password.passwordstage',
  'authentik_stages_prompt.prompt',
  'authentik_stages_prompt.promptstage',
  'authentik_stages_redirect.redirectstage',
  'authentik_stages_source.sourcestage',
  'authentik_stages_user_delete.userdeletestage',
  'authentik_stages_user_login.userloginstage',
  'authentik_stages_user_logout.userlogoutstage',
  'authentik_stages_user_write.userwritestage',
];

function prop(catalog: ConvertedCatalog, model: string, field: string): JsonSchema {
  const schema = catalog.schemas[model]?.properties?.[field];
  assert.ok(schema, `${model} has no property ${field}`);
  return schema;
}

describe('converter on the pinned authentik document', () => {
  let catalog: ConvertedCatalog;
  before(() => {
    catalog = convertOpenApi(parseOpenApiText(readFileSync(pinnedOpenApi, 'utf8')), { source: 'pinned' });
  });

  it('finds every stage type and prompt fields, and nothing else', () => {
    assert.deepEqual(Object.keys(catalog.index.models).sort(), [...STAGE_MODELS_2026_8].sort());
    assert.equal(Object.values(catalog.index.models).filter((m) => m.kind === 'stage').length, 26);
    assert.equal(catalog.index.authentikVersion, '2026.8.3');
    // Invitations and WebAuthn device types live under /stages/ but are data.
    assert.ok(!Object.keys(catalog.index.models).some((m) => m.endsWith('.invitation') || m.includes('webauthndevicetype')));
  });

  it('indexes path, title, required, read-only, write-only, durations and references', () => {
    const email = catalog.index.models['authentik_stages_email.emailstage']!;
    assert.equal(email.apiPath, '/stages/email/');
    assert.equal(email.title, 'Email Stage');
    assert.equal(email.typeName, 'EmailStage');
    assert.deepEqual(email.required, ['name']);
    assert.deepEqual(email.writeOnly, ['password']);
    assert.deepEqual(email.durations, ['token_expiry', 'recovery_cache_timeout']);
    assert.deepEqual(email.readOnly.sort(), ['component', 'flow_set', 'meta_model_name', 'verbose_name', 'verbose_name_plural']);
    assert.ok(!email.fields.includes('component'));
    const identification = catalog.index.models['authentik_stages_identification.identificationstage']!;
    assert.ok(identification.references.includes('sources'));
    assert.ok(identification.references.includes('password_stage'));
    const prompt = catalog.index.models['authentik_stages_prompt.prompt']!;
    assert.equal(prompt.kind, 'prompt');
    assert.equal(prompt.apiPath, '/stages/prompt/prompts/');
    assert.deepEqual([...prompt.required].sort(), ['field_key', 'label', 'name', 'type']);
    // A duration whose help text does not say so.
    assert.ok(catalog.index.models['authentik_stages_authenticator_validate.authenticatorvalidatestage']!.durations.includes('last_auth_threshold'));
    assert.equal(titleFromTypeName('AuthenticatorTOTPStage'), 'Authenticator TOTP Stage');
    assert.equal(titleFromTypeName('MutualTLSStage'), 'Mutual TLS Stage');
  });

  it('inlines enum $refs', () => {
    const type = prop(catalog, 'authentik_stages_prompt.prompt', 'type');
    assert.equal(type.type, 'string');
    assert.ok(type.enum?.includes('text') && type.enum.includes('password') && type.enum.includes('ak-locale'));
    // This document's enum components carry no "* `value` - Label" lists (the synthetic test covers them).
    assert.equal(type.enumDescriptions, undefined);
  });

  it('merges allOf enum wrappers with the field description, and nullable ones gain null', () => {
    const verification = prop(catalog, 'authentik_stages_authenticator_validate.authenticatorvalidatestage', 'webauthn_user_verification');
    assert.ok(verification.enum?.includes('required'));
    assert.match(verification.description ?? '', /user verification/i);
    const attachment = prop(catalog, 'authentik_stages_authenticator_webauthn.authenticatorwebauthnstage', 'authenticator_attachment');
    assert.ok(attachment.enum?.includes(null), 'nullable enum accepts null');
  });

  it('turns OpenAPI 3.0 nullable into a null type', () => {
    const flow = prop(catalog, 'authentik_stages_email.emailstage', 'name');
    assert.equal(flow.type, 'string');
    const configureFlow = prop(catalog, 'authentik_stages_authenticator_email.authenticatoremailstage', 'configure_flow');
    assert.deepEqual(configureFlow.type, ['string', 'null']);
    assert.equal(configureFlow.format, 'uuid');
    assert.equal(configureFlow['x-authentik-reference'], true);
  });

  it('keeps formats, lengths, ranges, arrays, write-only, read-only and free-form objects', () => {
    const from = prop(catalog, 'authentik_stages_email.emailstage', 'from_address');
    assert.equal(from.format, 'email');
    assert.equal(from.maxLength, 254);
    assert.equal(from.minLength, 1);
    const port = prop(catalog, 'authentik_stages_email.emailstage', 'port');
    assert.equal(port.type, 'integer');
    assert.equal(port.minimum, -2147483648);
    assert.equal(port.maximum, 2147483647);
    const attempts = prop(catalog, 'authentik_stages_email.emailstage', 'recovery_max_attempts');
    assert.equal(attempts.minimum, 0);
    assert.equal(prop(catalog, 'authentik_stages_email.emailstage', 'password').writeOnly, true);
    assert.equal(prop(catalog, 'authentik_stages_email.emailstage', 'component').readOnly, true);
    const classes = prop(catalog, 'authentik_stages_authenticator_validate.authenticatorvalidatestage', 'device_classes');
    assert.equal(classes.type, 'array');
    assert.ok(classes.items?.enum?.includes('totp'));
    const credentials = prop(catalog, 'authentik_stages_authenticator_endpoint_gdtc.authenticatorendpointgdtcstage', 'credentials');
    assert.equal(credentials.type, 'object');
    assert.equal(credentials.additionalProperties, true);
    const factor = prop(catalog, 'authentik_stages_authenticator_validate.authenticatorvalidatestage', 'totp_otp_throttling_factor');
    assert.equal(factor.type, 'number');
  });

  it('gives every schema model, pk and the request fields, closed to unknown keys', () => {
    for (const [model, schema] of Object.entries(catalog.schemas)) {
      const entry = catalog.index.models[model] ?? catalog.index.objects[model]!;
      assert.equal(schema.additionalProperties, false);
      if (entry.kind === 'object') continue;
      assert.deepEqual(schema.properties?.['model'], { const: model, description: schema.properties?.['model']?.description });
      assert.equal(schema.properties?.['pk']?.format, 'uuid');
      assert.ok(schema.required?.includes('model'));
      for (const field of entry.fields) assert.ok(schema.properties?.[field], `${model}.${field}`);
    }
  });

  it('also converts every other model served with a <Model>Request, for blueprints', () => {
    const objects = catalog.index.objects;
    for (const model of ['authentik_flows.flow', 'authentik_flows.flowstagebinding', 'authentik_policies.policybinding', 'authentik_policies_expression.expressionpolicy', 'authentik_core.application', 'authentik_core.group', 'authentik_core.user', 'authentik_providers_oauth2.oauth2provider', 'authentik_blueprints.blueprintinstance', 'authentik_events.notification']) {
      assert.equal(objects[model]?.kind, 'object', model);
    }
    assert.ok(Object.keys(objects).length >= 95, `${Object.keys(objects).length} objects`);
    for (const model of Object.keys(objects)) assert.ok(!(model in catalog.index.models), `${model} is both a stage and an object`);
    assert.deepEqual(objects['authentik_flows.flow']!.required.sort(), ['designation', 'name', 'slug', 'title']);
    assert.equal(catalog.schemas['authentik_core.user']!.properties!['pk']!.type, 'integer', 'users have integer pks');
    assert.equal(catalog.schemas['authentik_flows.flow']!.properties!['pk']!.format, 'uuid');
    assert.equal(catalog.schemas['authentik_policies_event_matcher.eventmatcherpolicy']!.properties!['model']!.const, undefined, 'a field called model is a field');
    assert.ok(catalog.index.modelNames.includes('authentik_endpoints_connectors_agent.agentdeviceuserbinding'), 'a model without an endpoint is still known by name');
  });
});

describe('converter on an older document (authentik 2025.8.6)', () => {
  it('converts every stage type and treats flow_set, still in its requests, as read-only', () => {
    const doc = parseOpenApiText(readFileSync(olderOpenApi, 'utf8'));
    assert.equal(doc.info?.version, '2025.8.6');
    const emailRequest = doc.components?.schemas?.['EmailStageRequest'];
    assert.ok(emailRequest?.properties?.['flow_set'], 'the old request body carries flow_set');
    const catalog = convertOpenApi(doc, { source: 'old' });
    const models = Object.keys(catalog.index.models);
    assert.ok(models.length >= 25, `found ${models.length}`);
    assert.ok(models.includes('authentik_stages_email.emailstage'));
    assert.ok(models.includes('authentik_stages_prompt.prompt'));
    for (const entry of Object.values(catalog.index.models)) {
      assert.ok(!entry.fields.includes('flow_set'), `${entry.model} sends flow_set`);
      if (entry.kind === 'stage') assert.ok(entry.readOnly.includes('flow_set'), `${entry.model} should know flow_set`);
    }
    assert.equal(catalog.schemas['authentik_stages_email.emailstage']!.properties!['flow_set']!.readOnly, true);
    for (const model of models) assert.ok(STAGE_MODELS_2026_8.includes(model), `${model} is not a stage model`);
  });
});

describe('converter constructs on a synthetic document', () => {
  const doc = sampleStageDocument(
    {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 10, pattern: '^[a-z]+$' },
        ratio: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1 },
        mode: { oneOf: [{ $ref: '#/components/schemas/ModeEnum' }, { $ref: '#/components/schemas/BlankEnum' }, { $ref: '#/components/schemas/NullEnum' }], nullable: true },
        tree: { $ref: '#/components/schemas/Node' },
        extra: { type: 'object', additionalProperties: {} },
        wait: { type: 'string', description: 'Wait (Format: hours=1;minutes=2).' },
        tags: { type: 'array', items: { type: 'string', format: 'uuid' }, minItems: 1, uniqueItems: true },
      },
    },
    {
      ModeEnum: { enum: ['a', 'b'], type: 'string', description: '* `a` - Alpha\n* `b` - Beta' },
      BlankEnum: { enum: [''] },
      NullEnum: { enum: [null] },
      Node: { type: 'object', properties: { child: { $ref: '#/components/schemas/Node' } } },
      SampleStage: { type: 'object', properties: { name: { type: 'string' }, computed: { type: 'string', readOnly: true } } },
    },
  );

  it('converts patterns, exclusive bounds, blank/null choice unions, cycles, free-form objects', () => {
    const catalog = convertOpenApi(doc, { source: 'synthetic' });
    assert.deepEqual(Object.keys(catalog.index.models), ['authentik_stages_sample.samplestage']);
    const schema = catalog.schemas['authentik_stages_sample.samplestage']!;
    const p = schema.properties!;
    assert.equal(p['name']!.pattern, '^[a-z]+$');
    assert.equal(p['name']!.maxLength, 10);
    assert.equal(p['ratio']!.exclusiveMinimum, 0);
    assert.equal(p['ratio']!.minimum, undefined);
    assert.deepEqual(p['mode']!.enum, ['a', 'b', '', null]);
    assert.deepEqual(p['mode']!.enumDescriptions, ['Alpha', 'Beta', '', '']);
    assert.deepEqual(p['tree']!.properties!['child'], {}, 'a cycle ends in an open schema');
    assert.equal(p['extra']!.additionalProperties, true);
    assert.equal(p['wait']!['x-authentik-duration'], true);
    assert.equal(p['tags']!['x-authentik-reference'], true);
    assert.equal(p['tags']!.minItems, 1);
    assert.equal(p['tags']!.uniqueItems, true);
    assert.equal(p['computed']!.readOnly, true);
    assert.deepEqual(catalog.index.models['authentik_stages_sample.samplestage']!.readOnly, ['computed']);
  });

  it('refuses documents that are not authentik OpenAPI documents', () => {
    assert.throws(() => parseOpenApiText('just: text'), OpenApiConversionError);
    assert.throws(() => parseOpenApiText('{'), OpenApiConversionError);
    assert.throws(() => convertOpenApi({ openapi: '3.0.0', paths: {}, components: { schemas: { ModelEnum: { enum: [] } } } }, { source: 'x' }), /No stage endpoints/);
    assert.throws(() => convertOpenApi({ openapi: '3.0.0', paths: {}, components: { schemas: {} } }, { source: 'x' }), /ModelEnum/);
  });
});
