/**
 * Response bodies, shaped by the OpenAPI response schemas: every property of the schema in
 * document order, stored values for writable fields, computed values for read-only ones (`pk`,
 * `component`, `verbose_name`, `verbose_name_plural`, `meta_model_name`, `flow_set`, …), and an
 * empty value of the right type for anything the sandbox does not model. Write-only fields are
 * not in response schemas, so they are never returned.
 */
import type { Catalog, ResponseProperty, StageType } from './catalog';
import { responseProperties } from './catalog';
import { ServerError } from './drfFields';
import { objectValue } from './objectKinds';
import { emptyValueFor, resolve, type JsonSchema } from './openapi';
import { OTHER_KINDS, type OtherKind } from './stageRules';
import type { SandboxStore, StoredBinding, StoredFlow, StoredSource } from './store';

type Values = Readonly<Record<string, unknown>>;

const NO_QUERY = new URLSearchParams();

/** Source models → verbose name and admin form. */
const SOURCE_INFO: Readonly<Record<string, { verbose: string; component: string }>> = {
  'authentik_sources_oauth.oauthsource': { verbose: 'OAuth Source', component: 'ak-source-oauth-form' },
  'authentik_sources_saml.samlsource': { verbose: 'SAML Source', component: 'ak-source-saml-form' },
  'authentik_sources_ldap.ldapsource': { verbose: 'LDAP Source', component: 'ak-source-ldap-form' },
  'authentik_sources_plex.plexsource': { verbose: 'Plex Source', component: 'ak-source-plex-form' },
  'authentik_sources_scim.scimsource': { verbose: 'SCIM Source', component: 'ak-source-scim-form' },
  'authentik_sources_kerberos.kerberossource': { verbose: 'Kerberos Source', component: 'ak-source-kerberos-form' },
  'authentik_sources_telegram.telegramsource': { verbose: 'Telegram Source', component: 'ak-source-telegram-form' },
};

/** DRF's JSON renderer is strict: a NaN or infinite float in a response is a server error. */
function checkFinite(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new ServerError('Out of range float values are not JSON compliant');
  return value;
}

export class Renderer {
  private readonly props = new Map<string, ResponseProperty[]>();

  constructor(
    private readonly catalog: Catalog,
    private readonly store: SandboxStore,
  ) {}

  private propsOf(schemaName: string): ResponseProperty[] {
    let props = this.props.get(schemaName);
    if (!props) {
      props = this.catalog.api.schemas[schemaName] ? responseProperties(this.catalog.api, schemaName) : [];
      this.props.set(schemaName, props);
    }
    return props;
  }

  /**
   * Renders `props`, asking `valueOf` for each: undefined gives an empty value of the property's
   * type (model serializers always answer every field), or, with `omitOptional`, leaves a
   * property out that the schema does not require (plain serializers skip what they lack).
   */
  private shape(props: readonly ResponseProperty[], valueOf: (name: string, schema: JsonSchema) => unknown, omitOptional = false): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const prop of props) {
      const value = valueOf(prop.name, prop.schema);
      if (value === undefined && omitOptional && !prop.required) continue;
      out[prop.name] = value === undefined ? emptyValueFor(this.catalog.api, prop.schema) : checkFinite(value);
    }
    return out;
  }

  /** A model serializer's answer: every property of the schema, each from `valueOf` (undefined: an empty value of its type). */
  fromValues(schemaName: string, valueOf: (name: string) => unknown): Record<string, unknown> {
    return this.shape(this.propsOf(schemaName), valueOf);
  }

  /** Any component schema from plain values (`Version`, `SessionUser`, …); nested `$ref` objects recurse; optional properties without a value are left out. */
  bySchema(schemaName: string, values: Values): Record<string, unknown> {
    if (!this.catalog.api.schemas[schemaName]?.['properties']) return { ...values }; // a document without it: the values as they are
    return this.shape(
      this.propsOf(schemaName),
      (name, schema) => {
        const value = values[name];
        const ref = this.refOf(schema);
        if (ref && value && typeof value === 'object' && !Array.isArray(value)) return this.bySchema(ref, value as Values);
        const items = schema['type'] === 'array' ? this.refOf(resolve(this.catalog.api, schema)['items'] as JsonSchema) : undefined;
        if (items && Array.isArray(value)) return value.map((v) => (v && typeof v === 'object' ? this.bySchema(items, v as Values) : v));
        return value;
      },
      true,
    );
  }

  private refOf(schema: JsonSchema | undefined): string | undefined {
    if (!schema) return undefined;
    const direct = schema['$ref'] ?? (Array.isArray(schema['allOf']) ? (schema['allOf'][0] as JsonSchema | undefined)?.['$ref'] : undefined);
    if (typeof direct !== 'string') return undefined;
    const name = direct.split('/').pop()!;
    return this.catalog.api.schemas[name]?.['properties'] ? name : undefined;
  }

  /** The computed read-only fields every stage serializer has. */
  private stageComputed(type: StageType, pk: string, name: string): unknown {
    switch (name) {
      case 'pk':
        return pk;
      case 'component':
        return type.component;
      case 'verbose_name':
        return type.verboseName;
      case 'verbose_name_plural':
        return type.verboseNamePlural;
      case 'meta_model_name':
        return type.model;
      case 'flow_set':
        return this.store.flowsOfStage(pk).map((flow) => this.flow(flow, 'FlowSet'));
      default:
        return undefined;
    }
  }

  /** A stage or prompt, as its own endpoint answers it. */
  object(entry: { pk: string; type: StageType; values: Values }): Record<string, unknown> {
    const { type, pk, values } = entry;
    return this.shape(type.response, (name, schema) => {
      const computed = this.stageComputed(type, pk, name);
      if (computed !== undefined) return computed;
      if (name.endsWith('_obj')) {
        const related = this.relatedObjects(type, name.slice(0, -'_obj'.length), values, schema);
        if (related !== undefined) return related;
      }
      if (name === 'prompt_stages_obj') {
        const promptStage = this.catalog.byTypeName.get('PromptStage');
        if (!promptStage) return [];
        return this.store
          .entries(promptStage)
          .filter((e) => Array.isArray(e.values['fields']) && (e.values['fields'] as unknown[]).includes(pk))
          .map((e) => this.object(e));
      }
      return type.fieldByName.get(name)?.writeOnly ? undefined : values[name];
    });
  }

  /**
   * A read-only `<field>_obj` (`connector_obj`, `webauthn_allowed_device_types_obj`): the objects a
   * reference field names, in the nested schema. Undefined when the field is no such reference.
   */
  private relatedObjects(type: StageType, field: string, values: Values, schema: JsonSchema): unknown {
    const target = type.fieldByName.get(field)?.target;
    if (!target || !(OTHER_KINDS as readonly string[]).includes(target)) return undefined;
    const kind = target as OtherKind;
    const nested = this.refOf(schema) ?? this.refOf(resolve(this.catalog.api, schema)['items'] as JsonSchema | undefined);
    if (!nested) return undefined;
    const render = (pk: unknown): Record<string, unknown> | null => {
      const object = typeof pk === 'string' ? this.store.objectEntries(kind).find((o) => o.pk === pk) : undefined;
      return object ? this.fromValues(nested, (name) => objectValue(kind, object, name, NO_QUERY, this.store)) : null;
    };
    const value = values[field];
    return Array.isArray(value) ? value.map(render).filter((o) => o !== null) : render(value);
  }

  /** A stage as `/stages/all/` answers it (the polymorphic `Stage` serializer). */
  stageAll(entry: { pk: string; type: StageType; values: Values }): Record<string, unknown> {
    return this.shape(this.catalog.stageResponse, (name) => this.stageComputed(entry.type, entry.pk, name) ?? entry.values[name]);
  }

  /** A flow as `Flow` (default) or `FlowSet`. */
  flow(flow: StoredFlow, schemaName = 'Flow'): Record<string, unknown> {
    return this.shape(this.propsOf(schemaName), (name) => {
      switch (name) {
        case 'pk':
        case 'policybindingmodel_ptr_id':
          return flow.pk;
        case 'background_url':
          return (flow['background'] as string | undefined) || '/static/dist/assets/images/flow_background.jpg';
        case 'background_themed_urls':
          return null;
        case 'stages':
          return this.store.stagesOfFlow(flow.pk);
        case 'policies':
          return [];
        case 'cache_count':
          return 0;
        case 'export_url':
          return `/api/v3/flows/instances/${flow.slug}/export/`;
        default:
          return flow[name];
      }
    });
  }

  binding(binding: StoredBinding): Record<string, unknown> {
    return this.shape(this.propsOf('FlowStageBinding'), (name) => {
      if (name === 'pk' || name === 'policybindingmodel_ptr_id') return binding.pk;
      if (name === 'stage_obj') {
        const entry = this.store.entry(binding.stage);
        return entry ? this.stageAll(entry) : undefined;
      }
      return binding[name];
    });
  }

  source(source: StoredSource): Record<string, unknown> {
    const info = SOURCE_INFO[source.model] ?? { verbose: source.model.split('.')[1] ?? source.model, component: 'ak-source-form' };
    return this.shape(this.propsOf('Source'), (name) => {
      switch (name) {
        case 'pk':
          return source.pk;
        case 'component':
          return info.component;
        case 'verbose_name':
          return info.verbose;
        case 'verbose_name_plural':
          return `${info.verbose}s`;
        case 'meta_model_name':
          return source.model;
        case 'managed':
        case 'icon_url':
        case 'icon_themed_urls':
          return source[name] ?? null;
        default:
          return source[name];
      }
    });
  }
}
