/**
 * What the authentik server checks and computes beyond its OpenAPI document (see
 * docs/server-rules.md): which objects a related field points at, lists that may not be empty,
 * duration fields, email template names, unique names, the `validate_<field>` and `validate()`
 * methods of individual stage serializers, model defaults, and the read-only `component`.
 * Keyed by OpenAPI type name (`EmailStage`) or model name, so it applies to every document
 * version that has the type.
 */
import { durationValidator } from './duration';
import type { FieldHook, FieldSpec, FieldValidator } from './drfFields';
import { pyTruthy, type PyDict } from './pyjson';

/** authentik's built-in email templates with their labels (`EmailTemplates` choices). */
export const BUILTIN_EMAIL_TEMPLATES: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'email/password_reset.html', description: 'Password Reset' },
  { name: 'email/account_confirmation.html', description: 'Account Confirmation' },
  { name: 'email/email_otp.html', description: 'Email OTP' },
  { name: 'email/event_notification.html', description: 'Event Notification' },
  { name: 'email/invitation.html', description: 'Invitation' },
];

/** Custom templates are listed as `Custom Template: <path>`. */
export function customTemplateDescription(name: string): string {
  return `Custom Template: ${name}`;
}

/**
 * Targets of related fields: `flow`, `stage` (any type), `stage:<model>` (one type only: the
 * lookup runs on that model's manager), `source`, `prompt`, or a kind of other object
 * (`policy`, `group`, `certificatekeypair`, `webhookmapping`, `webauthndevicetype`, `connector`).
 */
const REFERENCE_TARGETS: Readonly<Record<string, string>> = {
  configure_flow: 'flow',
  enrollment_flow: 'flow',
  recovery_flow: 'flow',
  passwordless_flow: 'flow',
  target_flow: 'flow',
  self_service_completion_flow: 'flow',
  password_stage: 'stage:authentik_stages_password.passwordstage',
  captcha_stage: 'stage:authentik_stages_captcha.captchastage',
  // The passkey login of an identification stage is an authenticator-validate stage (models.py), not the WebAuthn setup stage.
  webauthn_stage: 'stage:authentik_stages_authenticator_validate.authenticatorvalidatestage',
  configuration_stages: 'stage',
  sources: 'source',
  source: 'source',
  fields: 'prompt',
  validation_policies: 'policy',
  create_users_group: 'group',
  mapping: 'webhookmapping',
  device_type_restrictions: 'webauthndevicetype',
  webauthn_allowed_device_types: 'webauthndevicetype',
  certificate_authorities: 'certificatekeypair',
  connector: 'connector',
};

/**
 * Kinds of "other" objects (served read-only by their list endpoints, see `objectKinds.ts`):
 * `propertymapping` holds the property mappings that are not webhook mappings (source and
 * provider mappings), which only `/propertymappings/all/` lists.
 */
export const OTHER_KINDS = ['policy', 'group', 'certificatekeypair', 'webhookmapping', 'propertymapping', 'webauthndevicetype', 'connector'] as const;
export type OtherKind = (typeof OTHER_KINDS)[number];

export function referenceTarget(field: string): string | undefined {
  return REFERENCE_TARGETS[field];
}

/** `ArrayField`s and many-to-manys without `blank=True`: `[]` is "This list may not be empty.". */
const NON_EMPTY_LISTS: Readonly<Record<string, readonly string[]>> = {
  PasswordStage: ['backends'],
  AuthenticatorValidateStage: ['device_classes'],
  PromptStage: ['fields'],
};

/** Fields carrying `timedelta_string_validator` (docs/server-rules.md §5.3); others are found by their "(Format: hours=" help text. */
const DURATION_FIELDS: Readonly<Record<string, readonly string[]>> = {
  AuthenticatorValidateStage: ['last_auth_threshold'],
  ConsentStage: ['consent_expire_in'],
  EmailStage: ['token_expiry', 'recovery_cache_timeout'],
  AuthenticatorEmailStage: ['token_expiry'],
  SourceStage: ['resume_timeout'],
  UserLoginStage: ['session_duration', 'remember_me_offset', 'remember_device'],
};

export function isDurationField(typeName: string, field: FieldSpec): boolean {
  if (field.kind !== 'char') return false;
  return (DURATION_FIELDS[typeName] ?? []).includes(field.name) || /\(Format: (weeks|days|hours|minutes|seconds)=/.test(field.description ?? '');
}

/** Stage models whose serializer carries `EnterpriseRequiredMixin`. */
const ENTERPRISE_MODELS = new Set([
  'authentik_stages_account_lockdown.accountlockdownstage',
  'authentik_stages_authenticator_endpoint_gdtc.authenticatorendpointgdtcstage',
  'authentik_stages_mtls.mutualtlsstage',
  'authentik_stages_source.sourcestage',
]);

export function requiresEnterprise(model: string): boolean {
  return ENTERPRISE_MODELS.has(model);
}

/** Source models that have no web login button: `SourceStage.validate_source` refuses them. */
const NON_WEB_SOURCES = new Set(['authentik_sources_ldap.ldapsource', 'authentik_sources_scim.scimsource']);

/**
 * Model defaults (what a create without the field stores), from docs/server-rules.md and
 * authentik's models. Fields not listed get an empty value of their type.
 */
/** The SMTP settings both email stages share (authentik's `EmailStage` and `AuthenticatorEmailStage` models). */
const SMTP_DEFAULTS = {
  use_global_settings: false,
  host: 'localhost',
  port: 25,
  username: '',
  password: '',
  use_tls: false,
  use_ssl: false,
  timeout: 10,
  from_address: 'system@authentik.local',
};

const MODEL_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  EmailStage: {
    ...SMTP_DEFAULTS,
    token_expiry: 'minutes=30',
    subject: 'authentik',
    template: 'email/password_reset.html',
    activate_user_on_success: false,
    recovery_max_attempts: 5,
    recovery_cache_timeout: 'minutes=5',
  },
  AuthenticatorEmailStage: {
    ...SMTP_DEFAULTS,
    subject: 'authentik Sign-in code',
    token_expiry: 'minutes=15',
    template: 'email/email_otp.html',
  },
  AuthenticatorStaticStage: { token_count: 6, token_length: 12 },
  AuthenticatorValidateStage: {
    not_configured_action: 'skip',
    device_classes: ['static', 'totp', 'webauthn', 'duo', 'sms', 'email'],
    last_auth_threshold: 'seconds=0',
    webauthn_user_verification: 'preferred',
    email_otp_throttling_factor: 1,
    sms_otp_throttling_factor: 1,
    totp_otp_throttling_factor: 1,
    static_otp_throttling_factor: 1,
  },
  AuthenticatorWebAuthnStage: { user_verification: 'preferred', resident_key_requirement: 'preferred', authenticator_attachment: null, max_attempts: 0 },
  AuthenticatorSMSStage: { auth_type: 'basic', verify_only: false, mapping: null, auth_password: '' },
  AuthenticatorDuoStage: { admin_integration_key: '', admin_secret_key: '' },
  CaptchaStage: {
    js_url: 'https://www.recaptcha.net/recaptcha/api.js',
    api_url: 'https://www.recaptcha.net/recaptcha/api/siteverify',
    request_content_type: 'application/x-www-form-urlencoded',
    interactive: false,
    score_min_threshold: 0.5,
    score_max_threshold: 1.0,
    error_on_invalid_score: true,
  },
  ConsentStage: { mode: 'expiring', consent_expire_in: 'weeks=4' },
  IdentificationStage: { case_insensitive_matching: true, show_matched_user: true, pretend_user_exists: true },
  PasswordStage: { failed_attempts_before_cancel: 5 },
  Prompt: { required: true, order: 0 },
  RedirectStage: { keep_context: true },
  SourceStage: { resume_timeout: 'minutes=10' },
  UserLoginStage: {
    session_duration: 'seconds=0',
    remember_me_offset: 'seconds=0',
    remember_device: 'days=30',
    network_binding: 'no_binding',
    geoip_binding: 'no_binding',
  },
  UserWriteStage: { user_creation_mode: 'create_when_required', user_type: 'external' },
  AccountLockdownStage: { deactivate_user: true, set_unusable_password: true, delete_sessions: true, revoke_tokens: true },
  EndpointStage: { mode: 'optional' },
};

export function modelDefaults(typeName: string): Readonly<Record<string, unknown>> {
  return MODEL_DEFAULTS[typeName] ?? {};
}

/** The admin UI form of a stage (`Stage.component`), where it does not follow `ak-stage-<app>-form`. */
const COMPONENTS: Readonly<Record<string, string>> = {
  'authentik_endpoints.endpointstage': 'ak-endpoints-stage',
};

export function componentFor(model: string): string {
  const known = COMPONENTS[model];
  if (known) return known;
  const app = model
    .split('.')[0]!
    .replace(/^authentik_stages_/, '')
    .replace(/^authentik_/, '');
  return `ak-stage-${app.replace(/_/g, '-')}-form`;
}

/** Docstrings of stage models (the `description` of `/stages/all/types/`), where known. */
const DOCSTRINGS: Readonly<Record<string, string>> = {
  'authentik_stages_email.emailstage': 'Sends an Email to the user with a token to confirm their Email address.',
  'authentik_stages_authenticator_totp.authenticatortotpstage': "Enroll a user's device into Time-based OTP.",
};

export function descriptionFor(model: string, verboseName: string): string {
  return DOCSTRINGS[model] ?? verboseName;
}

/** `ordering` of each viewset; authentik's stage viewsets order by name. */
export function defaultOrdering(typeName: string): string[] {
  return typeName === 'Prompt' ? ['field_key'] : ['name'];
}

/** `search_fields` of each viewset. */
export function searchFields(typeName: string): string[] {
  return typeName === 'Prompt' ? ['field_key', 'name', 'label', 'type', 'placeholder'] : ['name'];
}

/** What a request's rules need from the server's data. */
export interface RuleContext {
  /** The object being updated (PUT/PATCH). */
  instancePk?: string;
  /** The raw request body (`self.initial_data`). */
  raw: PyDict;
  stageNameTaken(name: string, exceptPk?: string): boolean;
  promptNameTaken(name: string, exceptPk?: string): boolean;
  /** Every valid email template name (built-ins and the server's custom ones). */
  emailTemplates(): string[];
  /** The model of a source (`authentik_sources_ldap.ldapsource`). */
  sourceModel(pk: string): string | undefined;
  /** Does the connector's controller report the `STAGE_ENDPOINTS` capability? */
  connectorSupportsStages(pk: string): boolean;
  enterpriseLicensed: boolean;
}

/**
 * The static part of a type's fields: reference targets, non-empty lists, duration validators.
 * Called once per document.
 */
export function applyStaticRules(typeName: string, fields: FieldSpec[]): FieldSpec[] {
  return fields.map((field) => {
    const next: FieldSpec = { ...field, validators: [...field.validators] };
    if (next.kind === 'pk' || next.kind === 'manypk') {
      const target = referenceTarget(next.name);
      if (target) next.target = target;
    }
    if ((NON_EMPTY_LISTS[typeName] ?? []).includes(next.name)) next.allowEmpty = false;
    if (isDurationField(typeName, next)) next.validators.push(durationValidator);
    return next;
  });
}

const CONFIGURE_MESSAGE = 'When "Not configured action" is set to "Configure", you must set a configuration stage.';

/** The request-bound part: unique names, `validate_<field>` methods. */
export function bindRequestRules(typeName: string, model: string, fields: readonly FieldSpec[], ctx: RuleContext): FieldSpec[] {
  return fields.map((field) => {
    const validators: FieldValidator[] = [...field.validators];
    let hook: FieldHook | undefined = field.hook;
    if (field.name === 'name') {
      if (typeName === 'Prompt') {
        validators.unshift((value) => (ctx.promptNameTaken(String(value), ctx.instancePk) ? ['Prompt with this name already exists.'] : []));
      } else {
        validators.unshift((value) => (ctx.stageNameTaken(String(value), ctx.instancePk) ? ['stage with this name already exists.'] : []));
      }
    }
    if (typeName === 'EmailStage' && field.name === 'template') {
      hook = (value) => (ctx.emailTemplates().includes(String(value)) ? null : `Invalid template '${String(value)}' specified.`);
    }
    if (typeName === 'AuthenticatorValidateStage' && field.name === 'not_configured_action') {
      hook = (value) => (value === 'configure' && !pyTruthy(ctx.raw['configuration_stages']) ? CONFIGURE_MESSAGE : null);
    }
    if (model === 'authentik_stages_source.sourcestage' && field.name === 'source') {
      hook = (value) => {
        const sourceModel = ctx.sourceModel(String(value));
        if (!sourceModel) return 'Invalid source';
        return NON_WEB_SOURCES.has(sourceModel) ? 'Invalid source selected, only web-based sources are supported.' : null;
      };
    }
    if (model === 'authentik_endpoints.endpointstage' && field.name === 'connector') {
      hook = (value) => (ctx.connectorSupportsStages(String(value)) ? null : 'Selected connector is not comaptible with this stage.');
    }
    const bound: FieldSpec = { ...field, validators };
    if (hook) bound.hook = hook;
    return bound;
  });
}

/** `validate(attrs)` of the serializer (and `EnterpriseRequiredMixin`): `non_field_errors` messages. */
export function validateObject(typeName: string, model: string, attrs: Record<string, unknown>, ctx: RuleContext): string[] {
  if (requiresEnterprise(model) && !ctx.enterpriseLicensed) return ['Enterprise is required to create/update this object.'];
  const len = (key: string): number => {
    const value = attrs[key];
    return Array.isArray(value) ? value.length : 0;
  };
  if (typeName === 'IdentificationStage' && len('user_fields') < 1 && len('sources') < 1) {
    return ['When no user fields are selected, at least one source must be selected'];
  }
  if (typeName === 'RedirectStage') {
    if (attrs['mode'] === 'static' && !attrs['target_static']) return ['Target URL should be present when mode is Static.'];
    if (attrs['mode'] === 'flow' && !attrs['target_flow']) return ['Target Flow should be present when mode is Flow.'];
  }
  return [];
}
