/**
 * The shapes the authentik API answers with, typed after the OpenAPI schemas of authentik 2026.8
 * (`node_modules/@goauthentik/api/schema.yml`). Only what the extension and the command line read
 * is spelled out; every object keeps an index signature for the rest, so a newer server's extra
 * fields pass through untouched.
 */

/** Any JSON value: what a request body may hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A stage's request body: the writable fields of its `<Type>Request` schema. */
export type StageRequestBody = Record<string, unknown>;

/** `Pagination` (authentik's own paginator: `next`/`previous` are page numbers, 0 when there is none). */
export interface Pagination {
  count: number;
  current: number;
  total_pages: number;
  next: number;
  previous: number;
  start_index: number;
  end_index: number;
}

/** `Paginated<Type>List`: one page of a list endpoint. */
export interface Paginated<T> {
  pagination: Pagination;
  results: T[];
  /** Present on authentik's list responses (search autocomplete data); opaque here. */
  autocomplete?: Record<string, unknown>;
}

/** `FlowSet`: the stripped-down flow a stage is bound to (read-only `flow_set` of a stage). */
export interface FlowSetEntry {
  pk: string;
  policybindingmodel_ptr_id?: string;
  name: string;
  slug: string;
  title: string;
  designation: FlowDesignation;
  background_url?: string;
  policy_engine_mode?: PolicyEngineMode;
  compatibility_mode?: boolean;
  export_url?: string;
  layout?: string;
  denied_action?: string;
  [field: string]: unknown;
}

/**
 * Any stage as the API returns it (`Stage` plus the type's own fields). `pk` is the stage UUID;
 * `component`, `verbose_name`, `verbose_name_plural`, `meta_model_name` and `flow_set` are read-only.
 */
export interface StageObject {
  pk: string;
  name: string;
  component?: string;
  verbose_name?: string;
  verbose_name_plural?: string;
  meta_model_name?: string;
  flow_set?: FlowSetEntry[];
  [field: string]: unknown;
}

/** `TypeCreate`: one creatable stage type from `/stages/all/types/`. */
export interface StageType {
  /** Display name, e.g. "Email Stage". */
  name: string;
  description: string;
  /** The admin UI's form component, e.g. `ak-stage-email-form`. */
  component: string;
  /** The model name without the app, e.g. `emailstage`. */
  model_name: string;
  icon_url?: string;
  requires_enterprise?: boolean;
  deprecated?: boolean;
  [field: string]: unknown;
}

/**
 * One email template from `/stages/email/templates/` (also a `TypeCreate`): `name` is the value a
 * stage's `template` field takes (e.g. `email/password_reset.html`), `description` its label.
 */
export interface EmailTemplate {
  name: string;
  description: string;
  component?: string;
  model_name?: string;
  [field: string]: unknown;
}

/** `Version` from `/admin/version/`. */
export interface Version {
  version_current: string;
  version_latest: string;
  version_latest_valid: boolean;
  build_hash: string;
  outdated: boolean;
  outpost_outdated: boolean;
  [field: string]: unknown;
}

export type UserType = 'internal' | 'external' | 'service_account' | 'internal_service_account';

/** `UserSelf`: the user a token belongs to. */
export interface UserSelf {
  pk: number;
  username: string;
  name: string;
  is_active: boolean;
  is_superuser: boolean;
  is_current?: boolean;
  groups: Array<{ name: string; pk: string }>;
  roles?: Array<{ name: string; pk: string }>;
  email?: string;
  avatar?: string;
  uid: string;
  settings?: Record<string, unknown>;
  type?: UserType;
  system_permissions?: string[];
  [field: string]: unknown;
}

/** `SessionUser` from `/core/users/me/`: `original` is set while impersonating. */
export interface SessionUser {
  user: UserSelf;
  original?: UserSelf;
  users?: UserSelf[];
  [field: string]: unknown;
}

export type FlowDesignation =
  | 'authentication'
  | 'authorization'
  | 'invalidation'
  | 'enrollment'
  | 'unenrollment'
  | 'recovery'
  | 'stage_configuration';

export type PolicyEngineMode = 'all' | 'any';

/** `Flow` from `/flows/instances/`. */
export interface Flow {
  pk: string;
  policybindingmodel_ptr_id?: string;
  name: string;
  slug: string;
  title: string;
  designation: FlowDesignation;
  background?: string;
  background_url?: string;
  stages?: string[];
  policies?: string[];
  cache_count?: number;
  policy_engine_mode?: PolicyEngineMode;
  compatibility_mode?: boolean;
  export_url?: string;
  layout?: string;
  denied_action?: string;
  authentication?: string;
  [field: string]: unknown;
}

/** `FlowStageBinding` from `/flows/bindings/`: `target` is the flow's pk, `stage` the stage's. */
export interface FlowStageBinding {
  pk: string;
  policybindingmodel_ptr_id?: string;
  target: string;
  stage: string;
  stage_obj?: StageObject;
  evaluate_on_plan?: boolean;
  re_evaluate_policies?: boolean;
  order: number;
  policy_engine_mode?: PolicyEngineMode;
  invalid_response_action?: 'retry' | 'restart' | 'restart_with_context';
  [field: string]: unknown;
}

export type UsedByAction = 'cascade' | 'cascade_many' | 'set_null' | 'set_default' | 'left_dangling';

/** `UsedBy`: one object that references the queried one (what deleting it would affect). */
export interface UsedBy {
  app: string;
  model_name: string;
  pk: string;
  name: string;
  action: UsedByAction;
  [field: string]: unknown;
}
