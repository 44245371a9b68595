/**
 * Which model a blueprint entry names, read the way authentik's importer reads it
 * (`MetaModelRegistry.get_model`, then Django's `apps.get_model`, then `is_model_allowed`).
 */
import type { SchemaCatalog } from '../schema/catalog';
import type { ModelIndexEntry } from '../schema/types';
import { closestMatch, closestMatches } from '../util/closest';

/** The importer's one meta model: applies another blueprint (authentik/blueprints/v1/meta/apply_blueprint.py). */
export const META_APPLY_BLUEPRINT = 'authentik_blueprints.metaapplyblueprint';

/**
 * Models authentik knows but its importer refuses, from authentik 2026.8's
 * `importer.excluded_models()` (base classes, sessions) and its `InternallyManagedMixin` models
 * (served by the API, left out of the blueprint schema by the same predicate).
 */
const NOT_IMPORTABLE: Readonly<Record<string, string>> = {
  'authentik_core.provider': 'a base class; name the provider type, e.g. authentik_providers_oauth2.oauth2provider',
  'authentik_core.source': 'a base class; name the source type, e.g. authentik_sources_oauth.oauthsource',
  'authentik_core.propertymapping': 'a base class; name the mapping type, e.g. authentik_providers_oauth2.scopemapping',
  'authentik_core.usersourceconnection': 'a base class; name the connection type of the source',
  'authentik_core.groupsourceconnection': 'a base class; name the connection type of the source',
  'authentik_flows.stage': 'a base class; name the stage type, e.g. authentik_stages_password.passwordstage',
  'authentik_outposts.outpostserviceconnection': 'a base class; name the connection type, e.g. authentik_outposts.dockerserviceconnection',
  'authentik_policies.policy': 'a base class; name the policy type, e.g. authentik_policies_expression.expressionpolicy',
  'authentik_policies.policybindingmodel': 'a base class',
  'authentik_endpoints.connector': 'a base class; name the connector type',
  'authentik_core.session': 'sessions are not imported',
  'authentik_core.authenticatedsession': 'sessions are not imported',
  'authentik_core.objectattribute': 'it is managed by authentik itself',
  'authentik_core.actor': 'it is managed by authentik itself',
  'authentik_agents.agent': 'it is managed by authentik itself',
  'authentik_lifecycle.useroffboarding': 'it is managed by authentik itself',
  'authentik_providers_oauth2.oauth2dynamicclientregistration': 'it is managed by authentik itself',
  'authentik_requests.grantrequest': 'it is managed by authentik itself',
  'authentik_requests.requestrule': 'it is managed by authentik itself',
  'authentik_requests.requestrulebinding': 'it is managed by authentik itself',
  'authentik_requests.requestrulechildbinding': 'it is managed by authentik itself',
};

export type BlueprintModel =
  /** A model with a schema: its fields are checked. */
  | { kind: 'schema'; name: string; entry: ModelIndexEntry }
  | { kind: 'meta'; name: string }
  /** Known to authentik (its model list) but without a writable API here: the fields go unchecked. */
  | { kind: 'no-schema'; name: string }
  | { kind: 'not-importable'; name: string; reason: string }
  | { kind: 'unknown'; message: string; suggestion?: string };

/** `written` is the entry's `model` text. */
export function resolveBlueprintModel(written: string, catalog: SchemaCatalog): BlueprintModel {
  const parts = written.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    return { kind: 'unknown', message: `model: "${written}" is not <app_label>.<model>; authentik's importer splits it on the one dot (e.g. authentik_flows.flow).` };
  }
  const [app, name] = parts as [string, string];
  if (app.toLowerCase() === 'authentik_blueprints' && name.toLowerCase() === 'metaapplyblueprint') {
    // The registry tests the lower-cased name but looks it up as written.
    if (name === 'metaapplyblueprint') return { kind: 'meta', name: META_APPLY_BLUEPRINT };
    return { kind: 'unknown', message: `model: the meta model is found only as ${META_APPLY_BLUEPRINT}, in lower case (authentik's registry looks "${name}" up as written).`, suggestion: META_APPLY_BLUEPRINT };
  }
  // Django's apps.get_model: the app label as written, the model name in any case.
  const canonical = `${app}.${name.toLowerCase()}`;
  const refused = Object.hasOwn(NOT_IMPORTABLE, canonical) ? NOT_IMPORTABLE[canonical] : undefined;
  if (refused) return { kind: 'not-importable', name: canonical, reason: refused };
  const entry = catalog.anyEntry(canonical);
  if (entry) return { kind: 'schema', name: canonical, entry };
  if (catalog.knowsModel(canonical)) return { kind: 'no-schema', name: canonical };
  const names = blueprintModelNames(catalog);
  const suggestion = names.find((n) => n.toLowerCase() === written.toLowerCase()) ?? closestMatch(written, names);
  const caseNote = suggestion?.toLowerCase() === written.toLowerCase() ? ' The app label is case-sensitive.' : '';
  const others = closestMatches(written, names).filter((name) => name !== suggestion);
  const close = others.length ? ` Close ones: ${others.join(', ')}.` : '';
  return {
    kind: 'unknown',
    message: `model: "${written}" is not a model of authentik ${catalog.version}: the importer fails with "App or Model does not exist".${caseNote}${suggestion ? ` Did you mean ${suggestion}?` : ''}${close}`,
    ...(suggestion ? { suggestion } : {}),
  };
}

const modelNamesOf = new WeakMap<SchemaCatalog, readonly string[]>();

/** Every model a blueprint entry may name, sorted: what completion offers. */
export function blueprintModelNames(catalog: SchemaCatalog): readonly string[] {
  let known = modelNamesOf.get(catalog);
  if (!known) modelNamesOf.set(catalog, (known = collectModelNames(catalog)));
  return known;
}

function collectModelNames(catalog: SchemaCatalog): string[] {
  const names = new Set<string>([...catalog.index.modelNames, ...catalog.models.map((m) => m.model), ...catalog.objects.map((m) => m.model), META_APPLY_BLUEPRINT]);
  for (const refused of Object.keys(NOT_IMPORTABLE)) names.delete(refused);
  return [...names].sort();
}
