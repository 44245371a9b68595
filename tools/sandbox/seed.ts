/**
 * Seed data: the demo server the sandbox starts with, and the format of seed files (which is also
 * the format of the state file the sandbox writes with `--state`).
 *
 * Seed format (a JSON file, or the same object passed to `startSandbox({ seed })`):
 *
 *   {
 *     "demo": false,                          // also load the built-in demo data first (default:
 *                                             //   true when no seed is given at all, else false)
 *     "customEmailTemplates": ["custom/welcome.html"],   // templates the server's template dir holds
 *     "objects": {                            // things stages may reference, by kind:
 *       "policy": [{ "name": "pw", "model": "authentik_policies_password.passwordpolicy", "bound_to": 1 }],
 *       "group": [{ "name": "admins", "is_superuser": true, "users": [1], "attributes": {} }],
 *       "certificatekeypair": [{ "name": "ca", "private_key_available": false, "key_type": "rsa" }],
 *       "webhookmapping": [{ "name": "sms", "expression": "return {}" }],
 *       "propertymapping": [{ "name": "ldap-name", "model": "authentik_sources_ldap.ldapsourcepropertymapping", "managed": null }],
 *       "webauthndevicetype": [{ "pk": "<the AAGUID>", "name": "<its description>" }],
 *       "connector": [{ "name": "agent", "supportsStages": false }]   // false: EndpointStage refuses it
 *     },                                      // `model` picks the subclass (default: expression
 *                                             //   policy, OAuth source mapping, agent connector)
 *     "flows": [{ "slug": "my-flow", "name": "My flow", "title": "Welcome",
 *                 "designation": "authentication", "pk": "<optional>" }],
 *     "sources": [{ "model": "authentik_sources_oauth.oauthsource", "slug": "github", "name": "GitHub" }],
 *     "prompts": [{ "name": "username", "field_key": "username", "label": "Username", "type": "username" }],
 *     "stages": [{ "model": "authentik_stages_identification.identificationstage", "name": "login",
 *                  "user_fields": ["username"], "password_stage": "login-password", "sources": ["github"] }],
 *     "bindings": [{ "target": "my-flow", "stage": "login", "order": 10 }],   // "flow" works for "target"
 *     "generate": [{ "model": "authentik_stages_dummy.dummystage", "count": 5000, "namePrefix": "bench-" }]
 *   }
 *
 * Every list is optional. `pk`s are optional (random UUIDs otherwise). Stage and prompt fields
 * not given get the model's defaults; fields are stored as given (a seed is trusted, not
 * validated), except that unknown field names are refused. Related fields may name their object
 * instead of giving its pk: flows and sources by slug, stages and prompts by name, other objects
 * by name.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { StageType } from './catalog';
import { isCanonicalUuid } from './pyconvert';
import { OTHER_KINDS, type OtherKind } from './stageRules';
import type { GenerateSpec, NewFlow, NewPrompt, NewSource, NewStage, SandboxStore, StoredOther } from './store';

export interface SeedObject {
  pk?: string;
  name: string;
  [field: string]: unknown;
}

/** A binding: `target` (or `flow`) is the flow's slug or pk, `stage` the stage's name or pk. */
export interface SeedBinding {
  pk?: string;
  target?: string;
  flow?: string;
  stage: string;
  order?: number;
  [field: string]: unknown;
}

export interface SeedData {
  demo?: boolean;
  customEmailTemplates?: string[];
  objects?: Partial<Record<OtherKind, SeedObject[]>>;
  flows?: NewFlow[];
  sources?: NewSource[];
  prompts?: NewPrompt[];
  stages?: NewStage[];
  bindings?: SeedBinding[];
  generate?: GenerateSpec[];
}

/** Reads a seed file (JSON). */
export function readSeedFile(path: string): SeedData {
  const data = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error(`${path}: a seed file holds one JSON object`);
  return data as SeedData;
}

/** A stable UUID for a demo object (so demo pks are the same on every start). */
export function demoUuid(name: string): string {
  const hex = createHash('sha1').update(`authentik-sandbox:${name}`).digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const BACKENDS = ['authentik.core.auth.InbuiltBackend', 'authentik.core.auth.TokenBackend', 'authentik.sources.ldap.auth.LDAPBackend'];

/**
 * The demo server: three default flows, their stages, two prompts, two sources, and the objects
 * stages reference (policies, groups, certificate key pairs, property mappings, WebAuthn device
 * types, a connector), referenced from the demo stages the way authentik's blueprints would.
 */
export function demoSeed(): SeedData {
  const id = demoUuid;
  return {
    objects: {
      policy: [
        { pk: id('policy:default-password-change-password-policy'), model: 'authentik_policies_password.passwordpolicy', name: 'default-password-change-password-policy' },
        { pk: id('policy:default-source-enrollment-if-sso'), model: 'authentik_policies_expression.expressionpolicy', name: 'default-source-enrollment-if-sso', bound_to: 1 },
        { pk: id('policy:default-recovery-skip-if-restored'), model: 'authentik_policies_expression.expressionpolicy', name: 'default-recovery-skip-if-restored' },
        { pk: id('policy:demo-reputation'), model: 'authentik_policies_reputation.reputationpolicy', name: 'demo-reputation-policy', execution_logging: true },
      ],
      group: [
        { pk: id('group:authentik Admins'), name: 'authentik Admins', is_superuser: true, users: [1] },
        { pk: id('group:demo-enrolled-users'), name: 'demo-enrolled-users', attributes: { enrolled: true } },
        { pk: id('group:demo-support'), name: 'demo-support', attributes: { team: 'support' } },
      ],
      certificatekeypair: [
        {
          pk: id('cert:self-signed'),
          name: 'authentik Self-signed Certificate',
          cert_subject: 'CN=authentik Self-signed Certificate,OU=Self-signed',
          cert_expiry: '2027-12-01T00:00:00Z',
          fingerprint_sha256: 'b1:6e:57:3c:0d:8a:f2:94:7e:11:c5:39:ab:64:20:9f:d3:48:e2:71:06:bc:5a:f8:93:2d:c7:41:0e:b6:58:fa',
          fingerprint_sha1: '4a:07:91:cc:3e:58:b2:f0:6d:1a:84:e9:75:23:bf:c6:08:9d:51:ee',
          key_type: 'rsa',
          private_key_available: true,
        },
        {
          pk: id('cert:demo-client-ca'),
          name: 'demo-client-ca',
          cert_subject: 'CN=Demo Client CA,O=Example Corp',
          cert_expiry: '2030-06-30T00:00:00Z',
          fingerprint_sha256: '0f:3c:a9:42:de:71:58:b6:e0:24:9d:c3:17:8a:f5:62:4b:e8:d0:39:a6:5f:11:c2:7e:84:93:b5:2a:6d:f0:cc',
          fingerprint_sha1: 'e2:58:1b:7c:a0:d4:39:6f:85:c1:2e:90:47:b3:fa:6d:03:e8:5c:71',
          key_type: 'ec',
          private_key_available: false,
        },
      ],
      webhookmapping: [{ pk: id('mapping:sms'), name: 'demo-sms-webhook-mapping', expression: 'return {"to": context["phone_number"], "body": context["body"]}' }],
      propertymapping: [
        { pk: id('mapping:ldap-name'), model: 'authentik_sources_ldap.ldapsourcepropertymapping', name: 'authentik default LDAP Mapping: Name', managed: 'goauthentik.io/sources/ldap/default-name', expression: 'return {"name": ldap.get("name")}' },
        { pk: id('mapping:ldap-mail'), model: 'authentik_sources_ldap.ldapsourcepropertymapping', name: 'authentik default LDAP Mapping: mail', managed: 'goauthentik.io/sources/ldap/default-mail', expression: 'return {"email": ldap.get("mail")}' },
        { pk: id('mapping:github-username'), model: 'authentik_sources_oauth.oauthsourcepropertymapping', name: 'demo-github-username', expression: 'return {"username": info.get("login")}' },
      ],
      // Real AAGUIDs (the FIDO metadata service's), so hover shows what authentik would.
      webauthndevicetype: [
        { pk: 'cb69481e-8ff7-4039-93ec-0a2729a154a8', name: 'YubiKey 5 Series' },
        { pk: 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4', name: 'Google Password Manager' },
        { pk: 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd', name: 'iCloud Keychain' },
        { pk: '08987058-cadc-4b81-b6e1-30de50dcbe96', name: 'Windows Hello' },
      ],
      connector: [{ pk: id('connector:agent'), name: 'demo-agent-connector' }],
    },
    flows: [
      {
        pk: id('flow:default-authentication-flow'),
        slug: 'default-authentication-flow',
        name: 'Welcome to authentik!',
        title: 'Welcome to authentik!',
        designation: 'authentication',
      },
      { pk: id('flow:default-recovery-flow'), slug: 'default-recovery-flow', name: 'Default recovery flow', title: 'Reset your password', designation: 'recovery' },
      { pk: id('flow:default-enrollment-flow'), slug: 'default-enrollment-flow', name: 'Default enrollment Flow', title: 'Welcome to authentik!', designation: 'enrollment' },
    ],
    sources: [
      { pk: id('source:github'), model: 'authentik_sources_oauth.oauthsource', slug: 'github', name: 'GitHub' },
      { pk: id('source:corporate-ldap'), model: 'authentik_sources_ldap.ldapsource', slug: 'corporate-ldap', name: 'Corporate LDAP' },
    ],
    prompts: [
      { pk: id('prompt:username'), name: 'default-enrollment-field-username', field_key: 'username', label: 'Username', type: 'username', placeholder: 'Username', order: 0 },
      { pk: id('prompt:password'), name: 'default-enrollment-field-password', field_key: 'password', label: 'Password', type: 'password', placeholder: 'Password', order: 1 },
    ],
    stages: [
      {
        pk: id('stage:default-authentication-identification'),
        model: 'authentik_stages_identification.identificationstage',
        name: 'default-authentication-identification',
        user_fields: ['username', 'email'],
        password_stage: 'default-authentication-password',
        sources: ['github'],
        enrollment_flow: 'default-enrollment-flow',
        recovery_flow: 'default-recovery-flow',
      },
      { pk: id('stage:default-authentication-password'), model: 'authentik_stages_password.passwordstage', name: 'default-authentication-password', backends: BACKENDS },
      {
        pk: id('stage:default-authentication-mfa-validation'),
        model: 'authentik_stages_authenticator_validate.authenticatorvalidatestage',
        name: 'default-authentication-mfa-validation',
        device_classes: ['static', 'totp', 'webauthn'],
        not_configured_action: 'skip',
        webauthn_allowed_device_types: ['YubiKey 5 Series', 'Windows Hello'],
      },
      { pk: id('stage:default-authentication-login'), model: 'authentik_stages_user_login.userloginstage', name: 'default-authentication-login', session_duration: 'seconds=0' },
      {
        pk: id('stage:default-recovery-identification'),
        model: 'authentik_stages_identification.identificationstage',
        name: 'default-recovery-identification',
        user_fields: ['email', 'username'],
      },
      {
        pk: id('stage:default-recovery-email'),
        model: 'authentik_stages_email.emailstage',
        name: 'default-recovery-email',
        use_global_settings: true,
        subject: 'authentik password recovery',
        template: 'email/password_reset.html',
        token_expiry: 'minutes=30',
        password: 'demo-smtp-password',
      },
      {
        pk: id('stage:default-enrollment-prompt'),
        model: 'authentik_stages_prompt.promptstage',
        name: 'default-enrollment-prompt',
        fields: ['default-enrollment-field-username', 'default-enrollment-field-password'],
        validation_policies: ['default-password-change-password-policy'],
      },
      {
        pk: id('stage:default-enrollment-consent'),
        model: 'authentik_stages_consent.consentstage',
        name: 'default-enrollment-consent',
        mode: 'expiring',
        consent_expire_in: 'weeks=4',
      },
      {
        pk: id('stage:default-enrollment-user-write'),
        model: 'authentik_stages_user_write.userwritestage',
        name: 'default-enrollment-user-write',
        user_creation_mode: 'always_create',
        create_users_group: 'demo-enrolled-users',
      },
      { pk: id('stage:default-deny'), model: 'authentik_stages_deny.denystage', name: 'default-deny', deny_message: 'Access denied.' },
    ],
    bindings: [
      { target: 'default-authentication-flow', stage: 'default-authentication-identification', order: 10 },
      { target: 'default-authentication-flow', stage: 'default-authentication-password', order: 20 },
      { target: 'default-authentication-flow', stage: 'default-authentication-mfa-validation', order: 30 },
      { target: 'default-authentication-flow', stage: 'default-authentication-login', order: 100 },
      { target: 'default-recovery-flow', stage: 'default-recovery-identification', order: 10 },
      { target: 'default-recovery-flow', stage: 'default-recovery-email', order: 20 },
      { target: 'default-recovery-flow', stage: 'default-authentication-login', order: 100 },
      { target: 'default-enrollment-flow', stage: 'default-enrollment-prompt', order: 10 },
      { target: 'default-enrollment-flow', stage: 'default-enrollment-consent', order: 20 },
      { target: 'default-enrollment-flow', stage: 'default-enrollment-user-write', order: 30 },
      { target: 'default-enrollment-flow', stage: 'default-authentication-login', order: 100 },
    ].map((b) => ({ ...b, pk: demoUuid(`binding:${b.target}:${b.order}`) })),
  };
}

/** Resolves a related value given by name/slug to a pk (pks pass through). */
function resolveReference(store: SandboxStore, target: string, value: unknown, where: string): unknown {
  if (typeof value !== 'string' || isCanonicalUuid(value.toLowerCase())) return typeof value === 'string' ? value.toLowerCase() : value;
  let pk: string | undefined;
  if (target === 'flow') pk = store.getFlow(value)?.pk;
  else if (target === 'source') pk = store.getSource(value)?.pk;
  else if (target === 'prompt') pk = store.findPromptByName(value)?.pk;
  else if (target === 'stage' || target.startsWith('stage:')) pk = store.findStageByName(value)?.pk;
  else pk = store.listObjects(target as OtherKind).find((o) => o.name === value)?.pk;
  if (!pk) throw new Error(`seed: ${where}: no ${target} named ${JSON.stringify(value)}`);
  return pk;
}

function checkFields(type: StageType, values: Record<string, unknown>, where: string): void {
  for (const key of Object.keys(values)) {
    if (key !== 'name' && !type.fieldByName.has(key)) throw new Error(`seed: ${where}: ${type.model} has no writable field ${JSON.stringify(key)}`);
  }
}

/** Splits values into those without stage references (inserted first) and the stage references (set once every stage exists). */
function splitReferences(store: SandboxStore, type: StageType, values: Record<string, unknown>, where: string): { now: Record<string, unknown>; later: Record<string, unknown> } {
  const now: Record<string, unknown> = {};
  const later: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const field = type.fieldByName.get(key);
    const target = field?.target;
    if (!target || value === null || value === undefined) {
      now[key] = value;
      continue;
    }
    if (target === 'stage' || target.startsWith('stage:')) later[key] = value;
    else now[key] = Array.isArray(value) ? value.map((v) => resolveReference(store, target, v, `${where}.${key}`)) : resolveReference(store, target, value, `${where}.${key}`);
  }
  return { now, later };
}

/** Loads seed data (or a state file's content) into the store, in one change. */
export function applySeed(store: SandboxStore, seed: SeedData): void {
  store.batch(() => {
    if (seed.demo) applySeed(store, demoSeed());
    if (seed.customEmailTemplates) store.customEmailTemplates = [...store.customEmailTemplates, ...seed.customEmailTemplates];
    for (const kind of OTHER_KINDS) for (const object of seed.objects?.[kind] ?? []) store.addObject(kind, object as StoredOther);
    for (const flow of seed.flows ?? []) store.addFlow(flow);
    for (const source of seed.sources ?? []) {
      const { authentication_flow: auth, enrollment_flow: enroll, ...rest } = source;
      const resolved: NewSource = { ...rest };
      if (auth !== undefined) resolved['authentication_flow'] = resolveReference(store, 'flow', auth, `source ${source.slug}.authentication_flow`);
      if (enroll !== undefined) resolved['enrollment_flow'] = resolveReference(store, 'flow', enroll, `source ${source.slug}.enrollment_flow`);
      store.addSource(resolved);
    }
    for (const prompt of seed.prompts ?? []) {
      const promptType = store.typeOf('Prompt');
      const { pk, model: _model, ...values } = prompt;
      checkFields(promptType, values, `prompt ${prompt.name}`);
      store.insert(promptType, values, pk);
    }
    const deferred: Array<{ pk: string; type: StageType; later: Record<string, unknown>; where: string }> = [];
    for (const stage of seed.stages ?? []) {
      const { pk, model, ...values } = stage;
      const type = store.typeOf(model);
      const where = `stage ${stage.name}`;
      checkFields(type, values, where);
      const { now, later } = splitReferences(store, type, values, where);
      const created = store.insert(type, now, pk);
      if (Object.keys(later).length > 0) deferred.push({ pk: created.pk, type, later, where });
    }
    for (const { pk, type, later, where } of deferred) {
      const resolved: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(later)) {
        const target = type.fieldByName.get(key)!.target!;
        resolved[key] = Array.isArray(value) ? value.map((v) => resolveReference(store, target, v, `${where}.${key}`)) : resolveReference(store, target, value, `${where}.${key}`);
      }
      store.update(pk, resolved);
    }
    for (const binding of seed.bindings ?? []) {
      const { flow, target, ...rest } = binding;
      const flowRef = target ?? flow;
      if (!flowRef) throw new Error(`seed: binding of ${binding.stage}: "target" (the flow) is missing`);
      store.bindStage({ ...rest, stage: binding.stage, target: flowRef });
    }
    for (const spec of seed.generate ?? []) store.addStages(spec);
  });
}
