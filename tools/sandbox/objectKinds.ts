/**
 * The objects stages reference besides flows, stages, prompts and sources — policies, groups,
 * certificate key pairs, property mappings (webhook mappings and the others), WebAuthn device
 * types, endpoint connectors — and the read-only list/retrieve endpoints authentik serves them at.
 * Each endpoint follows its authentik viewset: `search_fields`, `ordering`, the lookup field, the
 * FilterSet's own methods (the plain field filters come from the OpenAPI document's query
 * parameters); responses follow the document's response schema.
 */
import type { QueryParam } from './openapi';
import type { OtherKind } from './stageRules';
import type { StoredOther } from './store';

/** A subclass's verbose name and admin form (`verbose_name`, `component`). */
interface ModelInfo {
  verbose: string;
  component: string;
}

const MODEL_INFO: Readonly<Record<string, ModelInfo>> = {
  'authentik_policies_expression.expressionpolicy': { verbose: 'Expression Policy', component: 'ak-policy-expression-form' },
  'authentik_policies_password.passwordpolicy': { verbose: 'Password Policy', component: 'ak-policy-password-form' },
  'authentik_policies_expiry.passwordexpirypolicy': { verbose: 'Password Expiry Policy', component: 'ak-policy-password-expiry-form' },
  'authentik_policies_reputation.reputationpolicy': { verbose: 'Reputation Policy', component: 'ak-policy-reputation-form' },
  'authentik_policies_geoip.geoippolicy': { verbose: 'GeoIP Policy', component: 'ak-policy-geoip-form' },
  'authentik_policies_event_matcher.eventmatcherpolicy': { verbose: 'Event Matcher Policy', component: 'ak-policy-event-matcher-form' },
  'authentik_policies_dummy.dummypolicy': { verbose: 'Dummy Policy', component: 'ak-policy-dummy-form' },
  'authentik_events.notificationwebhookmapping': { verbose: 'Webhook Mapping', component: 'ak-property-mapping-notification-form' },
  'authentik_sources_oauth.oauthsourcepropertymapping': { verbose: 'OAuth Source Property Mapping', component: 'ak-property-mapping-source-oauth-form' },
  'authentik_sources_ldap.ldapsourcepropertymapping': { verbose: 'LDAP Source Property Mapping', component: 'ak-property-mapping-source-ldap-form' },
  'authentik_sources_saml.samlsourcepropertymapping': { verbose: 'SAML Source Property Mapping', component: 'ak-property-mapping-source-saml-form' },
  'authentik_endpoints_connectors_agent.agentconnector': { verbose: 'Agent Connector', component: 'ak-endpoints-connector-agent-form' },
  'authentik_endpoints_connectors_google_chrome.googlechromeconnector': { verbose: 'Google Device Trust Connector', component: 'ak-endpoints-connector-gdtc-form' },
};

/** The model a stored object of a kind is when its seed does not say. */
const DEFAULT_MODEL: Readonly<Record<OtherKind, string>> = {
  policy: 'authentik_policies_expression.expressionpolicy',
  group: 'authentik_core.group',
  certificatekeypair: 'authentik_crypto.certificatekeypair',
  webhookmapping: 'authentik_events.notificationwebhookmapping',
  propertymapping: 'authentik_sources_oauth.oauthsourcepropertymapping',
  webauthndevicetype: 'authentik_stages_authenticator_webauthn.webauthndevicetype',
  connector: 'authentik_endpoints_connectors_agent.agentconnector',
};

function modelOf(kind: OtherKind, object: StoredOther): string {
  return typeof object['model'] === 'string' ? object['model'] : DEFAULT_MODEL[kind];
}

function infoOf(model: string): ModelInfo {
  const known = MODEL_INFO[model];
  if (known) return known;
  const name = model.split('.')[1] ?? model;
  return { verbose: name, component: `ak-${name}-form` };
}

/** authentik's `verbose_name_plural`s: "Password Policies", "Webhook Mappings". */
function plural(verbose: string): string {
  return verbose.endsWith('y') ? `${verbose.slice(0, -1)}ies` : `${verbose}s`;
}

/** Values a new object of a kind gets for what its seed leaves out. */
export function objectDefaults(kind: OtherKind, existing: readonly StoredOther[]): Record<string, unknown> {
  switch (kind) {
    case 'policy':
      return { execution_logging: false, bound_to: 0 };
    case 'group': {
      // `num_pk` is the group's integer id: the next free one.
      const taken = existing.map((g) => (typeof g['num_pk'] === 'number' ? g['num_pk'] : 0));
      return { num_pk: Math.max(0, ...taken) + 1, is_superuser: false, parents: [], users: [], attributes: {}, roles: [] };
    }
    case 'certificatekeypair':
      return { private_key_available: true, key_type: 'rsa', cert_subject: null, cert_expiry: null, fingerprint_sha256: null, fingerprint_sha1: null, managed: null };
    case 'webhookmapping':
    case 'propertymapping':
      return { expression: 'return {}', managed: null };
    case 'webauthndevicetype':
      return { icon: null };
    case 'connector':
      return { enabled: true };
  }
}

/** What the value functions need from the rest of the state. */
export interface ObjectLookups {
  /** How many prompt stages list this policy in `validation_policies`. */
  promptStagesWithPolicy(pk: string): number;
}

/**
 * The value of a field of an object: stored values, the computed fields of authentik's
 * serializers (`pk`, `component`, `verbose_name`, `meta_model_name`, …) and the fields filters
 * look at (`bindings__isnull`). Undefined: the response gets an empty value of the field's type.
 */
export function objectValue(kind: OtherKind, object: StoredOther, field: string, query: URLSearchParams, lookups: ObjectLookups): unknown {
  const model = modelOf(kind, object);
  switch (field) {
    case 'pk':
      return object.pk;
    case 'component':
      return infoOf(model).component;
    case 'verbose_name':
      return infoOf(model).verbose;
    case 'verbose_name_plural':
      return plural(infoOf(model).verbose);
    case 'meta_model_name':
      return model;
  }
  if (kind === 'policy') {
    if (field === 'policy_uuid') return object.pk;
    if (field === 'bindings__isnull') return !(Number(object['bound_to'] ?? 0) > 0);
    if (field === 'promptstage__isnull') return lookups.promptStagesWithPolicy(object.pk) === 0;
  }
  if (kind === 'group') {
    if (field === 'group_uuid') return object.pk;
    // GroupSerializer: `include_users` defaults to true, the other `include_*` to false; left out, the field is null.
    const included = (param: string, byDefault: boolean): boolean => (query.get(param) ?? String(byDefault)).toLowerCase() === 'true';
    if (field === 'users_obj') return included('include_users', true) ? (object['users'] as number[]).filter((u) => u === ADMIN.pk).map(() => ADMIN_PARTIAL) : null;
    if (field === 'parents_obj') return included('include_parents', false) ? [] : null;
    if (field === 'children_obj') return included('include_children', false) ? [] : null;
    if (field === 'inherited_roles_obj') return included('include_inherited_roles', false) ? [] : null;
    if (field === 'children' || field === 'roles_obj') return [];
  }
  if (kind === 'certificatekeypair') {
    if (field === 'kp_uuid') return object.pk;
    if (field === 'certificate_download_url') return `/api/v3/crypto/certificatekeypairs/${object.pk}/view_certificate/?download`;
    if (field === 'private_key_download_url') return `/api/v3/crypto/certificatekeypairs/${object.pk}/view_private_key/?download`;
  }
  if ((kind === 'webhookmapping' || kind === 'propertymapping') && field === 'pm_uuid') return object.pk;
  if (kind === 'webauthndevicetype') {
    if (field === 'aaguid') return object.pk;
    if (field === 'description') return object.name;
  }
  if (kind === 'connector' && field === 'connector_uuid') return object.pk;
  // A django-filter `<field>__isnull` lookup (`managed__isnull`).
  if (field.endsWith('__isnull')) return objectValue(kind, object, field.slice(0, -'__isnull'.length), query, lookups) == null;
  return object[field];
}

/** The users the sandbox knows (the admin of `/core/users/me/`), for group member filters. */
const ADMIN = { pk: 1, username: 'akadmin' };
const ADMIN_PARTIAL = {
  pk: 1,
  username: 'akadmin',
  name: 'authentik Default Admin',
  is_active: true,
  last_login: null,
  email: 'root@localhost',
  attributes: {},
  uid: '4c9c5b0f8d1d4d7e9a1f6b3c2e5a7d9f0b1c3e5a7d9f1b3c5e7a9d1f3b5c7e9a',
};

const invalidChoice = (value: string): string[] => [`Select a valid choice. ${value} is not one of the available choices.`];

/** The FilterSet methods of a kind (`GroupFilter.filter_attributes`, `CertificateKeyPairFilter.filter_has_key`, …). */
export function objectFilter(kind: OtherKind, param: QueryParam, values: string[]): ((o: StoredOther) => boolean) | { error: unknown } | 'none' | undefined {
  if (kind === 'group') {
    if (param.name === 'attributes') {
      if (values.length === 0) return 'none';
      let wanted: unknown;
      try {
        wanted = JSON.parse(values[values.length - 1]!);
      } catch {
        return { error: ['filter: failed to parse JSON'] };
      }
      if (!wanted || typeof wanted !== 'object' || Array.isArray(wanted)) return { error: ['filter: value must be key:value mapping'] };
      return (o) => Object.entries(wanted as Record<string, unknown>).every(([key, value]) => JSON.stringify((o['attributes'] as Record<string, unknown>)?.[key]) === JSON.stringify(value));
    }
    if (param.name === 'members_by_pk' || param.name === 'members_by_username') {
      if (values.length === 0) return 'none';
      const byPk = param.name === 'members_by_pk';
      for (const value of values) {
        if (byPk && !/^\s*[0-9]+\s*$/.test(value)) return { error: { [param.name]: [`“${value}” is not a valid value.`] } };
        if (byPk ? Number(value) !== ADMIN.pk : value !== ADMIN.username) return { error: { [param.name]: invalidChoice(value) } };
      }
      return (o) => (o['users'] as number[]).includes(ADMIN.pk);
    }
  }
  if (kind === 'certificatekeypair' && param.name === 'has_key') {
    // filter_has_key: only a true value filters (a NullBooleanField: anything unknown is None).
    const value = values[values.length - 1]?.toLowerCase();
    return value === 'true' || value === '1' ? (o) => o['private_key_available'] === true : 'none';
  }
  return undefined;
}

/** One read-only list/retrieve endpoint pair. */
export interface ObjectEndpoint {
  listPath: string;
  /** The detail path as the document writes it (`/policies/all/{policy_uuid}/`). */
  detailPath: string;
  /** Which kinds of stored objects it lists (`/propertymappings/all/` lists two). */
  kinds: readonly OtherKind[];
  /** The response schema of one object. */
  schema: string;
  /** `No <label> matches the given query.` */
  label: string;
  searchFields: readonly string[];
  ordering: readonly string[];
  /** Query parameters that shape the answer rather than filter it. */
  ignoredParams?: readonly string[];
}

export const OBJECT_ENDPOINTS: readonly ObjectEndpoint[] = [
  { listPath: '/policies/all/', detailPath: '/policies/all/{policy_uuid}/', kinds: ['policy'], schema: 'Policy', label: 'Policy', searchFields: ['name'], ordering: ['name'] },
  {
    listPath: '/core/groups/',
    detailPath: '/core/groups/{group_uuid}/',
    kinds: ['group'],
    schema: 'Group',
    label: 'Group',
    searchFields: ['name', 'is_superuser'],
    ordering: ['name'],
    ignoredParams: ['include_users', 'include_children', 'include_parents', 'include_inherited_roles'],
  },
  {
    listPath: '/crypto/certificatekeypairs/',
    detailPath: '/crypto/certificatekeypairs/{kp_uuid}/',
    kinds: ['certificatekeypair'],
    schema: 'CertificateKeyPair',
    label: 'CertificateKeyPair',
    searchFields: ['name'],
    ordering: ['name'],
  },
  {
    listPath: '/propertymappings/all/',
    detailPath: '/propertymappings/all/{pm_uuid}/',
    kinds: ['webhookmapping', 'propertymapping'],
    schema: 'PropertyMapping',
    label: 'PropertyMapping',
    searchFields: ['name'],
    ordering: ['name'],
  },
  {
    listPath: '/propertymappings/notification/',
    detailPath: '/propertymappings/notification/{pm_uuid}/',
    kinds: ['webhookmapping'],
    schema: 'NotificationWebhookMapping',
    label: 'NotificationWebhookMapping',
    searchFields: ['name'],
    ordering: ['name'],
  },
  {
    listPath: '/stages/authenticator/webauthn_device_types/',
    detailPath: '/stages/authenticator/webauthn_device_types/{aaguid}/',
    kinds: ['webauthndevicetype'],
    schema: 'WebAuthnDeviceType',
    label: 'WebAuthnDeviceType',
    searchFields: ['description', 'aaguid'],
    ordering: ['description'],
  },
  // ConnectorViewSet sets no `ordering`; the sandbox orders by name.
  {
    listPath: '/endpoints/connectors/',
    detailPath: '/endpoints/connectors/{connector_uuid}/',
    kinds: ['connector'],
    schema: 'Connector',
    label: 'Connector',
    searchFields: ['name'],
    ordering: ['name'],
  },
];
