/**
 * Blueprints through the engine, as authentik's loader and importer take them: the file's shape,
 * entries and their models, state, the stage rules inside entries (a create as a create, a
 * maybe-create as a warning), ids and `!KeyOf` order, and recognition by content.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { looksLikeBlueprint, parseBlueprint, SchemaCatalog, validateText, type FileProblem } from '@authentik-stages/engine';
import { schemaDir } from './support/paths';

const catalog = SchemaCatalog.fromDirectory(schemaDir);

function problems(text: string): FileProblem[] {
  return validateText(catalog, 'flows/login.yaml', text);
}

/** `line:column severity message` of each problem, in order. */
function shown(text: string): string[] {
  return problems(text).map((p) => `${p.line}:${p.column} ${p.severity} ${p.message}`);
}

function only(text: string, severity: FileProblem['severity'] = 'error'): FileProblem[] {
  return problems(text).filter((p) => p.severity === severity);
}

/** A blueprint of these entries (YAML list items, indented by two). */
function blueprint(...entries: string[]): string {
  return `version: 1\nmetadata:\n  name: test\nentries:\n${entries.join('')}`;
}

const FLOW = `  - model: authentik_flows.flow\n    id: flow\n    identifiers:\n      slug: login\n    attrs:\n      name: Login\n      title: Welcome\n      designation: authentication\n`;

describe('blueprints: recognition by content', () => {
  it('a YAML text with top-level version and entries is a blueprint, wherever it lives', () => {
    assert.equal(looksLikeBlueprint(blueprint(FLOW)), true);
    assert.ok(parseBlueprint(blueprint(FLOW)));
    assert.equal(parseBlueprint(blueprint(FLOW))!.entries.length, 1);
  });
  it('anything else is not: a compose file, nested keys, a stage file', () => {
    assert.equal(looksLikeBlueprint('services:\n  web:\n    image: nginx\n'), false);
    assert.equal(looksLikeBlueprint('spec:\n  version: 1\n  entries: []\n'), false);
    assert.equal(parseBlueprint('# version: 1\n# entries:\nname: x\n'), undefined);
    assert.equal(parseBlueprint('model: authentik_stages_dummy.dummystage\nname: x\n'), undefined);
  });
  it('a stage file named as one stays a stage file', () => {
    const stage = validateText(catalog, 'a.stage.yaml', 'model: authentik_stages_dummy.dummystage\nname: x\nthrow_error: 5\n');
    assert.match(stage[0]!.message, /throw_error/);
  });
});

describe('blueprints: the file', () => {
  it('a valid flow has no problems', () => assert.deepEqual(shown(blueprint(FLOW)), []));
  it('version must be the number 1', () => {
    assert.deepEqual(shown(blueprint(FLOW).replace('version: 1', 'version: 2')), ['1:10 error version: authentik reads blueprint version 1 only; the import fails with "Invalid blueprint version".']);
    assert.match(only(blueprint(FLOW).replace('version: 1', 'version: "1"'))[0]!.message, /the number 1, not text/);
  });
  it('metadata needs a name, labels are text', () => {
    assert.match(only(blueprint(FLOW).replace('  name: test\n', '  labels:\n    a: b\n'))[0]!.message, /metadata\.name is required/);
    const labels = only(blueprint(FLOW).replace('  name: test\n', '  name: test\n  labels:\n    blueprints.goauthentik.io/instantiate: false\n'));
    assert.equal(`${labels[0]!.line}:${labels[0]!.column}`, '5:44');
    assert.match(labels[0]!.message, /must be text \(quote it: "false"\)/);
  });
  it('entries: a list, or sections of lists applied in order', () => {
    const sections = `version: 1\nmetadata:\n  name: t\nentries:\n  flows:\n${FLOW.replace(/^ {2}/gm, '    ')}  bindings:\n    - model: authentik_flows.flowstagebinding\n      identifiers:\n        target: !KeyOf flow\n        stage: !Find [authentik_stages_dummy.dummystage, [name, x]]\n        order: 10\n`;
    assert.deepEqual(only(sections), []);
    assert.match(only('version: 1\nentries: 5\n')[0]!.message, /entries must be a list/);
  });
  it('several YAML documents: the loader refuses the file', () => {
    assert.match(only(`${blueprint(FLOW)}---\nversion: 1\nentries: []\n`)[0]!.message, /one YAML document/);
  });
  it('unknown keys are ignored by the loader: a warning with a suggestion', () => {
    const found = only(blueprint(FLOW).replace('    identifiers:', '    identifers:'), 'warning');
    assert.match(found[0]!.message, /identifers is not a key of a blueprint entry: the loader ignores it\. Did you mean identifiers\?/);
    assert.match(only(`contxt: {}\n${blueprint(FLOW)}`, 'warning')[0]!.message, /Did you mean context\?/);
  });
});

describe('blueprints: models', () => {
  const entry = (model: string): string => blueprint(`  - model: ${model}\n    identifiers:\n      name: x\n`);
  it('every model served with a <Model>Request, not only stages', () => {
    for (const model of ['authentik_policies_expression.expressionpolicy', 'authentik_core.group', 'authentik_providers_oauth2.scopemapping']) {
      assert.deepEqual(only(entry(model)), [], model);
    }
  });
  it('an unknown model lists a close one', () => {
    const [problem] = only(entry('authentik_stages_emial.emailstage'));
    assert.equal(`${problem!.line}:${problem!.column}`, '5:12');
    assert.match(problem!.message, /is not a model of authentik 2026\.8\.3: the importer fails with "App or Model does not exist"\. Did you mean authentik_stages_email\.emailstage\?/);
  });
  it('an unknown model of a known app lists that app\'s models', () => {
    assert.match(only(entry('authentik_stages_user_selection.userselectionstage'))[0]!.message, /Did you mean authentik_stages_user_delete\.userdeletestage\? Close ones: authentik_stages_user_login\.userloginstage, authentik_stages_user_logout\.userlogoutstage\./);
  });
  it('the model name in any case, the app label as written', () => {
    assert.deepEqual(only(entry('authentik_core.Group')), []);
    assert.match(problems(entry('authentik_core.Group'))[0]!.message, /reads this as authentik_core\.group/);
    assert.match(only(entry('Authentik_Core.group'))[0]!.message, /The app label is case-sensitive\. Did you mean authentik_core\.group\?/);
  });
  it('the meta model, lower case only', () => {
    const meta = (model: string): string => blueprint(`  - model: ${model}\n    attrs:\n      identifiers:\n        name: Default - Authentication flow\n`);
    assert.deepEqual(only(meta('authentik_blueprints.metaapplyblueprint')), []);
    assert.match(only(meta('authentik_blueprints.MetaApplyBlueprint'))[0]!.message, /in lower case/);
    assert.match(only(blueprint('  - model: authentik_blueprints.metaapplyblueprint\n    attrs:\n      required: false\n'))[0]!.message, /attrs\.identifiers is required/);
  });
  it('base classes and internally managed models are refused', () => {
    assert.match(only(entry('authentik_flows.stage'))[0]!.message, /refuses authentik_flows\.stage \("Model not allowed"\): a base class/);
    assert.match(only(entry('authentik_core.actor'))[0]!.message, /managed by authentik itself/);
  });
  it('not app_label.model at all', () => assert.match(only(entry('flow'))[0]!.message, /is not <app_label>\.<model>/));
  it('a model without a writable API is known, its fields unchecked', () => {
    const found = problems(entry('authentik_reports.dataexport'));
    assert.deepEqual(found.map((p) => p.severity), ['info']);
    assert.match(found[0]!.message, /fields are not checked/);
  });
});

describe('blueprints: entries and state', () => {
  const prompt = (state: string, attrs = '      label: Username\n      type: text\n'): string =>
    blueprint(`  - model: authentik_stages_prompt.prompt\n    state: ${state}\n    identifiers:\n      name: username\n    attrs:\n      field_key: username\n${attrs}`);
  it('must_created certainly creates: a missing required field is an error', () => {
    const [problem] = only(prompt('must_created', '      label: Username\n'));
    assert.equal(`${problem!.line}:${problem!.column}`, '5:5');
    assert.equal(problem!.message, 'Missing required field type of Prompt: This field is required.');
  });
  it('present and created may update: the same is a warning saying when it fails', () => {
    for (const state of ['present', 'created']) {
      assert.deepEqual(only(prompt(state, '      label: Username\n')), [], state);
      assert.match(only(prompt(state, '      label: Username\n'), 'warning')[0]!.message, /type of Prompt: the import fails \("This field is required\."\) if no object matches the identifiers/);
    }
  });
  it('absent: nothing about the fields (the importer ignores them)', () => {
    assert.deepEqual(problems(prompt('absent', '      prompt_type: text\n      placeholder: 5\n')), []);
  });
  it('the values given are checked for every state but absent, as the stage rules do', () => {
    const [problem] = only(prompt('created', '      label: Username\n      type: txt\n      order: many\n'));
    assert.match(problem!.message, /type: "txt" is not a valid choice/);
    assert.match(only(prompt('present', '      type: text\n      order: many\n'))[0]!.message, /order: A valid integer is required/);
  });
  it('identifiers are merged over attrs and checked with them', () => {
    const text = blueprint(`  - model: authentik_stages_email.emailstage\n    identifiers:\n      name: email\n      port: 3000000000\n    attrs:\n      port: 25\n      token_expiry: minutes=30\n`);
    const [problem] = only(text);
    assert.equal(`${problem!.line}:${problem!.column}`, '8:13');
    assert.match(problem!.message, /port: Ensure this value is less than or equal to 2147483647/);
  });
  it('durations, secrets and read-only fields as in stage files', () => {
    const text = blueprint(`  - model: authentik_stages_email.emailstage\n    identifiers:\n      name: email\n    attrs:\n      token_expiry: hours=x\n      password: hunter2\n      component: ak-x\n`);
    const found = shown(text);
    assert.ok(found.some((p) => /^9:21 error token_expiry/.test(p)), found.join('\n'));
    assert.ok(found.some((p) => /^10:17 warning password is a secret written in plain text/.test(p)), found.join('\n'));
    assert.ok(found.some((p) => /^11:7 info component is read-only/.test(p)), found.join('\n'));
  });
  it('a tag where a value goes is not second-guessed', () => {
    const text = blueprint(`  - model: authentik_stages_email.emailstage\n    identifiers:\n      name: email\n    attrs:\n      port: !Env SMTP_PORT\n      use_tls: !Context tls\n      password: !Env SMTP_PASSWORD\n`);
    assert.deepEqual(only(text), []);
  });
  it('state must be one of four', () => {
    assert.match(only(prompt('gone'))[0]!.message, /state: "gone" is not a state; authentik's importer knows present, created, must_created, absent/);
  });
  it('identifiers are required (the importer finds the object by them)', () => {
    const text = blueprint('  - model: authentik_flows.flow\n    attrs:\n      name: x\n');
    assert.match(only(text)[0]!.message, /has no identifiers: the importer finds the object by them and fails with "No or invalid identifiers"/);
    assert.match(only(blueprint('  - model: authentik_flows.flow\n    identifiers: {}\n'))[0]!.message, /has no identifiers/);
  });
  it('the typed structure: attrs null, identifiers a tag, id a number, conditions not a list', () => {
    assert.match(only(blueprint('  - model: authentik_flows.flow\n    identifiers:\n      slug: x\n    attrs: null\n'))[0]!.message, /attrs: null stops the import/);
    assert.match(only(blueprint('  - model: authentik_flows.flow\n    identifiers: !Context x\n'))[0]!.message, /identifiers must be a mapping of field names to values, not a !Context tag/);
    assert.match(only(blueprint('  - model: authentik_flows.flow\n    id: 5\n    identifiers:\n      slug: x\n'))[0]!.message, /id must be text, not a number: quote it \("5"\)/);
    assert.match(only(blueprint('  - model: authentik_flows.flow\n    conditions: true\n    identifiers:\n      slug: x\n'))[0]!.message, /conditions must be a list/);
  });
  it('permissions: a codename and a user pk or a role pk', () => {
    const text = blueprint(`${FLOW}    permissions:\n      - permission: view_flow\n        user: akadmin\n      - role: 5\n`);
    const found = only(text).map((p) => p.message);
    assert.match(found[0]!, /permissions\[0\]\.user must be a user's pk \(a number\)/);
    assert.match(found[1]!, /permissions\[1\] needs a permission/);
    assert.match(found[2]!, /permissions\[1\]\.role must be a role's pk/);
  });
});

describe('blueprints: ids and !KeyOf', () => {
  const binding = (target: string): string => `  - model: authentik_flows.flowstagebinding\n    identifiers:\n      target: ${target}\n      stage: !KeyOf stage\n      order: 10\n`;
  const STAGE = '  - model: authentik_stages_dummy.dummystage\n    id: stage\n    identifiers:\n      name: dummy\n';
  it('a !KeyOf to an earlier entry is sound', () => assert.deepEqual(only(blueprint(FLOW, STAGE, binding('!KeyOf flow'))), []));
  it('a !KeyOf to a later entry fails the import (entries are applied in order)', () => {
    const [problem] = only(blueprint(STAGE, binding('!KeyOf flow'), FLOW));
    assert.equal(`${problem!.line}:${problem!.column}`, '11:15');
    assert.match(problem!.message, /!KeyOf flow: the entry with this id is entry 3, after this one \(2\); the importer applies entries in order/);
  });
  it('an unknown id, with the closest id suggested', () => {
    const [problem] = only(blueprint(FLOW, STAGE, binding('!KeyOf flw')));
    assert.match(problem!.message, /no entry has the id "flw".*Did you mean flow\?/);
  });
  it('a !KeyOf to an entry that deletes fails', () => {
    assert.match(only(blueprint(FLOW.replace('    id: flow\n', '    id: flow\n    state: absent\n'), STAGE, binding('!KeyOf flow')))[0]!.message, /deletes its object \(state: absent\)/);
  });
  it('in an entry that deletes, a bad !KeyOf only skips it: a warning', () => {
    const gone = binding('!KeyOf nowhere').replace('    identifiers:', '    state: absent\n    identifiers:');
    assert.deepEqual(only(blueprint(FLOW, STAGE, gone)), []);
    assert.match(only(blueprint(FLOW, STAGE, gone), 'warning')[0]!.message, /skips it instead of failing/);
  });
  it('a conditional target from an unconditional entry: a warning', () => {
    const conditional = FLOW.replace('    id: flow\n', '    id: flow\n    conditions:\n      - !Context enabled\n');
    const text = blueprint(conditional, STAGE, binding('!KeyOf flow')).replace('entries:', 'context:\n  enabled: true\nentries:');
    assert.deepEqual(only(text, 'warning').map((p) => p.message), ['!KeyOf flow: entry 1 has conditions this entry does not share; when they are false it is skipped and this !KeyOf fails the import.']);
  });
  it('duplicate ids: a warning, the first one wins', () => {
    const [problem] = only(blueprint(FLOW, FLOW.replace('slug: login', 'slug: other')), 'warning');
    assert.equal(`${problem!.line}:${problem!.column}`, '14:9');
    assert.match(problem!.message, /id "flow" is also the id of entry 1/);
  });
});

/**
 * The stage rules inside blueprint entries: each body below, as a stage file and as the attrs of a
 * `must_created` entry (which certainly creates, as a new stage file does), gets the same messages.
 */
describe('blueprints: the stage rules, exactly as in stage files', () => {
  const BODIES: Record<string, string> = {
    'a duration': 'model: authentik_stages_email.emailstage\nname: e\ntoken_expiry: minutes=30;hours\n',
    'an enum, a boolean and an integer': 'model: authentik_stages_prompt.prompt\nname: p\nfield_key: k\nlabel: L\ntype: txt\nrequired: maybe\norder: 1.5\n',
    'a UUID and a list of them': 'model: authentik_stages_identification.identificationstage\nname: i\npassword_stage: not-a-uuid\nsources: [also-not]\nuser_fields: []\n',
    'a server rule the OpenAPI document does not show': 'model: authentik_stages_redirect.redirectstage\nname: r\nmode: static\n',
    'a configure action without its stages': 'model: authentik_stages_authenticator_validate.authenticatorvalidatestage\nname: v\nnot_configured_action: configure\n',
    'blank text and a number where text goes': 'model: authentik_stages_user_write.userwritestage\nname: "  "\nuser_path_template: 5\n',
    'a missing required field': 'model: authentik_stages_prompt.prompt\nname: p\nlabel: L\ntype: text\n',
    'an unknown and a read-only key': 'model: authentik_stages_dummy.dummystage\nname: d\nthrow_eror: true\nverbose_name: x\n',
    'a built-in email template misspelt': 'model: authentik_stages_email.emailstage\nname: e\ntemplate: email/pasword_reset.html\n',
  };
  for (const [what, body] of Object.entries(BODIES)) {
    it(what, () => {
      const asStage = validateText(catalog, 'x.stage.yaml', body).map((p) => `${p.severity} ${p.message}`);
      const lines = body.trimEnd().split('\n');
      const model = lines[0]!.slice('model: '.length);
      const attrs = lines.slice(1).map((line) => `      ${line}\n`).join('');
      const inBlueprint = problems(blueprint(`  - model: ${model}\n    state: must_created\n    identifiers:\n      pk: 9a7b3c2d-0000-4000-8000-000000000001\n    attrs:\n${attrs}`)).map((p) => `${p.severity} ${p.message}`);
      assert.ok(asStage.length > 0, 'the body has problems as a stage file');
      assert.deepEqual(inBlueprint, asStage);
    });
  }
});
