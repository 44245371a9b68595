// The checks of authentik's 14 blueprint tags (server/engine/blueprint/tagChecks.ts): every tag's
// good and bad shapes, where in a blueprint a tag is resolved, and authentik's own blueprints (the
// shared corpus, which the real server imports) without a single error.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkBlueprintTags, type TagCheckContext, type TagFinding } from '../server/engine/blueprint/tagChecks';
import { percentFormatProblem } from '../server/engine/blueprint/percentFormat';
import { BLUEPRINT_TAGS, isBlueprintTag } from '../server/engine/blueprint/tags';
import { parseStageDocument, type Span } from '../server/engine/document/stageDocument';
import { isPlainObject } from '../server/engine/document/tags';
import { corpusDir } from './support/paths';

/** The models authentik's blueprints in the corpus name in !Find, with their API fields (blueprint schema 2026.8). */
const MODELS: Record<string, { fields: readonly string[] } | 'no-schema'> = {
  'authentik_flows.flow': { fields: ['name', 'slug', 'title', 'designation', 'background', 'policy_engine_mode', 'compatibility_mode', 'layout', 'denied_action', 'authentication'] },
  'authentik_core.group': { fields: ['name', 'is_superuser', 'parents', 'users', 'attributes', 'roles'] },
  'authentik_policies_password.passwordpolicy': { fields: ['name', 'execution_logging', 'password_field', 'length_min'] },
  'authentik_policies_expression.expressionpolicy': { fields: ['name', 'execution_logging', 'expression'] },
  'authentik_stages_prompt.promptstage': { fields: ['name', 'fields', 'validation_policies'] },
  'authentik_stages_user_login.userloginstage': { fields: ['name', 'session_duration', 'terminate_other_sessions'] },
  'authentik_enterprise.license': 'no-schema',
};

const findModel: TagCheckContext['findModel'] = (model) => MODELS[model];

interface Expected {
  pointer: string;
  severity: TagFinding['severity'];
  phase: TagFinding['phase'];
  /** A part of the message. */
  says: string;
  span?: Span;
  /** Fatal even in an `absent` entry: not an EntryInvalidError. */
  uncaught?: boolean;
}

/** The findings for a whole blueprint text; its `context:` keys are the file's. */
function check(text: string, options: { syntaxErrors?: boolean } = {}): TagFinding[] {
  const doc = parseStageDocument(text, 'yaml');
  assert.equal(doc.syntaxErrors.length > 0, options.syntaxErrors ?? false, `syntax errors: ${JSON.stringify(doc.syntaxErrors)}`);
  const root = doc.value;
  const context = isPlainObject(root) && isPlainObject(root['context']) ? Object.keys(root['context']) : [];
  const findings = checkBlueprintTags(doc, { contextKeys: new Set(context), findModel, modelNames: Object.keys(MODELS) });
  for (const finding of findings) assert.ok(doc.locations.has(finding.pointer), `${finding.pointer} is a pointer of the document`);
  return findings;
}

/** The pointer of the value `v` in `blueprint(…)`. */
const V = '/entries/0/attrs/v';

/** A blueprint with one flow entry whose attribute `v` is `value`, and a context key `known`. */
function blueprint(value: string): string {
  return ['version: 1', 'context:', '  known: 1', 'entries:', '  - model: authentik_flows.flow', '    identifiers: {slug: a}', '    attrs:', `      v: ${value}`, ''].join('\n');
}

function assertFindings(actual: readonly TagFinding[], expected: readonly Expected[]): void {
  const shown = JSON.stringify(actual, null, 1);
  assert.equal(actual.length, expected.length, `findings: ${shown}`);
  expected.forEach((want, i) => {
    const got = actual[i]!;
    assert.equal(got.pointer, want.pointer, shown);
    assert.equal(got.severity, want.severity, shown);
    assert.equal(got.phase, want.phase, shown);
    assert.ok(got.message.includes(want.says), `"${got.message}" should say "${want.says}"`);
    assert.deepEqual(got.span, want.span, shown);
    assert.equal(got.uncaught ?? false, want.uncaught ?? false, `uncaught: ${shown}`);
  });
}

/** Checks `v: value` and expects exactly `expected`. */
function expectValue(value: string, ...expected: Expected[]): void {
  assertFindings(check(blueprint(value)), expected);
}

/** The span of the `nth` occurrence of `part` in `value` as placed by `blueprint(value)`. */
function spanIn(value: string, part: string, nth = 0): Span {
  const text = blueprint(value);
  let at = text.indexOf(value);
  for (let i = 0; i <= nth; i++) at = text.indexOf(part, i === 0 ? at : at + 1);
  return { start: at, end: at + part.length };
}

const error = (pointer: string, phase: TagFinding['phase'], says: string, span?: Span): Expected => ({ pointer, severity: 'error', phase, says, ...(span ? { span } : {}) });
const warning = (pointer: string, phase: TagFinding['phase'], says: string): Expected => ({ pointer, severity: 'warning', phase, says });
/** A finding whose exception authentik's importer does not catch. */
const uncaught = (expected: Expected): Expected => ({ ...expected, uncaught: true });

describe('blueprint tags: the metadata', () => {
  it('has one record for each of the loader’s 14 tags, with forms, a snippet and documentation', () => {
    assert.deepEqual(
      BLUEPRINT_TAGS.map((t) => t.name),
      ['!KeyOf', '!Find', '!FindObject', '!Context', '!Format', '!Condition', '!If', '!Env', '!File', '!Enumerate', '!Value', '!Index', '!AtIndex', '!ParseJSON'],
    );
    for (const tag of BLUEPRINT_TAGS) {
      assert.ok(tag.forms.every((form) => form.startsWith(tag.name)), tag.name);
      assert.ok(tag.snippet.startsWith(tag.name) && tag.snippet.includes('${1'), tag.name);
      assert.ok(tag.summary.length > 0 && !tag.summary.includes('\n') && tag.documentation.includes('```yaml'), tag.name);
    }
    assert.equal(isBlueprintTag('!Find'), true);
    assert.equal(isBlueprintTag('!find'), false);
    assert.equal(isBlueprintTag('!Bogus'), false);
  });
});

describe('blueprint tags: outside the 14', () => {
  it('is a load error naming the 14 and the close one, wherever it is', () => {
    expectValue('!Keyof flow', error(V, 'load', 'authentik\'s loader knows only !KeyOf, !Find, !FindObject, !Context, !Format, !Condition, !If, !Env, !File, !Enumerate, !Value, !Index, !AtIndex, !ParseJSON'));
    expectValue('!Keyof flow', error(V, 'load', 'Did you mean !KeyOf?'));
    assertFindings(check('version: 1\nmetadata:\n  name: x\n  labels: {a: !Secret x}\nentries: []\n'), [error('/metadata/labels/a', 'load', "could not determine a constructor for the tag '!Secret'")]);
  });

  it('is found inside another unknown tag’s value and inside a known tag’s arguments', () => {
    expectValue('!Bogus [!Other x]', error(V, 'load', '!Bogus is not a blueprint tag'), error(`${V}/0`, 'load', '!Other is not a blueprint tag'));
    expectValue('!Format ["%s", !Upper x]', error(`${V}/1`, 'load', '!Upper is not a blueprint tag'));
  });

  it('leaves YAML core tags and the non-specific tag alone (PyYAML reads them as plain values)', () => {
    expectValue('!!str 5');
    expectValue('! text');
  });
});

describe('blueprint tags: where they are resolved', () => {
  it('resolves the entry’s model, state, identifiers, attrs, conditions and permissions', () => {
    const text = [
      'version: 1',
      'entries:',
      '  - model: !Value 0',
      '    state: !Value 0',
      '    id: !Value 0',
      '    identifiers: {slug: !Value 0}',
      '    conditions: [!Value 0]',
      '    permissions: [{permission: !Value 0, other: !Value 0}]',
      '    unknown_key: !Value 0',
      'metadata: {name: !Value 0}',
      '',
    ].join('\n');
    const pointers = check(text).map((f) => [f.pointer, f.phase]);
    assert.deepEqual(pointers, [
      ['/entries/0/model', 'resolve'],
      ['/entries/0/state', 'resolve'],
      ['/entries/0/identifiers/slug', 'resolve'],
      ['/entries/0/conditions/0', 'resolve'],
      ['/entries/0/permissions/0/permission', 'resolve'],
    ]);
  });

  it('checks the shapes of tags the importer never resolves: the loader constructs them all', () => {
    assertFindings(check('version: 1\nentries:\n  - model: authentik_flows.flow\n    id: !Value zero\n'), [error('/entries/0/id', 'load', 'takes a depth, an integer')]);
  });

  it('checks only the shapes in a document that is not a mapping', () => {
    assertFindings(check('- !Value 0\n- !Value x\n'), [error('/1', 'load', 'takes a depth')]);
  });

  it('makes an !Enumerate in an !If branch give its items to its body', () => {
    expectValue('!If [true, !Enumerate [[a], SEQ, !Value 0], b]');
  });

  it('reads entries grouped in sections', () => {
    assertFindings(check('version: 1\nentries:\n  flows:\n    - model: authentik_flows.flow\n      attrs: {v: !Condition [MAYBE, true]}\n'), [error('/entries/flows/0/attrs/v/0', 'resolve', 'is not a mode')]);
  });

  it('resolves a context value when !Context reads it, but not tags inside a list there', () => {
    const text = 'version: 1\ncontext:\n  a: !Find [authentik_flows.flwo, [slug, x]]\n  b: [!Env X]\nentries: []\n';
    assertFindings(check(text), [
      error('/context/a/0', 'resolve', 'authentik has no model authentik_flows.flwo'),
      warning('/context/b/0', 'resolve', 'inside a list or mapping given to context:'),
    ]);
  });

  it('warns of a tag inside a list argument, and checks nothing it would do when resolved', () => {
    expectValue('!Format ["%s", [!Format ["%s %s", a]]]', warning(`${V}/1/0`, 'resolve', '!Format is passed on unresolved: it is inside a list or mapping given to !Format'));
    expectValue('!Condition [AND, {a: !Value 0}]', warning(`${V}/1/a`, 'resolve', '!Value is passed on unresolved'));
  });

  it('resolves every tag of a plain list or mapping in the entry itself', () => {
    expectValue('[{a: !Context known}, !Context known]');
  });
});

describe('!KeyOf', () => {
  it('takes an id', () => {
    expectValue('!KeyOf flow');
    expectValue('!KeyOf 12');
  });

  it('fails at import on a list or an empty id', () => {
    expectValue('!KeyOf [flow]', error(V, 'resolve', 'takes the id of an earlier entry as plain text'));
    expectValue('!KeyOf', error(V, 'resolve', '!KeyOf names no id'));
  });
});

describe('!Find and !FindObject', () => {
  it('takes a model and [field, value] conditions, Django lookups included', () => {
    expectValue('!Find [authentik_flows.flow, [slug, default-password-change]]');
    expectValue('!Find [authentik_flows.Flow, [slug__iexact, x], [pk__isnull, false], [id, 1], [name, !Context known]]');
    expectValue('!Find [authentik_enterprise.license, [anything, x]]');
    expectValue('!Find [!Context known, [whatever, x]]');
    expectValue('!FindObject [authentik_core.group, [name, admins]]');
  });

  it('is refused at load when not a non-empty list or a condition is not a list', () => {
    expectValue('!Find authentik_flows.flow', error(V, 'load', '!Find takes a list, !Find [model, [field, value], …], not the text "authentik_flows.flow"'));
    expectValue('!Find []', error(V, 'load', '!Find is empty'));
    expectValue('!Find [authentik_flows.flow, slug]', error(`${V}/1`, 'load', 'each item after the model is a list [field, value]'));
    expectValue('!FindObject [authentik_flows.flow, {slug: x}]', error(`${V}/1`, 'load', "!FindObject's condition is a mapping"));
  });

  it('fails at import on a short condition, a model that is not app_label.model, or a field that is not text', () => {
    expectValue('!Find [authentik_flows.flow, [slug]]', uncaught(error(`${V}/1`, 'resolve', "!Find's condition has no value")));
    expectValue('!Find [flow, [slug, x]]', uncaught(error(`${V}/0`, 'resolve', 'app_label.model (e.g. authentik_flows.flow), not the text "flow"')));
    expectValue('!Find [authentik_flows.flow, ""]', uncaught(error(`${V}/1`, 'resolve', "!Find's condition is empty")));
    expectValue('!Find [authentik_flows.flow, [5, x]]', uncaught(error(`${V}/1/0`, 'resolve', "!Find's field is the number 5")));
  });

  it('names a close model for an unknown one', () => {
    expectValue('!Find [authentik_flows.flwo, [slug, x]]', error(`${V}/0`, 'resolve', 'Did you mean authentik_flows.flow?'));
  });

  it('warns of a field the catalog does not know: the import fails only if the model lacks it too', () => {
    expectValue('!Find [authentik_flows.flow, [sulg__iexact, x]]', uncaught(warning(`${V}/1/0`, 'resolve', "has no field sulg in authentik's API (did you mean slug?); if the model has no such field either, the import fails with Django's FieldError")));
  });

  it('warns of what authentik ignores in a condition, and of a tag inside a condition’s value', () => {
    expectValue('!Find [authentik_flows.flow, [slug, x, y]]', warning(`${V}/1/2`, 'load', 'only [field, value] is read'));
    expectValue('!Find [authentik_flows.flow, !Context [slug, x]]', warning(`${V}/1`, 'load', 'is tagged !Context, which authentik ignores'));
    expectValue('!Find [authentik_flows.flow, [slug, [!Context known]]]', warning(`${V}/1/1/0`, 'resolve', 'passed on unresolved'));
  });
});

describe('!Context', () => {
  it('takes a key of context:, of the importer’s defaults, or any key with a default', () => {
    expectValue('!Context known');
    expectValue('!Context goauthentik.io/enterprise/licensed');
    expectValue('!Context [flow_slug, invitation-enrollment-flow]');
    expectValue('!Context [flow_slug, !Context known]');
  });

  it('warns of a key found nowhere without a default', () => {
    expectValue('!Context unknown_key', warning(V, 'resolve', 'unless the blueprint instance\'s context supplies it, it resolves to null. Add it under context:, or give a default: !Context [unknown_key, default].'));
    expectValue('!Context knwon', warning(V, 'resolve', 'Did you mean known?'));
  });

  it('is refused at load as a list without a default; fails at import as a mapping or an unhashable key', () => {
    expectValue('!Context [known]', error(V, 'load', '!Context [key] has no default'));
    expectValue('!Context {a: 1}', uncaught(error(V, 'resolve', 'not a mapping')));
    expectValue('!Context [[a], x]', uncaught(error(`${V}/0`, 'resolve', 'unhashable')));
  });

  it('warns that a tag as the key is never resolved', () => {
    expectValue('!Context [!Env NAME, x]', warning(`${V}/0`, 'resolve', "!Context's key is not resolved"));
  });
});

describe('!Format', () => {
  it('formats with Python % placeholders', () => {
    expectValue('!Format ["users/%s", !Context [user_type, external]]');
    expectValue('!Format ["100%% of %s, {} and %5.2f, %-3d, %*d", a, 1.5, 2, 3, 4]');
    expectValue('!Format ["no placeholder"]');
  });

  it('fails at import when the placeholders and the arguments differ in number', () => {
    const missing = '!Format ["%s-%s", x]';
    expectValue(missing, error(`${V}/0`, 'resolve', 'TypeError: not enough arguments for format string', spanIn(missing, '%s', 1)));
    expectValue('!Format ["%s", a, b]', error(`${V}/2`, 'resolve', 'not all arguments converted during string formatting'));
  });

  it('fails at import on a named placeholder, an unsupported conversion, an incomplete one, a wrong literal type', () => {
    const named = '!Format ["hello %(name)s", x]';
    expectValue(named, error(`${V}/0`, 'resolve', 'format requires a mapping', spanIn(named, '%(name)s')));
    const unsupported = "!Format ['a %q', x]";
    expectValue(unsupported, uncaught(error(`${V}/0`, 'resolve', "ValueError: unsupported format character 'q' (0x71) at index 3", spanIn(unsupported, '%q'))));
    const incomplete = '!Format ["50 %", x]';
    expectValue(incomplete, uncaught(error(`${V}/0`, 'resolve', 'ValueError: incomplete format', spanIn(incomplete, '%'))));
    const typed = '!Format ["%d items", abc]';
    expectValue(typed, error(`${V}/0`, 'resolve', '%d format: a real number is required, not str', spanIn(typed, '%d')));
  });

  it('does not judge the type of a literal PyYAML (YAML 1.1) may read differently', () => {
    expectValue('!Format ["%d", yes]');
    expectValue('!Format ["%d", 1_000]');
  });

  it('points at the whole format string when the source escapes characters', () => {
    expectValue('!Format ["a\\t%s %s", x]', error(`${V}/0`, 'resolve', 'not enough arguments'));
  });

  it('fails at import on a tag or a non-text value as the format string; refused at load when not a non-empty list', () => {
    expectValue('!Format [!Context known, x]', error(`${V}/0`, 'resolve', 'is not resolved: authentik applies % to the !Context tag itself'));
    expectValue('!Format [5]', error(`${V}/0`, 'resolve', "is the number 5, and Python's % formats text only"));
    expectValue('!Format []', error(V, 'load', '!Format is empty'));
    expectValue('!Format "%s"', error(V, 'load', '!Format takes a list'));
  });
});

describe('!Condition', () => {
  it('takes a mode among the six, in any case, and values', () => {
    expectValue('!Condition [AND, true, !Context known]');
    expectValue('!Condition [xnor, true]');
  });

  it('fails at import on another mode, a non-text mode or no value', () => {
    expectValue('!Condition [MAYBE, true]', error(`${V}/0`, 'resolve', '!Condition: "MAYBE" is not a mode; authentik\'s importer knows AND, NAND, OR, NOR, XOR, XNOR (case-insensitive).'));
    expectValue('!Condition [ORR, true]', error(`${V}/0`, 'resolve', 'Did you mean OR?'));
    expectValue('!Condition [5, true]', uncaught(error(`${V}/0`, 'resolve', 'calls .upper() on it')));
    expectValue('!Condition [!Context known, true]', uncaught(error(`${V}/0`, 'resolve', 'a !Context tag, which is not resolved')));
    expectValue('!Condition [AND]', error(V, 'resolve', 'At least one value is required after mode selection.'));
  });

  it('is refused at load when not a non-empty list', () => {
    expectValue('!Condition AND', error(V, 'load', '!Condition takes a list'));
    expectValue('!Condition []', error(V, 'load', '!Condition is empty'));
  });
});

describe('!If', () => {
  it('takes [condition] or [condition, when_true, when_false]', () => {
    expectValue('!If [!Context known]');
    expectValue('!If [true, a, b]');
  });

  it('is refused at load with 2 items, none, or not a list', () => {
    expectValue('!If [true, a]', error(V, 'load', '!If has 2 items'));
    expectValue('!If []', error(V, 'load', '!If is empty'));
    expectValue('!If yes', error(V, 'load', '!If takes a list'));
  });

  it('resolves its branches deeply, and warns of items after the third', () => {
    expectValue('!If [true, [!Context missing_key], b]', warning(`${V}/1/0`, 'resolve', '"missing_key" is not a key'));
    expectValue('!If [true, a, b, c]', warning(`${V}/3`, 'load', 'ignores the 1 after them'));
  });
});

describe('!Env and !File', () => {
  it('take a name or path, with an optional default, and are never type-checked', () => {
    expectValue('!Env AUTHENTIK_SECRET');
    expectValue('!Env [ AUTHENTIK_SCRIBE_HUB_REDIRECT_AFTER_LOGIN_URI, null ]');
    expectValue('!File /run/secrets/x');
    expectValue('!File [/run/secrets/x, fallback]');
  });

  it('are refused at load as a list without a default; fail at import as a mapping or with a non-text name', () => {
    expectValue('!Env [NAME]', error(V, 'load', '!Env […] has no default'));
    expectValue('!File [/x]', error(V, 'load', '!File […] has no default'));
    expectValue('!Env {a: 1}', uncaught(error(V, 'resolve', 'not a mapping')));
    expectValue('!Env [!Context known, x]', uncaught(error(`${V}/0`, 'resolve', "Python's os.getenv rejects it")));
    expectValue('!File [[a], x]', uncaught(error(`${V}/0`, 'resolve', "Python's open rejects it")));
  });

  it('warn of an empty name and of a tag as the default (returned unresolved)', () => {
    expectValue('!Env ""', warning(V, 'resolve', '!Env names no environment variable name'));
    expectValue('!Env [NAME, !Context known]', warning(`${V}/1`, 'resolve', "it is !Env's default, which authentik returns as written"));
  });
});

describe('!Enumerate, !Index and !Value', () => {
  it('enumerates a list or mapping into SEQ or MAP, with !Index/!Value in the body', () => {
    expectValue('!Enumerate [[alice, bob], SEQ, {name: !Value 0, n: !Index 0}]');
    expectValue('!Enumerate [{a: 1}, map, [!Index 0, !Value 0]]');
    expectValue('!Enumerate [[a], SEQ, !Enumerate [[b], SEQ, [!Value 1, !Value 0, !Index 1]]]');
    expectValue('!Enumerate [[[a, b]], SEQ, !Enumerate [!Value 1, SEQ, !Value 0]]');
  });

  it('is refused at load with fewer than 3 items', () => {
    expectValue('!Enumerate [[a], SEQ]', error(V, 'load', '!Enumerate has 2 items'));
  });

  it('fails at import on an unknown mode, a non-iterable, or a MAP body that is not a mapping or pair', () => {
    expectValue('!Enumerate [[a], LIST, x]', error(`${V}/1`, 'resolve', '"LIST" is not a mode'));
    expectValue('!Enumerate [5, SEQ, x]', error(`${V}/0`, 'resolve', 'cannot be iterated'));
    expectValue('!Enumerate [[a], MAP, x]', error(`${V}/2`, 'resolve', 'Invalid Enumerate item found'));
    expectValue('!Enumerate [[], MAP, x]');
    expectValue('!Enumerate [[a], MAP, [only]]', uncaught(error(`${V}/2`, 'resolve', 'the body is a list of 1 item')));
    expectValue('!Enumerate [[a], 5, x]', uncaught(error(`${V}/1`, 'resolve', "!Enumerate's mode is the number 5")));
  });

  it('fails at import on !Index/!Value outside a body, too deep, negative, or 0 as the iterable', () => {
    expectValue('!Value 0', error(V, 'resolve', '!Value is only usable inside the body (third item) of an !Enumerate'));
    expectValue('!Enumerate [!Index 0, SEQ, x]', error(`${V}/0`, 'resolve', 'refers to that !Enumerate\'s own item'));
    expectValue('!Enumerate [[a], SEQ, !Value 1]', error(`${V}/2`, 'resolve', 'the largest depth is 0'));
    expectValue('!Enumerate [[a], SEQ, !Index -1]', error(`${V}/2`, 'resolve', 'cannot be negative'));
  });

  it('knows an !Enumerate given as another tag’s argument does not make its item available', () => {
    expectValue('!Format ["%s", !Enumerate [[a], SEQ, !Value 0]]', error(`${V}/1/2`, 'resolve', "the !Enumerate around it is another tag's argument"));
  });

  it('refuses at load a depth that is not an integer', () => {
    expectValue('!Index first', error(V, 'load', 'its constructor runs int() on it'));
    expectValue('!Value [0]', error(V, 'load', '!Value takes a depth, an integer such as 0 (the innermost !Enumerate), not a list'));
  });
});

describe('!AtIndex', () => {
  it('takes [object, key] or [object, key, default]', () => {
    expectValue('!AtIndex [[a, b], 1]');
    expectValue('!AtIndex [[a, b], -2]');
    expectValue('!AtIndex [[a, b], 5, fallback]');
    expectValue('!AtIndex [{a: 1}, a]');
    expectValue('!AtIndex [!Context known, 0]');
    expectValue('!AtIndex [[a, b], yes]');
  });

  it('fails at import on a literal without the index or key and without default, or a non-integer list index', () => {
    expectValue('!AtIndex [[a, b], 2]', error(`${V}/1`, 'resolve', 'index 2 does not exist ("Index out of range")'));
    expectValue('!AtIndex [[a, b], first]', error(`${V}/1`, 'resolve', 'Invalid index for list'));
    expectValue('!AtIndex [{a: 1}, b]', error(`${V}/1`, 'resolve', 'the mapping has no key "b" ("Key does not exist")'));
    expectValue('!AtIndex [5, 0]', uncaught(error(`${V}/1`, 'resolve', "argument of type 'int' is not iterable")));
  });

  it('is refused at load with fewer than 2 items; warns that a tag as the default is not resolved', () => {
    expectValue('!AtIndex [[a]]', error(V, 'load', '!AtIndex has 1 item'));
    expectValue('!AtIndex x', error(V, 'load', '!AtIndex takes a list'));
    expectValue('!AtIndex [[a], 0, !Context known]', warning(`${V}/2`, 'resolve', "it is !AtIndex's default"));
  });
});

describe('!ParseJSON', () => {
  it('takes JSON text, with Python’s NaN and Infinity', () => {
    expectValue(`!ParseJSON '{"a": [1, 2]}'`);
    expectValue(`!ParseJSON '[NaN, -Infinity, "NaN"]'`);
  });

  it('fails at import on text that is not JSON, or a list', () => {
    expectValue('!ParseJSON {a: 1}', uncaught(error(V, 'resolve', '!ParseJSON takes JSON written as one scalar')));
    expectValue(`!ParseJSON '{a: 1}'`, error(V, 'resolve', '!ParseJSON: the text is not JSON'));
  });
});

describe("Python's % formatting", () => {
  const lit = (value: unknown) => ({ known: true as const, value });
  it('raises what CPython raises first', () => {
    assert.equal(percentFormatProblem('%q', [])?.message, 'not enough arguments for format string');
    assert.equal(percentFormatProblem('%q', [lit(1)])?.message, "unsupported format character 'q' (0x71) at index 1");
    assert.equal(percentFormatProblem('%5%', [lit(1)])?.message, "unsupported format character '%' (0x25) at index 2");
    assert.equal(percentFormatProblem('%lld', [lit(1)])?.message, "unsupported format character 'l' (0x6c) at index 2");
    assert.equal(percentFormatProblem('%*d', [lit('a'), lit(1)])?.message, '* wants int');
    assert.equal(percentFormatProblem('%x', [lit(1.5)])?.message, '%x format: an integer is required, not float');
    assert.equal(percentFormatProblem('%c', [lit('ab')])?.message, '%c requires int or char');
    assert.equal(percentFormatProblem('%e', [lit('1')])?.message, 'must be real number, not str');
    assert.equal(percentFormatProblem('%hd %c %#x %.d % d %r %a', [lit(1), lit('a'), lit(1), lit(1), lit(1), lit(null), lit([1])]), undefined);
    assert.equal(percentFormatProblem('%d', [{ known: false }]), undefined);
  });
});

/**
 * Corpus files the editor's YAML parser reports errors in although PyYAML reads them: a
 * double-quoted string continued at its key's indentation (an expression policy). What it parses is
 * still checked.
 */
const PARSER_DIFFERENCES = new Set(['scribe__scribe-recovery-flow.yaml']);

describe('the corpus: authentik’s own blueprints', () => {
  // Not even a warning: every tag there is written as its resolver uses it.
  it('has no error-severity finding (the real server imports every file), nor any other', () => {
    const dir = corpusDir();
    const files = readdirSync(dir).filter((name) => name.endsWith('.yaml'));
    assert.ok(files.length >= 30, `${files.length} corpus files`);
    let tags = 0;
    for (const name of files) {
      const text = readFileSync(join(dir, name), 'utf8');
      tags += (text.match(/ !(KeyOf|Find|Context|Format|If|Env)\b/g) ?? []).length;
      assert.deepEqual(check(text, { syntaxErrors: PARSER_DIFFERENCES.has(name) }), [], name);
    }
    assert.ok(tags > 300, `the corpus uses ${tags} tags`);
  });
});
