/**
 * The authentik API under `/api/v3/`: routes, authentication, and the handlers of every endpoint
 * the sandbox serves. Transport-free: a request in, a response out (`server.ts` does the HTTP).
 *
 * Order of checks, as in Django/DRF: an unknown URL is 404 before anything else (a missing
 * trailing slash is a 301 to the slashed URL); then authentication (403); then the method (405);
 * then the object lookup (404), the body (415/400) and validation (400).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Catalog, StageType } from './catalog';
import { ServerError } from './drfFields';
import { OBJECT_ENDPOINTS, objectFilter, objectValue, type ObjectEndpoint } from './objectKinds';
import { listItems, paginate, type ListResult, type ListSpec, type PageSettings } from './listing';
import { allowsAnonymous, filterParams, type QueryParam } from './openapi';
import { uuidFromHex } from './pyconvert';
import { toPlain } from './pyjson';
import { Renderer } from './render';
import { parseRequestBody, validateBody } from './serializer';
import { BUILTIN_EMAIL_TEMPLATES, customTemplateDescription, type OtherKind } from './stageRules';
import type { SandboxStore, StoredBinding, StoredFlow, StoredOther, StoredSource } from './store';

export interface ApiRequest {
  method: string;
  /** Path below the host, e.g. `/api/v3/stages/email/`. */
  pathname: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** The body as sent. */
  text: string;
  /** The request body as parsed (for the request log), when it was JSON. */
  requestBody?: unknown;
}

export interface RouterOptions {
  catalog: Catalog;
  store: SandboxStore;
  token: string;
  pages: PageSettings;
  enterpriseLicensed: boolean;
}

type Params = Record<string, string>;
interface Ctx {
  req: ApiRequest;
  params: Params;
  /** Set by handlers that parsed a body. */
  parsedBody?: unknown;
}
type Handler = (ctx: Ctx) => ApiResponse;

interface Route {
  segments: string[];
  /** OpenAPI path (for `security`). */
  docPath: string;
  methods: Partial<Record<string, Handler>>;
}

const API_PREFIX = '/api/v3';

function json(status: number, body: unknown, extraHeaders: Record<string, string> = {}): ApiResponse {
  return { status, headers: { 'Content-Type': 'application/json', ...extraHeaders }, text: JSON.stringify(body) };
}

function detail(status: number, message: string, extraHeaders: Record<string, string> = {}): ApiResponse {
  return json(status, { detail: message }, extraHeaders);
}

export function serverErrorResponse(): ApiResponse {
  return { status: 500, headers: { 'Content-Type': 'text/html; charset=utf-8' }, text: '<h1>Server Error (500)</h1>' };
}

const ADMIN_USER = {
  pk: 1,
  username: 'akadmin',
  name: 'authentik Default Admin',
  is_active: true,
  is_superuser: true,
  is_current: true,
  groups: [{ pk: 'b9f87c6e-9a3b-4e2f-a1a5-6d3c2e1f0a01', name: 'authentik Admins' }],
  roles: [],
  email: 'root@localhost',
  avatar: 'data:image/svg+xml;base64,',
  uid: '4c9c5b0f8d1d4d7e9a1f6b3c2e5a7d9f0b1c3e5a7d9f1b3c5e7a9d1f3b5c7e9a',
  settings: {},
  type: 'internal',
  system_permissions: [],
};

export class ApiRouter {
  private readonly routes: Route[] = [];
  private readonly renderer: Renderer;
  private readonly listCache = new Map<string, { version: number; items: unknown[] }>();

  constructor(private readonly options: RouterOptions) {
    this.renderer = new Renderer(options.catalog, options.store);
    this.buildRoutes();
  }

  // ---- routing -----------------------------------------------------------------------------

  private add(docPath: string, methods: Partial<Record<string, Handler>>): void {
    this.routes.push({ docPath, segments: docPath.split('/').filter(Boolean), methods });
  }

  private buildRoutes(): void {
    const { catalog, store } = this.options;
    this.add('/schema/', { GET: (c) => this.schema(c) });
    this.add('/admin/version/', { GET: () => this.version() });
    this.add('/core/users/me/', { GET: () => json(200, this.renderer.bySchema('SessionUser', { user: ADMIN_USER, users: [ADMIN_USER] })) });
    this.add('/stages/all/', { GET: (c) => this.listStagesAll(c) });
    this.add('/stages/all/types/', { GET: () => this.stageTypes() });
    this.add('/stages/all/{stage_uuid}/', {
      GET: (c) => this.withStage(c, undefined, (entry) => json(200, this.renderer.stageAll(entry))),
      DELETE: (c) => this.withStage(c, undefined, (entry) => this.destroy(entry.pk)),
    });
    this.add('/stages/all/{stage_uuid}/used_by/', { GET: (c) => this.withStage(c, undefined, (entry) => json(200, store.usedBy(entry.pk))) });
    this.add('/stages/email/templates/', { GET: () => this.templates() });
    for (const type of catalog.types) {
      const list: Partial<Record<string, Handler>> = {};
      if (type.listMethods.includes('get')) list['GET'] = (c) => this.listType(c, type);
      if (type.listMethods.includes('post')) list['POST'] = (c) => this.create(c, type);
      this.add(type.listPath, list);
      if (!type.detailPath) continue;
      const detailMethods: Partial<Record<string, Handler>> = {};
      if (type.detailMethods.includes('get')) detailMethods['GET'] = (c) => this.withStage(c, type, (entry) => json(200, this.renderer.object(entry)));
      if (type.detailMethods.includes('put')) detailMethods['PUT'] = (c) => this.update(c, type, false);
      if (type.detailMethods.includes('patch')) detailMethods['PATCH'] = (c) => this.update(c, type, true);
      if (type.detailMethods.includes('delete')) detailMethods['DELETE'] = (c) => this.withStage(c, type, (entry) => this.destroy(entry.pk));
      this.add(type.detailPath, detailMethods);
      if (type.hasUsedBy) this.add(`${type.detailPath}used_by/`, { GET: (c) => this.withStage(c, type, (entry) => json(200, store.usedBy(entry.pk))) });
    }
    this.add('/flows/instances/', { GET: (c) => this.listFlows(c) });
    this.add('/flows/instances/{slug}/', { GET: (c) => this.withFlow(c, (flow) => json(200, this.renderer.flow(flow))) });
    this.add('/flows/instances/{slug}/used_by/', { GET: (c) => this.withFlow(c, (flow) => json(200, store.usedBy(flow.pk))) });
    this.add('/flows/bindings/', { GET: (c) => this.listBindings(c) });
    this.add('/flows/bindings/{fsb_uuid}/', { GET: (c) => this.withBinding(c, (b) => json(200, this.renderer.binding(b))) });
    this.add('/sources/all/', { GET: (c) => this.listSources(c) });
    this.add('/sources/all/{slug}/', { GET: (c) => this.withSource(c, (s) => json(200, this.renderer.source(s))) });
    for (const endpoint of OBJECT_ENDPOINTS) {
      // Only what this authentik version has (2025.8 has no endpoint connectors).
      if (!catalog.api.paths[endpoint.listPath]) continue;
      this.add(endpoint.listPath, { GET: (c) => this.listObjects(c, endpoint) });
      if (catalog.api.paths[endpoint.detailPath]) this.add(endpoint.detailPath, { GET: (c) => this.withObject(c, endpoint, (kind, o) => json(200, this.renderObject(endpoint, kind, o, c))) });
      const usedBy = `${endpoint.detailPath}used_by/`;
      if (catalog.api.paths[usedBy]) this.add(usedBy, { GET: (c) => this.withObject(c, endpoint, (_kind, o) => json(200, store.usedBy(o.pk))) });
    }
    // Literal segments win over parameters (`/stages/all/types/` before `/stages/all/{stage_uuid}/`).
    const params = (r: Route): number => r.segments.filter((s) => s.startsWith('{')).length;
    this.routes.sort((a, b) => params(a) - params(b));
  }

  private match(pathname: string): { route: Route; params: Params } | undefined {
    const segments = pathname.split('/').filter(Boolean);
    for (const route of this.routes) {
      if (route.segments.length !== segments.length) continue;
      const params: Params = {};
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const pattern = route.segments[i]!;
        let actual: string;
        try {
          actual = decodeURIComponent(segments[i]!);
        } catch {
          return undefined; // malformed %-escape: no URL matches
        }
        if (pattern.startsWith('{')) {
          if (actual.includes('.'))
            ok = false; // DRF's default lookup regex is [^/.]+
          else params[pattern.slice(1, -1)] = actual;
        } else if (pattern !== actual) ok = false;
      }
      if (ok) return { route, params };
    }
    return undefined;
  }

  /** Answers one API request. */
  handle(req: ApiRequest): ApiResponse {
    if (!req.pathname.startsWith(`${API_PREFIX}/`)) return detail(404, 'Not found.');
    const inner = req.pathname.slice(API_PREFIX.length);
    const found = this.match(inner.endsWith('/') ? inner : `${inner}/`);
    if (!found) return detail(404, 'Not found.');
    if (!inner.endsWith('/')) {
      const search = req.query.toString();
      return { status: 301, headers: { Location: `${req.pathname}/${search ? `?${search}` : ''}`, 'Content-Type': 'text/html; charset=utf-8' }, text: '' };
    }
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const handler = found.route.methods[method];
    const anonymous = handler !== undefined && allowsAnonymous(this.options.catalog.api, found.route.docPath, method.toLowerCase());
    const auth = this.authenticate(req.headers['authorization']);
    if (auth === 'anonymous' && !anonymous) return detail(403, 'Authentication credentials were not provided.');
    if (auth !== 'anonymous' && auth !== 'ok') return detail(403, auth);
    const allowed = [...Object.keys(found.route.methods), 'OPTIONS'].join(', ');
    if (method === 'OPTIONS') {
      return json(200, { name: found.route.docPath, renders: ['application/json'], parses: ['application/json'] }, { Allow: allowed });
    }
    if (!handler) return detail(405, `Method "${req.method}" not allowed.`, { Allow: allowed });
    const ctx: Ctx = { req, params: found.params };
    try {
      const response = handler(ctx);
      if (ctx.parsedBody !== undefined) response.requestBody = ctx.parsedBody;
      if (req.method === 'HEAD') response.text = '';
      return response;
    } catch (error) {
      if (error instanceof ServerError) {
        const response = serverErrorResponse();
        if (ctx.parsedBody !== undefined) response.requestBody = ctx.parsedBody;
        return response;
      }
      throw error;
    }
  }

  /**
   * authentik's `TokenAuthentication`: no header (or one without a space) is anonymous; another
   * scheme than Bearer, or an unknown token, is refused.
   */
  authenticate(header: string | undefined): 'ok' | 'anonymous' | string {
    const credentials = (header ?? '').trim();
    if (credentials === '' || !credentials.includes(' ')) return 'anonymous';
    const space = credentials.indexOf(' ');
    const scheme = credentials.slice(0, space);
    const token = credentials.slice(space + 1);
    if (scheme.toLowerCase() !== 'bearer') return 'Unsupported authentication type';
    if (token === '') return 'Malformed header';
    const given = Buffer.from(token);
    const expected = Buffer.from(this.options.token);
    return given.length === expected.length && timingSafeEqual(given, expected) ? 'ok' : 'Token invalid/expired';
  }

  // ---- stage endpoints ---------------------------------------------------------------------

  private listKey(prefix: string, query: URLSearchParams): string {
    const q = new URLSearchParams(query);
    q.delete('page');
    q.delete('page_size');
    q.sort();
    return `${prefix}?${q.toString()}`;
  }

  private paged<T>(ctx: Ctx, items: readonly T[], render: (item: T) => unknown, autocomplete: boolean): ApiResponse {
    const page = paginate(items, ctx.req.query, this.options.pages);
    if (!page.ok) return json(page.status, page.body);
    const body: Record<string, unknown> = { pagination: page.pagination, results: page.results.map(render) };
    if (autocomplete) body['autocomplete'] = {};
    return json(200, body);
  }

  private stageListSpec(type: StageType | undefined, filters: readonly QueryParam[]): ListSpec<{ pk: string; type: StageType; values: Readonly<Record<string, unknown>> }> {
    const ordering = new Set<string>(['pk', 'name']);
    if (type) for (const field of type.fields) if (!field.writeOnly && field.kind !== 'nested') ordering.add(field.name);
    return {
      valueOf: (entry, field) => (field === 'pk' || field === type?.lookupParam || field === 'stage_uuid' ? entry.pk : entry.values[field]),
      searchFields: type?.searchFields ?? ['name'],
      orderingFields: ordering,
      defaultOrdering: type?.defaultOrdering ?? ['name'],
      filters,
      relationExists: (param, pk) => {
        const field = type?.fieldByName.get(param);
        if (!field || (field.kind !== 'pk' && field.kind !== 'manypk') || !field.target) return undefined;
        return this.options.store.exists(field.target, pk);
      },
    };
  }

  /** Filters, searches and orders once per query and state version (pages of a big list are then cheap). */
  private cachedList<T>(key: string, compute: () => ListResult<T>): ListResult<T> {
    const version = this.options.store.version;
    const hit = this.listCache.get(key);
    if (hit && hit.version === version) return { ok: true, items: hit.items as T[] };
    const result = compute();
    if (result.ok) {
      if (this.listCache.size > 50) this.listCache.clear();
      this.listCache.set(key, { version, items: result.items });
    }
    return result;
  }

  private listType(ctx: Ctx, type: StageType): ApiResponse {
    const { store } = this.options;
    const spec = this.stageListSpec(type, type.filters);
    const result = this.cachedList(this.listKey(type.listPath, ctx.req.query), () => listItems(store.entries(type), ctx.req.query, spec));
    if (!result.ok) return json(result.status, result.body);
    return this.paged(ctx, result.items, (entry) => this.renderer.object(entry), type.listHasAutocomplete);
  }

  private listStagesAll(ctx: Ctx): ApiResponse {
    const { store, catalog } = this.options;
    const spec = this.stageListSpec(undefined, filterParams(catalog.api, '/stages/all/'));
    const result = this.cachedList(this.listKey('/stages/all/', ctx.req.query), () => listItems(store.entries(), ctx.req.query, spec));
    if (!result.ok) return json(result.status, result.body);
    return this.paged(ctx, result.items, (entry) => this.renderer.stageAll(entry), catalog.stageAllHasAutocomplete);
  }

  private withStage(ctx: Ctx, type: StageType | undefined, then: (entry: { pk: string; type: StageType; values: Readonly<Record<string, unknown>> }) => ApiResponse): ApiResponse {
    const raw = Object.values(ctx.params)[0] ?? '';
    const pk = uuidFromHex(raw);
    const entry = pk ? this.options.store.entry(pk) : undefined;
    const matches = entry && (type ? entry.type === type : entry.type.isStage);
    if (!entry || !matches) return detail(404, `No ${type?.typeName ?? 'Stage'} matches the given query.`);
    return then(entry);
  }

  private destroy(pk: string): ApiResponse {
    const { store } = this.options;
    const entry = store.entry(pk);
    if (entry?.type.isStage) store.deleteStage(pk);
    else store.deletePrompt(pk);
    return { status: 204, headers: {}, text: '' };
  }

  private body(ctx: Ctx): ReturnType<typeof parseRequestBody> {
    const parsed = parseRequestBody(ctx.req.body, ctx.req.headers['content-type']);
    if (parsed.ok) ctx.parsedBody = toPlain(parsed.value);
    else if (ctx.req.body.length > 0) ctx.parsedBody = ctx.req.body.toString('utf8');
    return parsed;
  }

  private create(ctx: Ctx, type: StageType): ApiResponse {
    const parsed = this.body(ctx);
    if (!parsed.ok) return detail(parsed.status, parsed.detail);
    const result = validateBody(type, parsed.value, this.options.store, { partial: false, enterpriseLicensed: this.options.enterpriseLicensed });
    if (!result.ok) return json(400, result.errors);
    const created = this.options.store.insert(type, result.attrs);
    const entry = this.options.store.entry(created.pk)!;
    return json(201, this.renderer.object(entry));
  }

  private update(ctx: Ctx, type: StageType, partial: boolean): ApiResponse {
    return this.withStage(ctx, type, (entry) => {
      const parsed = this.body(ctx);
      if (!parsed.ok) return detail(parsed.status, parsed.detail);
      const result = validateBody(type, parsed.value, this.options.store, { partial, instancePk: entry.pk, enterpriseLicensed: this.options.enterpriseLicensed });
      if (!result.ok) return json(400, result.errors);
      this.options.store.applyValidated(entry.pk, result.attrs);
      return json(200, this.renderer.object(this.options.store.entry(entry.pk)!));
    });
  }

  private stageTypes(): ApiResponse {
    const types = this.options.catalog.types
      .filter((t) => t.isStage)
      .map((t) =>
        this.renderer.bySchema('TypeCreate', {
          name: t.verboseName,
          description: t.description,
          component: t.component,
          model_name: t.modelName,
          icon_url: null,
          requires_enterprise: t.requiresEnterprise,
          deprecated: false,
        }),
      )
      .sort((a, b) => (String(a['name']) < String(b['name']) ? -1 : String(a['name']) > String(b['name']) ? 1 : 0));
    return json(200, types);
  }

  private templates(): ApiResponse {
    const custom = this.options.store.customEmailTemplates.map((name) => ({ name, description: customTemplateDescription(name) }));
    return json(200, [...BUILTIN_EMAIL_TEMPLATES.map((t) => ({ ...t })), ...custom]);
  }

  // ---- document and server info ------------------------------------------------------------

  private schema(ctx: Ctx): ApiResponse {
    const { api } = this.options.catalog;
    const format = ctx.req.query.get('format');
    const yaml = (): ApiResponse => ({ status: 200, headers: { 'Content-Type': 'application/vnd.oai.openapi; charset=utf-8' }, text: api.text });
    const jsonDoc = (type: string): ApiResponse => ({ status: 200, headers: { 'Content-Type': `${type}; charset=utf-8` }, text: api.json() });
    if (format === 'json') return jsonDoc('application/vnd.oai.openapi+json');
    if (format === 'yaml') return yaml();
    if (format !== null) return detail(404, 'Not found.');
    const accept = (ctx.req.headers['accept'] ?? '*/*')
      .split(',')
      .map((part) => {
        const [type, ...params] = part.trim().split(';');
        const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
        return { type: type!.trim().toLowerCase(), q: q ? Number(q.slice(2)) : 1 };
      })
      .filter((a) => a.q > 0)
      .sort((a, b) => b.q - a.q);
    for (const { type } of accept) {
      if (type === '*/*' || type === 'application/*' || type === 'application/vnd.oai.openapi' || type === 'application/yaml') return yaml();
      if (type === 'application/vnd.oai.openapi+json' || type === 'application/json') return jsonDoc(type);
    }
    return detail(406, 'Could not satisfy the request Accept header.');
  }

  private version(): ApiResponse {
    const v = this.options.catalog.api.version;
    return json(
      200,
      this.renderer.bySchema('Version', { version_current: v, version_latest: v, version_latest_valid: true, build_hash: '', outdated: false, outpost_outdated: false }),
    );
  }

  // ---- flows, bindings, sources ------------------------------------------------------------

  private listFlows(ctx: Ctx): ApiResponse {
    const { store, catalog } = this.options;
    const result = listItems<StoredFlow>(store.listFlows(), ctx.req.query, {
      valueOf: (flow, field) => (field === 'flow_uuid' || field === 'pk' ? flow.pk : flow[field]),
      searchFields: ['name', 'slug', 'designation', 'title', 'denied_action'],
      orderingFields: new Set(['pk', 'name', 'slug', 'title', 'designation', 'denied_action']),
      defaultOrdering: ['slug', 'name'],
      filters: filterParams(catalog.api, '/flows/instances/'),
    });
    if (!result.ok) return json(result.status, result.body);
    return this.paged(ctx, result.items, (flow) => this.renderer.flow(flow), this.autocomplete('/flows/instances/'));
  }

  private withFlow(ctx: Ctx, then: (flow: StoredFlow) => ApiResponse): ApiResponse {
    const flow = this.options.store.listFlows().find((f) => f.slug === ctx.params['slug']);
    return flow ? then(flow) : detail(404, 'No Flow matches the given query.');
  }

  private listBindings(ctx: Ctx): ApiResponse {
    const { store, catalog } = this.options;
    const slugOf = (pk: string): string => store.getFlow(pk)?.slug ?? '';
    const result = listItems<StoredBinding>(store.listBindings(), ctx.req.query, {
      valueOf: (b, field) => {
        if (field === 'fsb_uuid' || field === 'pbm_uuid' || field === 'pk') return b.pk;
        if (field === 'policies') return [];
        if (field === 'stage__name') return store.entry(b.stage)?.values['name'];
        if (field === 'target__name') return store.getFlow(b.target)?.name;
        if (field === 'target__slug') return slugOf(b.target);
        return b[field];
      },
      searchFields: ['stage__name', 'target__name', 'target__slug'],
      orderingFields: new Set(['pk', 'order', 'target', 'stage', 'target__slug']),
      defaultOrdering: ['target__slug', 'order'],
      filters: filterParams(catalog.api, '/flows/bindings/'),
      relationExists: (param, pk) => (param === 'stage' ? store.exists('stage', pk) : param === 'target' ? store.exists('flow', pk) : undefined),
    });
    if (!result.ok) return json(result.status, result.body);
    return this.paged(ctx, result.items, (b) => this.renderer.binding(b), this.autocomplete('/flows/bindings/'));
  }

  private withBinding(ctx: Ctx, then: (binding: StoredBinding) => ApiResponse): ApiResponse {
    const pk = uuidFromHex(ctx.params['fsb_uuid'] ?? '');
    const binding = pk ? this.options.store.getBinding(pk) : undefined;
    return binding ? then(binding) : detail(404, 'No FlowStageBinding matches the given query.');
  }

  private listSources(ctx: Ctx): ApiResponse {
    const { store, catalog } = this.options;
    const result = listItems<StoredSource>(store.listSources(), ctx.req.query, {
      valueOf: (s, field) => (field === 'pbm_uuid' || field === 'pk' ? s.pk : field === 'managed' ? (s['managed'] ?? null) : s[field]),
      searchFields: ['slug', 'name'],
      orderingFields: new Set(['pk', 'name', 'slug']),
      defaultOrdering: ['name'],
      filters: filterParams(catalog.api, '/sources/all/'),
    });
    if (!result.ok) return json(result.status, result.body);
    return this.paged(ctx, result.items, (s) => this.renderer.source(s), this.autocomplete('/sources/all/'));
  }

  private withSource(ctx: Ctx, then: (source: StoredSource) => ApiResponse): ApiResponse {
    const source = this.options.store.listSources().find((s) => s.slug === ctx.params['slug']);
    return source ? then(source) : detail(404, 'No Source matches the given query.');
  }

  // ---- policies, groups, certificates, property mappings, device types, connectors ----------

  private objectValue(kind: OtherKind, object: StoredOther, field: string, ctx: Ctx): unknown {
    return objectValue(kind, object, field, ctx.req.query, this.options.store);
  }

  private renderObject(endpoint: ObjectEndpoint, kind: OtherKind, object: StoredOther, ctx: Ctx): Record<string, unknown> {
    return this.renderer.fromValues(endpoint.schema, (name) => this.objectValue(kind, object, name, ctx));
  }

  private listObjects(ctx: Ctx, endpoint: ObjectEndpoint): ApiResponse {
    const { store, catalog } = this.options;
    type Item = { kind: OtherKind; object: StoredOther };
    const items: Item[] = endpoint.kinds.flatMap((kind) => store.objectEntries(kind).map((object) => ({ kind, object })));
    const schemaProps = Object.keys((catalog.api.schemas[endpoint.schema]?.['properties'] ?? {}) as object);
    const result = listItems<Item>(items, ctx.req.query, {
      valueOf: (item, field) => this.objectValue(item.kind, item.object, field, ctx),
      searchFields: endpoint.searchFields,
      orderingFields: new Set(['pk', ...schemaProps]),
      defaultOrdering: endpoint.ordering,
      filters: filterParams(catalog.api, endpoint.listPath),
      ignoredParams: new Set(endpoint.ignoredParams ?? []),
      // FilterSet methods belong to single-kind endpoints (the first kind's answer is the endpoint's).
      customFilter: (param, values) => {
        const filter = objectFilter(endpoint.kinds[0]!, param, values);
        return typeof filter === 'function' ? (item: Item) => filter(item.object) : filter;
      },
    });
    if (!result.ok) return json(result.status, result.body);
    return this.paged(ctx, result.items, (item) => this.renderObject(endpoint, item.kind, item.object, ctx), this.autocomplete(endpoint.listPath));
  }

  /** The object a detail URL names (its lookup field is a UUID: malformed is a 404 like a missing one). */
  private withObject(ctx: Ctx, endpoint: ObjectEndpoint, then: (kind: OtherKind, object: StoredOther) => ApiResponse): ApiResponse {
    const pk = uuidFromHex(Object.values(ctx.params)[0] ?? '');
    for (const kind of endpoint.kinds) {
      const object = pk ? this.options.store.objectEntries(kind).find((o) => o.pk === pk) : undefined;
      if (object) return then(kind, object);
    }
    return detail(404, `No ${endpoint.label} matches the given query.`);
  }

  private autocomplete(path: string): boolean {
    const { api } = this.options.catalog;
    const op = api.paths[path]?.['get'] as Record<string, unknown> | undefined;
    const ref = JSON.stringify(op?.['responses'] ?? {}).match(/#\/components\/schemas\/(Paginated\w+List)/)?.[1];
    const required = ref ? api.schemas[ref]?.['required'] : undefined;
    return Array.isArray(required) && required.includes('autocomplete');
  }
}
