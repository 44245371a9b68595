/** The reference helpers: what a field points to, how a model is found, and `!Find` as the loader reads it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseStageDocument } from '../server/engine/document/stageDocument';
import { TaggedValue } from '../server/engine/document/tags';
import { checkFind, fieldAcceptsObject, findApiQuery, findTagFor, isFindTag, parseFindTag, type FindParse, type FindQuery } from '../server/engine/references/findTag';
import { findFieldOf, findTargetFit, isValidFindTarget, referenceFieldsOf, referenceOf, targetModel, type FieldReference } from '../server/engine/references/lookup';

const IDENTIFICATION = 'authentik_stages_identification.identificationstage';

function reference(model: string, field: string): FieldReference {
  const found = referenceOf(model, field);
  assert.ok(found, `${model}.${field} is in the table`);
  return found;
}

/** The `!Find` at `field` of a YAML stage, parsed as the language server parses files. */
function findAt(yaml: string, pointer: string): { tag: TaggedValue; parse: FindParse; text: (path: readonly number[]) => string } {
  const doc = parseStageDocument(yaml, 'yaml');
  let value: unknown = doc.value;
  for (const segment of pointer.split('/').slice(1)) value = (value as Record<string, unknown>)[segment];
  assert.ok(value instanceof TaggedValue, `${pointer} holds a tag`);
  const text = (path: readonly number[]) => {
    const location = doc.locations.get([pointer, ...path].join('/'));
    assert.ok(location, `a location for ${pointer} ${path.join('/')}`);
    return yaml.slice(location.value.start, location.value.end);
  };
  return { tag: value, parse: parseFindTag(value), text };
}

describe('referenceOf', () => {
  it('names the concrete type a field takes, and every type for a base target', () => {
    const password = reference(IDENTIFICATION, 'password_stage');
    assert.equal(password.target, 'authentik_stages_password.passwordstage');
    assert.deepEqual(password.accepts, ['authentik_stages_password.passwordstage']);
    assert.equal(password.many, false);
    assert.equal(password.nullable, true);

    const sources = reference(IDENTIFICATION, 'sources');
    assert.equal(sources.target, 'authentik_core.source');
    assert.equal(sources.many, true);
    assert.ok(sources.accepts.includes('authentik_sources_oauth.oauthsource'));
    assert.ok(sources.accepts.includes('authentik_core.source'), 'the built-in source is a plain Source');

    const configuration = reference('authentik_stages_authenticator_validate.authenticatorvalidatestage', 'configuration_stages');
    assert.equal(configuration.target, 'authentik_flows.stage');
    assert.ok(configuration.accepts.includes('authentik_stages_authenticator_totp.authenticatortotpstage'));
    assert.ok(!configuration.accepts.includes('authentik_stages_prompt.prompt'), 'a prompt is no stage');
  });

  it('records what the admin UI suggests (not enforced) and what the server checks', () => {
    assert.equal(reference(IDENTIFICATION, 'enrollment_flow').suggestedDesignation, 'enrollment');
    assert.equal(reference(IDENTIFICATION, 'recovery_flow').suggestedDesignation, 'recovery');
    assert.equal(reference(IDENTIFICATION, 'passwordless_flow').suggestedDesignation, 'authentication');
    assert.equal(reference('authentik_stages_password.passwordstage', 'configure_flow').suggestedDesignation, 'stage_configuration');
    const source = reference('authentik_stages_source.sourcestage', 'source');
    assert.equal(source.serverCheck, 'Invalid source selected, only web-based sources are supported.');
    assert.equal(source.onDelete, 'cascade');
    assert.equal(reference('authentik_stages_prompt.promptstage', 'fields').allowEmpty, false);
  });

  it('knows nothing of fields that are no references', () => {
    assert.equal(referenceOf(IDENTIFICATION, 'user_fields'), undefined);
    assert.equal(referenceOf(IDENTIFICATION, 'constructor'), undefined);
    assert.equal(referenceOf('authentik_stages_nope.nopestage', 'source'), undefined);
    assert.deepEqual(referenceFieldsOf('authentik_stages_prompt.promptstage'), ['fields', 'validation_policies']);
    assert.deepEqual(referenceFieldsOf('authentik_stages_deny.denystage'), []);
  });
});

describe('targetModel', () => {
  it('gives the list path, the pk and natural key, the display fields', () => {
    const flow = targetModel('authentik_flows.flow')!;
    assert.equal(flow.apiPath, '/flows/instances/');
    assert.equal(flow.pkField, 'pk');
    assert.equal(flow.pkColumn, 'flow_uuid');
    assert.equal(flow.detailLookup, 'slug');
    assert.equal(flow.naturalKey, 'slug');
    assert.deepEqual(flow.display.slice(0, 3), ['title', 'slug', 'designation']);
    assert.equal(targetModel('authentik_core.source')!.naturalKey, 'slug', "a source's name is not unique");
    assert.equal(targetModel('authentik_endpoints.connector')!.pkField, 'connector_uuid');
    assert.equal(targetModel('authentik_endpoints.connector')!.naturalKeyUnique, false);
  });

  it('finds a type of a base model through the base endpoint, told apart by meta_model_name', () => {
    const oauth = targetModel('authentik_sources_oauth.oauthsource')!;
    assert.equal(oauth.apiPath, '/sources/all/');
    assert.equal(oauth.mixedTypes, true);
    assert.equal(oauth.subtypes, undefined);
    assert.equal(oauth.naturalKey, 'slug');
    const consent = targetModel('authentik_stages_consent.consentstage')!;
    assert.equal(consent.apiPath, '/stages/all/');
    assert.equal(consent.naturalKey, 'name');
    assert.equal(targetModel('authentik_core.user'), undefined);
  });

  it('says which fields a !Find may name, and the filter that matches each exactly', () => {
    assert.deepEqual(findFieldOf('authentik_flows.flow', 'slug'), { filter: 'slug', searched: true });
    assert.deepEqual(findFieldOf('authentik_flows.flow', 'flow_uuid'), { property: 'pk', filter: 'flow_uuid' });
    assert.deepEqual(findFieldOf('authentik_policies.policy', 'name'), { searched: true }, '/policies/all/ has no name filter');
    assert.equal(findFieldOf('authentik_flows.flow', 'stages'), undefined);
    assert.equal(findFieldOf('authentik_flows.flow', 'constructor'), undefined);
  });
});

describe('isValidFindTarget', () => {
  it('takes the target, its types, and its bases (whose result is type-checked at push)', () => {
    const password = reference(IDENTIFICATION, 'password_stage');
    assert.equal(findTargetFit(password, 'authentik_stages_password.passwordstage'), 'target');
    assert.equal(findTargetFit(password, 'authentik_flows.stage'), 'supertype');
    assert.equal(isValidFindTarget(password, 'authentik_stages_consent.consentstage'), false);
    assert.equal(isValidFindTarget(password, 'authentik_flows.flow'), false);

    const configuration = reference('authentik_stages_authenticator_validate.authenticatorvalidatestage', 'configuration_stages');
    assert.equal(findTargetFit(configuration, 'authentik_stages_authenticator_totp.authenticatortotpstage'), 'subtype');
    assert.equal(findTargetFit(configuration, 'authentik_flows.stage'), 'target');

    const mapping = reference('authentik_stages_authenticator_sms.authenticatorsmsstage', 'mapping');
    assert.equal(findTargetFit(mapping, 'authentik_core.propertymapping'), 'supertype');
    assert.equal(isValidFindTarget(mapping, 'authentik_providers_saml.samlpropertymapping'), false);
  });
});

describe('parseFindTag', () => {
  it('reads the model and the [field, value] conditions, the model name as Django resolves it', () => {
    const { parse } = findAt('model: x\nenrollment_flow: !Find [authentik_flows.Flow, [slug, default-enrollment-flow], [designation, enrollment]]\n', '/enrollment_flow');
    assert.deepEqual(parse.problems, []);
    assert.deepEqual(parse.find, {
      model: 'authentik_flows.flow',
      filters: [
        ['slug', 'default-enrollment-flow'],
        ['designation', 'enrollment'],
      ],
    });
  });

  it('keeps !Env in a value for the push to resolve, and scalars as written', () => {
    const { parse } = findAt('sources:\n  - !Find [authentik_core.source, [slug, !Env SOURCE_SLUG]]\n  - !Find [authentik_core.source, [enabled, true]]\n', '/sources/0');
    assert.equal(parse.problems.length, 0);
    const [[field, value]] = parse.find!.filters as Array<[string, unknown]>;
    assert.equal(field, 'slug');
    assert.ok(value instanceof TaggedValue && value.envName === 'SOURCE_SLUG');
    assert.ok(isFindTag(findAt('sources:\n  - !Find [authentik_core.source, [slug, x]]\n', '/sources/0').tag));
  });

  it('names the wrong argument, and its path leads to the node in the file', () => {
    const cases: Array<[string, readonly number[], string, RegExp]> = [
      ['!Find authentik_flows.flow', [], '!Find authentik_flows.flow', /takes a list/],
      ['!Find []', [], '!Find []', /names no model/],
      ['!Find [authentik_flows.flow]', [], '!Find [authentik_flows.flow]', /no \[field, value\] condition: authentik would take whichever object comes first/],
      ['!Find [flow, [slug, x]]', [0], 'flow', /"flow" is not a model name: authentik names a model app_label\.model/],
      ['!Find [Authentik_flows.flow, [slug, x]]', [0], 'Authentik_flows.flow', /No installed app with label 'Authentik_flows'\./],
      ['!Find [!Env MODEL, [slug, x]]', [0], '!Env MODEL', /must be written out/],
      ['!Find [authentik_flows.flow, slug]', [1], 'slug', /condition 1 is the text "slug"; each item after the model is a list \[field, value\]/],
      ['!Find [authentik_flows.flow, [slug]]', [1], '[slug]', /condition 1 has no value/],
      ['!Find [authentik_flows.flow, [slug, x], [3, y]]', [2, 0], '3', /condition 2: the field must be a field name/],
      ['!Find [authentik_flows.flow, [slug, [a, b]]]', [1, 1], '[a, b]', /matched exactly, so it is one text, number, boolean or null, not a list/],
      ['!Find [authentik_flows.flow, [slug, !Format [a, b]]]', [1, 1], '!Format [a, b]', /!Format cannot give a value here/],
      ['!Find [authentik_flows.flow, [slug, a], [slug, b]]', [2, 1], 'b', /gives slug twice \("a" and "b"\)/],
    ];
    for (const [tagText, path, marked, message] of cases) {
      const { parse, text } = findAt(`password_stage: ${tagText}\n`, '/password_stage');
      assert.equal(parse.find, undefined, tagText);
      const problem = parse.problems.find((p) => p.severity === 'error');
      assert.ok(problem, `${tagText}: an error`);
      assert.match(problem.message, message, tagText);
      assert.deepEqual(problem.path, path, tagText);
      assert.equal(text(problem.path), marked, tagText);
    }
  });

  it('warns of condition items authentik ignores, and still gives the query', () => {
    const { parse, text } = findAt('password_stage: !Find [authentik_stages_password.passwordstage, [name, pw, extra]]\n', '/password_stage');
    assert.deepEqual(parse.find?.filters, [['name', 'pw']]);
    assert.equal(parse.problems.length, 1);
    assert.equal(parse.problems[0]!.severity, 'warning');
    assert.match(parse.problems[0]!.message, /only \[field, value\] is read, authentik ignores the rest/);
    assert.equal(text(parse.problems[0]!.path), 'extra');
  });

  it('refuses a tag that is not !Find', () => {
    assert.match(parseFindTag(new TaggedValue('!Env', 'X')).problems[0]!.message, /!Env is not !Find/);
  });
});

describe('checkFind', () => {
  const password = reference(IDENTIFICATION, 'password_stage');

  it('accepts a model the field takes with fields it can be found by', () => {
    const { parse } = findAt('password_stage: !Find [authentik_stages_password.passwordstage, [name, default-password]]\n', '/password_stage');
    assert.deepEqual(checkFind(password, parse.find!), []);
    const base = findAt('password_stage: !Find [authentik_flows.stage, [pk, 7d9f3a52-6e0b-4d5c-9f8e-1a2b3c4d5e6f]]\n', '/password_stage');
    assert.deepEqual(checkFind(password, base.parse.find!), []);
  });

  it('says which model the field takes when the !Find names another', () => {
    const { parse } = findAt('password_stage: !Find [authentik_stages_consent.consentstage, [name, consent]]\n', '/password_stage');
    assert.deepEqual(checkFind(password, parse.find!), [
      { severity: 'error', path: [0], message: '!Find: password_stage takes a Password Stage (authentik_stages_password.passwordstage), not authentik_stages_consent.consentstage.' },
    ]);
    const sources = findAt('sources:\n  - !Find [authentik_flows.flow, [slug, x]]\n', '/sources/0');
    assert.match(checkFind(reference(IDENTIFICATION, 'sources'), sources.parse.find!)[0]!.message, /sources takes a Source \(authentik_core\.source\) or one of its types \(authentik_core\.source, authentik_sources_kerberos\.kerberossource/);
  });

  it('refuses fields the model cannot be found by, and Django lookups, at the field', () => {
    const { parse, text } = findAt('enrollment_flow: !Find [authentik_flows.flow, [slug__iexact, x], [colour, red]]\n', '/enrollment_flow');
    const problems = checkFind(reference(IDENTIFICATION, 'enrollment_flow'), parse.find!);
    assert.equal(problems.length, 2);
    assert.match(problems[0]!.message, /slug__iexact is a Django lookup; .* Write the field alone \(slug\); Flow can be found by pk, flow_uuid, slug, name/);
    assert.equal(text(problems[0]!.path), 'slug__iexact');
    assert.match(problems[1]!.message, /Flow has no field colour to be found by: it can be found by pk, flow_uuid, slug/);
    assert.equal(text(problems[1]!.path), 'colour');
  });
});

describe('findApiQuery', () => {
  const query = (yaml: string, pointer: string, env: Record<string, string> = {}) => {
    const { parse } = findAt(yaml, pointer);
    assert.ok(parse.find, 'a valid !Find');
    return findApiQuery(parse.find, (tag) => env[tag.envName ?? '']);
  };

  it('filters on the exact filters the list endpoint has, and matches the results exactly', () => {
    const flows = query('enrollment_flow: !Find [authentik_flows.flow, [slug, enroll], [title, Enroll me]]\n', '/enrollment_flow')!;
    assert.equal(flows.apiPath, '/flows/instances/');
    assert.deepEqual(flows.params, { slug: 'enroll' }, 'title has no filter; search is not sent beside an exact filter');
    assert.equal(flows.matches({ pk: 'a', slug: 'enroll', title: 'Enroll me' }), true);
    assert.equal(flows.matches({ pk: 'b', slug: 'Enroll', title: 'Enroll me' }), false, 'case matters, as for Q(slug=…)');
    assert.equal(flows.matches({ pk: 'c', slug: 'enroll', title: 'Enroll' }), false);
  });

  it('narrows by search where there is no filter (policies by name), and compares numbers as text', () => {
    const policies = query('validation_policies:\n  - !Find [authentik_policies.policy, [name, 2024]]\n', '/validation_policies/0')!;
    assert.deepEqual(policies.params, { search: '2024' });
    assert.equal(policies.matches({ pk: 'p', name: '2024' }), true);
    assert.equal(policies.matches({ pk: 'p', name: 'policy-2024' }), false, 'search finds substrings; the match is exact');
  });

  it('reads the pk from the property the endpoint lists it under, and keeps to the type a base endpoint lists', () => {
    const connector = query('connector: !Find [authentik_endpoints.connector, [pk, 6f1c]]\n', '/connector')!;
    assert.equal(connector.matches({ connector_uuid: '6f1c', name: 'agent' }), true);
    const oauth = query('source: !Find [authentik_sources_oauth.oauthsource, [slug, github]]\n', '/source')!;
    assert.equal(oauth.apiPath, '/sources/all/');
    assert.deepEqual(oauth.params, { slug: 'github' });
    assert.equal(oauth.matches({ slug: 'github', meta_model_name: 'authentik_sources_oauth.oauthsource' }), true);
    assert.equal(oauth.matches({ slug: 'github', meta_model_name: 'authentik_sources_saml.samlsource' }), false);
    const any = query('source: !Find [authentik_core.source, [slug, github]]\n', '/source')!;
    assert.equal(any.matches({ slug: 'github', meta_model_name: 'authentik_sources_saml.samlsource' }), true);
  });

  it('takes !Env values from the resolver, and gives nothing for an unset variable or an unknown field', () => {
    const yaml = 'enrollment_flow: !Find [authentik_flows.flow, [slug, !Env FLOW_SLUG]]\n';
    assert.deepEqual(query(yaml, '/enrollment_flow', { FLOW_SLUG: 'enroll' })!.params, { slug: 'enroll' });
    assert.equal(query(yaml, '/enrollment_flow'), undefined);
    const unknown: FindQuery = { model: 'authentik_flows.flow', filters: [['colour', 'red']] };
    assert.equal(findApiQuery(unknown), undefined);
  });
});

describe('fieldAcceptsObject and findTagFor', () => {
  it('refuses an object of another type found through a base', () => {
    const password = reference(IDENTIFICATION, 'password_stage');
    assert.equal(fieldAcceptsObject(password, { meta_model_name: 'authentik_stages_password.passwordstage' }), true);
    assert.equal(fieldAcceptsObject(password, { meta_model_name: 'authentik_stages_consent.consentstage' }), false);
    const any = reference('authentik_stages_authenticator_validate.authenticatorvalidatestage', 'configuration_stages');
    assert.equal(fieldAcceptsObject(any, { meta_model_name: 'authentik_stages_consent.consentstage' }), true);
    assert.equal(fieldAcceptsObject(any, { meta_model_name: 'authentik_stages_future.futurestage' }), true, 'a stage type newer than the table');
    assert.equal(fieldAcceptsObject(reference(IDENTIFICATION, 'enrollment_flow'), { slug: 'x' }), true);
  });

  it("writes the target's natural key, and nothing where the pk is the same on every server", () => {
    const tag = findTagFor(reference(IDENTIFICATION, 'enrollment_flow'), { pk: 'u', slug: 'default-enrollment-flow', name: 'Enrollment' })!;
    assert.equal(tag.tag, '!Find');
    assert.deepEqual(tag.value, ['authentik_flows.flow', ['slug', 'default-enrollment-flow']]);
    const written = findTagFor(reference('authentik_stages_prompt.promptstage', 'fields'), { pk: 'u', name: 'username' })!;
    assert.deepEqual(parseFindTag(written).find, { model: 'authentik_stages_prompt.prompt', filters: [['name', 'username']] }, 'what pull writes, the parser reads back');
    const validate = reference('authentik_stages_authenticator_validate.authenticatorvalidatestage', 'webauthn_allowed_device_types');
    assert.equal(findTagFor(validate, { aaguid: 'ee882879-721c-4913-9775-3dfcce97072a', description: 'YubiKey 5' }), undefined);
    assert.equal(findTagFor(reference(IDENTIFICATION, 'sources'), { pk: 'u', name: 'no slug' }), undefined);
  });
});
