/**
 * The reference table: which model each uuid field of a stage (or prompt) points to, and how the
 * objects of those models are found on a server.
 *
 * The OpenAPI document types these fields as bare uuids; the targets come from authentik's models
 * (ForeignKey / ManyToManyField targets, null/blank, on_delete) and serializers (checks made on
 * the target), read from authentik 2026.8.0-rc1 and cross-checked against 2025.8. Model names are
 * in blueprint form (`app_label.modelname`, lower-case), the form `!Find` and `meta_model_name` use.
 * test/referenceTable.test.ts fails when a uuid field of the pinned or the older OpenAPI document
 * is neither here nor in NOT_REFERENCES, or when a path or field named here is not in the document.
 */

/** authentik's flow designations (FlowDesignation in authentik/flows/models.py). */
export type FlowDesignation = 'authentication' | 'authorization' | 'invalidation' | 'enrollment' | 'unenrollment' | 'recovery' | 'stage_configuration';

/** Django's on_delete: what the server does to this field (or this stage) when the target is deleted. */
export type OnDelete = 'cascade' | 'set-null' | 'set-default';

export interface ReferenceSpec {
  /** The model whose pk the field holds. A base model (Stage, Source, Policy, …) takes any of its types. */
  readonly target: string;
  /** A list of pks (ManyToManyField) rather than one (ForeignKey). */
  readonly many: boolean;
  /** One pk: `null` is accepted (null=True). */
  readonly nullable?: boolean;
  /** A list: `[]` is accepted (blank=True); otherwise DRF answers "This list may not be empty." */
  readonly allowEmpty?: boolean;
  /** ForeignKeys only. `cascade`: deleting the target deletes this stage too. */
  readonly onDelete?: OnDelete;
  /**
   * The designation of the flows the admin UI offers here. The server accepts a flow of any
   * designation, so another one is at most a hint, never an error.
   */
  readonly suggestedDesignation?: FlowDesignation;
  /** A rule the serializer applies to this field (or to its target) beyond the type, in the server's words. */
  readonly serverCheck?: string;
}

/** The field every ConfigurableStage has (authentik/flows/models.py). */
const CONFIGURE_FLOW: ReferenceSpec = { target: 'authentik_flows.flow', many: false, nullable: true, onDelete: 'set-null', suggestedDesignation: 'stage_configuration' };
const WEBAUTHN_DEVICE_TYPES: ReferenceSpec = { target: 'authentik_stages_authenticator_webauthn.webauthndevicetype', many: true, allowEmpty: true };

/** Reference fields by stage (or prompt) model, then field. */
export const REFERENCE_FIELDS: Readonly<Record<string, Readonly<Record<string, ReferenceSpec>>>> = {
  'authentik_stages_account_lockdown.accountlockdownstage': {
    // The help text asks for a flow that needs no authentication (the user's sessions are gone).
    self_service_completion_flow: { target: 'authentik_flows.flow', many: false, nullable: true, onDelete: 'set-null' },
  },
  'authentik_stages_authenticator_duo.authenticatorduostage': { configure_flow: CONFIGURE_FLOW },
  'authentik_stages_authenticator_email.authenticatoremailstage': { configure_flow: CONFIGURE_FLOW },
  'authentik_stages_authenticator_endpoint_gdtc.authenticatorendpointgdtcstage': { configure_flow: CONFIGURE_FLOW },
  'authentik_stages_authenticator_sms.authenticatorsmsstage': {
    configure_flow: CONFIGURE_FLOW,
    mapping: { target: 'authentik_events.notificationwebhookmapping', many: false, nullable: true, onDelete: 'set-null' },
  },
  'authentik_stages_authenticator_static.authenticatorstaticstage': { configure_flow: CONFIGURE_FLOW },
  'authentik_stages_authenticator_totp.authenticatortotpstage': { configure_flow: CONFIGURE_FLOW },
  'authentik_stages_authenticator_validate.authenticatorvalidatestage': {
    // The admin UI offers every stage (stagesAllList); the model takes any Stage.
    configuration_stages: {
      target: 'authentik_flows.stage',
      many: true,
      allowEmpty: true,
      serverCheck: 'When "Not configured action" is set to "Configure", you must set a configuration stage.',
    },
    webauthn_allowed_device_types: WEBAUTHN_DEVICE_TYPES,
  },
  'authentik_stages_authenticator_webauthn.authenticatorwebauthnstage': {
    configure_flow: CONFIGURE_FLOW,
    device_type_restrictions: WEBAUTHN_DEVICE_TYPES,
  },
  'authentik_endpoints.endpointstage': {
    connector: { target: 'authentik_endpoints.connector', many: false, onDelete: 'cascade', serverCheck: 'Selected connector is not compatible with this stage.' },
  },
  'authentik_stages_identification.identificationstage': {
    password_stage: { target: 'authentik_stages_password.passwordstage', many: false, nullable: true, onDelete: 'set-null' },
    captcha_stage: { target: 'authentik_stages_captcha.captchastage', many: false, nullable: true, onDelete: 'set-null' },
    webauthn_stage: { target: 'authentik_stages_authenticator_validate.authenticatorvalidatestage', many: false, nullable: true, onDelete: 'set-null' },
    enrollment_flow: { target: 'authentik_flows.flow', many: false, nullable: true, onDelete: 'set-default', suggestedDesignation: 'enrollment' },
    recovery_flow: { target: 'authentik_flows.flow', many: false, nullable: true, onDelete: 'set-default', suggestedDesignation: 'recovery' },
    passwordless_flow: { target: 'authentik_flows.flow', many: false, nullable: true, onDelete: 'set-default', suggestedDesignation: 'authentication' },
    sources: { target: 'authentik_core.source', many: true, allowEmpty: true, serverCheck: 'When no user fields are selected, at least one source must be selected' },
  },
  'authentik_stages_mtls.mutualtlsstage': {
    certificate_authorities: { target: 'authentik_crypto.certificatekeypair', many: true, allowEmpty: true },
  },
  'authentik_stages_password.passwordstage': { configure_flow: CONFIGURE_FLOW },
  'authentik_stages_prompt.promptstage': {
    fields: { target: 'authentik_stages_prompt.prompt', many: true, allowEmpty: false },
    validation_policies: { target: 'authentik_policies.policy', many: true, allowEmpty: true },
  },
  'authentik_stages_redirect.redirectstage': {
    target_flow: { target: 'authentik_flows.flow', many: false, nullable: true, onDelete: 'set-null', serverCheck: 'Target Flow should be present when mode is Flow.' },
  },
  'authentik_stages_source.sourcestage': {
    source: { target: 'authentik_core.source', many: false, onDelete: 'cascade', serverCheck: 'Invalid source selected, only web-based sources are supported.' },
  },
  'authentik_stages_user_write.userwritestage': {
    create_users_group: { target: 'authentik_core.group', many: false, nullable: true, onDelete: 'set-default' },
  },
};

/**
 * uuid-typed fields that do not point at another object. No request schema of 2025.8.6 or
 * 2026.8.3 has one; the converter gives every stage schema a `pk` of format uuid, which is the
 * object's own key.
 */
export const NOT_REFERENCES: Readonly<Record<string, string>> = {
  pk: "the object's own primary key, written back by the first push; it names this object, not another",
};

/** A field `!Find [model, [field, value]]` may name, and how the API can match it. */
export interface FindField {
  /** The property of the API's objects holding the field's value, when it is not the field's own name (the pk column → `pk`). */
  readonly property?: string;
  /** The list endpoint's query parameter that filters on the field exactly (case-sensitive). */
  readonly filter?: string;
  /** `?search=` looks in this field (case-insensitive substring), so it narrows the list before an exact comparison. */
  readonly searched?: boolean;
}

export interface TargetModel {
  readonly model: string;
  readonly title: string;
  /** The list endpoint below /api/v3. */
  readonly apiPath: string;
  /** The property of the listed objects holding the pk (a uuid on every model here). */
  readonly pkField: string;
  /** The model's pk column, which `!Find` may also name. */
  readonly pkColumn: string;
  /** What `GET {apiPath}{key}/` takes: the pk, or the slug (flows and sources). */
  readonly detailLookup: 'pk' | 'slug';
  /** The field `pull --references find` writes `!Find` by. */
  readonly naturalKey: string;
  /** False where the server does not keep the natural key unique, so a `!Find` by it may match several objects. */
  readonly naturalKeyUnique: boolean;
  /** The pk is the same on every server (a WebAuthn AAGUID), so a pk in a file is already portable. */
  readonly portablePk?: boolean;
  /** Fields to show for an object, the first being its label. */
  readonly display: readonly string[];
  readonly findFields: Readonly<Record<string, FindField>>;
  /**
   * The endpoint lists objects of several types (a base model's `/…/all/`): each object's type is
   * its `meta_model_name`, e.g. `authentik_stages_password.passwordstage`.
   */
  readonly mixedTypes?: boolean;
  /** A base model: the concrete models it stands for (itself included when it has objects of its own). */
  readonly subtypes?: readonly string[];
  /** Objects the list endpoint leaves out. */
  readonly listNote?: string;
}

const STAGE_FIND_FIELDS: Readonly<Record<string, FindField>> = {
  pk: {},
  stage_uuid: { property: 'pk' },
  name: { filter: 'name', searched: true },
};

/** Every stage type of authentik 2025.8 and 2026.8 (the concrete subclasses of Stage). */
export const STAGE_MODELS: readonly string[] = [
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
  'authentik_stages_prompt.promptstage',
  'authentik_stages_redirect.redirectstage',
  'authentik_stages_source.sourcestage',
  'authentik_stages_user_delete.userdeletestage',
  'authentik_stages_user_login.userloginstage',
  'authentik_stages_user_logout.userlogoutstage',
  'authentik_stages_user_write.userwritestage',
];

/** A concrete stage type with an endpoint of its own (the ones a field names as its target). */
function stageType(model: string, title: string, apiPath: string): TargetModel {
  return { model, title, apiPath, pkField: 'pk', pkColumn: 'stage_uuid', detailLookup: 'pk', naturalKey: 'name', naturalKeyUnique: true, display: ['name'], findFields: STAGE_FIND_FIELDS };
}

/** Target models (and the base models a `!Find` may name instead), by model name. */
export const TARGET_MODELS: Readonly<Record<string, TargetModel>> = {
  'authentik_flows.flow': {
    model: 'authentik_flows.flow',
    title: 'Flow',
    apiPath: '/flows/instances/',
    pkField: 'pk',
    pkColumn: 'flow_uuid',
    detailLookup: 'slug',
    naturalKey: 'slug',
    naturalKeyUnique: true,
    display: ['title', 'slug', 'designation', 'name'],
    findFields: {
      pk: { filter: 'flow_uuid' },
      flow_uuid: { property: 'pk', filter: 'flow_uuid' },
      slug: { filter: 'slug', searched: true },
      name: { filter: 'name', searched: true },
      title: { searched: true },
      designation: { filter: 'designation', searched: true },
      denied_action: { filter: 'denied_action', searched: true },
      authentication: {},
      layout: {},
      policy_engine_mode: {},
      compatibility_mode: {},
    },
  },
  'authentik_flows.stage': {
    model: 'authentik_flows.stage',
    title: 'Stage',
    apiPath: '/stages/all/',
    pkField: 'pk',
    pkColumn: 'stage_uuid',
    detailLookup: 'pk',
    naturalKey: 'name',
    naturalKeyUnique: true,
    display: ['name', 'verbose_name'],
    findFields: STAGE_FIND_FIELDS,
    mixedTypes: true,
    subtypes: STAGE_MODELS,
  },
  'authentik_stages_password.passwordstage': stageType('authentik_stages_password.passwordstage', 'Password Stage', '/stages/password/'),
  'authentik_stages_captcha.captchastage': stageType('authentik_stages_captcha.captchastage', 'Captcha Stage', '/stages/captcha/'),
  'authentik_stages_authenticator_validate.authenticatorvalidatestage': stageType(
    'authentik_stages_authenticator_validate.authenticatorvalidatestage',
    'Authenticator Validate Stage',
    '/stages/authenticator/validate/',
  ),
  'authentik_core.source': {
    model: 'authentik_core.source',
    title: 'Source',
    apiPath: '/sources/all/',
    pkField: 'pk',
    pkColumn: 'pbm_uuid',
    detailLookup: 'slug',
    // A source's name is not unique; its slug is.
    naturalKey: 'slug',
    naturalKeyUnique: true,
    display: ['name', 'slug', 'verbose_name'],
    findFields: {
      pk: { filter: 'pbm_uuid' },
      pbm_uuid: { property: 'pk', filter: 'pbm_uuid' },
      slug: { filter: 'slug', searched: true },
      name: { filter: 'name', searched: true },
      managed: { filter: 'managed' },
      enabled: {},
      user_matching_mode: {},
      policy_engine_mode: {},
      user_path_template: {},
    },
    mixedTypes: true,
    // The base itself has objects: the built-in source ("authentik Built-in") is a plain Source.
    subtypes: [
      'authentik_core.source',
      'authentik_sources_kerberos.kerberossource',
      'authentik_sources_ldap.ldapsource',
      'authentik_sources_oauth.oauthsource',
      'authentik_sources_plex.plexsource',
      'authentik_sources_saml.samlsource',
      'authentik_sources_scim.scimsource',
      'authentik_sources_telegram.telegramsource',
    ],
  },
  'authentik_policies.policy': {
    model: 'authentik_policies.policy',
    title: 'Policy',
    apiPath: '/policies/all/',
    pkField: 'pk',
    pkColumn: 'policy_uuid',
    detailLookup: 'pk',
    naturalKey: 'name',
    naturalKeyUnique: true,
    display: ['name', 'verbose_name'],
    // /policies/all/ filters only on bindings__isnull and promptstage__isnull: names go through ?search=.
    findFields: { pk: {}, policy_uuid: { property: 'pk' }, name: { searched: true }, execution_logging: {} },
    mixedTypes: true,
    subtypes: [
      'authentik_policies_dummy.dummypolicy',
      'authentik_policies_event_matcher.eventmatcherpolicy',
      'authentik_policies_expiry.passwordexpirypolicy',
      'authentik_policies_expression.expressionpolicy',
      'authentik_policies_geoip.geoippolicy',
      'authentik_policies_password.passwordpolicy',
      'authentik_policies_reputation.reputationpolicy',
      'authentik_policies_unique_password.uniquepasswordpolicy',
    ],
  },
  'authentik_core.propertymapping': {
    model: 'authentik_core.propertymapping',
    title: 'Property Mapping',
    apiPath: '/propertymappings/all/',
    pkField: 'pk',
    pkColumn: 'pm_uuid',
    detailLookup: 'pk',
    naturalKey: 'name',
    naturalKeyUnique: true,
    display: ['name', 'verbose_name'],
    findFields: { pk: {}, pm_uuid: { property: 'pk' }, name: { filter: 'name', searched: true }, managed: { filter: 'managed' }, expression: {} },
    mixedTypes: true,
    // Only the one type a stage field takes is listed; the others are no target of any stage field.
    subtypes: ['authentik_events.notificationwebhookmapping'],
  },
  'authentik_events.notificationwebhookmapping': {
    model: 'authentik_events.notificationwebhookmapping',
    title: 'Webhook Mapping',
    apiPath: '/propertymappings/notification/',
    pkField: 'pk',
    pkColumn: 'pm_uuid',
    detailLookup: 'pk',
    naturalKey: 'name',
    naturalKeyUnique: true,
    display: ['name'],
    findFields: { pk: {}, pm_uuid: { property: 'pk' }, name: { filter: 'name', searched: true }, expression: {} },
  },
  'authentik_core.group': {
    model: 'authentik_core.group',
    title: 'Group',
    apiPath: '/core/groups/',
    pkField: 'pk',
    pkColumn: 'group_uuid',
    detailLookup: 'pk',
    // Unique since authentik 2026.2; before, only unique among the children of one parent.
    naturalKey: 'name',
    naturalKeyUnique: true,
    display: ['name'],
    findFields: { pk: {}, group_uuid: { property: 'pk' }, name: { filter: 'name', searched: true }, is_superuser: { filter: 'is_superuser' } },
  },
  'authentik_crypto.certificatekeypair': {
    model: 'authentik_crypto.certificatekeypair',
    title: 'Certificate-Key Pair',
    apiPath: '/crypto/certificatekeypairs/',
    pkField: 'pk',
    pkColumn: 'kp_uuid',
    detailLookup: 'pk',
    naturalKey: 'name',
    naturalKeyUnique: true,
    display: ['name', 'cert_subject', 'cert_expiry'],
    findFields: { pk: {}, kp_uuid: { property: 'pk' }, name: { filter: 'name', searched: true }, managed: { filter: 'managed' } },
    listNote: 'The list leaves out the key authentik manages for its own JWTs (managed "goauthentik.io/crypto/jwt-managed").',
  },
  'authentik_stages_prompt.prompt': {
    model: 'authentik_stages_prompt.prompt',
    title: 'Prompt',
    apiPath: '/stages/prompt/prompts/',
    pkField: 'pk',
    pkColumn: 'prompt_uuid',
    detailLookup: 'pk',
    naturalKey: 'name',
    naturalKeyUnique: true,
    display: ['name', 'field_key', 'label', 'type'],
    findFields: {
      pk: {},
      prompt_uuid: { property: 'pk' },
      name: { filter: 'name', searched: true },
      field_key: { filter: 'field_key', searched: true },
      label: { filter: 'label', searched: true },
      type: { filter: 'type', searched: true },
      placeholder: { filter: 'placeholder', searched: true },
      required: {},
      order: {},
      sub_text: {},
      initial_value: {},
      placeholder_expression: {},
      initial_value_expression: {},
    },
  },
  'authentik_endpoints.connector': {
    model: 'authentik_endpoints.connector',
    title: 'Connector',
    apiPath: '/endpoints/connectors/',
    // Connectors are listed without a `pk` property.
    pkField: 'connector_uuid',
    pkColumn: 'connector_uuid',
    detailLookup: 'pk',
    naturalKey: 'name',
    naturalKeyUnique: false,
    display: ['name', 'verbose_name'],
    findFields: { pk: { property: 'connector_uuid' }, connector_uuid: {}, name: { searched: true }, enabled: {} },
    mixedTypes: true,
    subtypes: [
      'authentik_endpoints_connectors_agent.agentconnector',
      'authentik_endpoints_connectors_fleet.fleetconnector',
      'authentik_endpoints_connectors_google_chrome.googlechromeconnector',
    ],
  },
  'authentik_stages_authenticator_webauthn.webauthndevicetype': {
    model: 'authentik_stages_authenticator_webauthn.webauthndevicetype',
    title: 'WebAuthn Device Type',
    apiPath: '/stages/authenticator/webauthn_device_types/',
    pkField: 'aaguid',
    pkColumn: 'aaguid',
    detailLookup: 'pk',
    naturalKey: 'aaguid',
    naturalKeyUnique: true,
    portablePk: true,
    display: ['description', 'aaguid'],
    findFields: { pk: { property: 'aaguid', filter: 'aaguid' }, aaguid: { filter: 'aaguid', searched: true }, description: { filter: 'description', searched: true } },
  },
};

/**
 * Stage names are unique across every stage type (Stage.name unique=True), so DRF checks a new
 * name against all stages and answers in Django's words. The prompt stage serializer redefines
 * `name` with a validator over prompt stages only, in DRF's generic words: a prompt stage taking
 * the name of a stage of another type passes it and is refused by the database instead.
 */
export const STAGE_NAME_TAKEN: { readonly message: string; readonly byModel: Readonly<Record<string, string>> } = {
  message: 'stage with this name already exists.',
  byModel: { 'authentik_stages_prompt.promptstage': 'This field must be unique.' },
};
