/** The server's parsing rules, mirrored: Python's int/float/uuid, DRF conversions, durations, formats. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coerce } from '../server/engine/validation/drf';
import { checkDuration, describeSeconds } from '../server/engine/validation/duration';
import { isValidEmail, isValidUrl } from '../server/engine/validation/formats';
import { canonicalUuid, parsePythonFloat, parsePythonInt, pythonStr } from '../server/engine/validation/python';
import { splitYamlDocuments } from '../server/engine/document/split';
import { nestingDepth } from '../server/engine/document/nesting';
import { closestMatch } from '../server/engine/util/closest';
import { globToRegExp } from '../client/src/cli/glob';

describe('python', () => {
  it('int() and float() accept what Python accepts', () => {
    assert.equal(parsePythonInt(' +25 '), 25);
    assert.equal(parsePythonInt('1_000'), 1000);
    assert.equal(parsePythonInt('1__0'), undefined);
    assert.equal(parsePythonInt('2.5'), undefined);
    assert.equal(parsePythonFloat('1e3'), 1000);
    assert.equal(parsePythonFloat(' .5 '), 0.5);
    assert.equal(parsePythonFloat('-Infinity'), -Infinity);
    assert.ok(Number.isNaN(parsePythonFloat('nan')));
    assert.equal(parsePythonFloat('1,5'), undefined);
  });
  it('str() of JSON values', () => {
    assert.equal(pythonStr(true), 'True');
    assert.equal(pythonStr(null), 'None');
    assert.equal(pythonStr(['a', 1]), "['a', 1]");
  });
  it('uuid.UUID() forms', () => {
    const canonical = '0b5d7c9e-1f2a-4b3c-8d4e-5f6a7b8c9d0e';
    assert.equal(canonicalUuid(canonical.toUpperCase()), canonical);
    assert.equal(canonicalUuid(`{${canonical.replace(/-/g, '')}}`), canonical);
    assert.equal(canonicalUuid(`urn:uuid:${canonical}`), canonical);
    assert.equal(canonicalUuid('0b5d7c9e'), undefined);
  });
});

describe('DRF conversions', () => {
  it('CharField: numbers become text, whitespace is trimmed, booleans are refused', () => {
    assert.deepEqual(coerce({ type: 'string' }, 5).issues[0]?.replacement, '5');
    assert.equal(coerce({ type: 'string' }, ' a ').value, 'a');
    assert.equal(coerce({ type: 'string' }, true).accepted, false);
    assert.equal(coerce({ type: 'string', minLength: 1 }, '  ').issues[0]?.code, 'blank');
    assert.deepEqual(coerce({ type: 'string' }, 'x').issues, []);
  });
  it('CharField: the one line break a YAML block scalar ends in is trimmed without a word', () => {
    assert.deepEqual(coerce({ type: 'string' }, 'return True\n'), { accepted: true, value: 'return True', issues: [] });
    assert.equal(coerce({ type: 'string' }, 'return True\n\n').issues[0]?.code, 'converted');
    assert.equal(coerce({ type: 'string' }, ' return True\n').issues[0]?.code, 'converted');
  });
  it('IntegerField: numeric strings and a trailing .0', () => {
    assert.equal(coerce({ type: 'integer' }, '25.000').value, 25);
    assert.equal(coerce({ type: 'integer' }, 1.5).accepted, false);
    assert.equal(coerce({ type: 'integer' }, false).accepted, false);
    assert.equal(coerce({ type: 'integer' }, 'x'.repeat(1001)).issues[0]?.message, 'String value too large.');
  });
  it('BooleanField: the accepted spellings', () => {
    for (const yes of ['yes', 'on', 'T', '1', 1, 'TRUE']) assert.equal(coerce({ type: 'boolean' }, yes).value, true, String(yes));
    for (const no of ['no', 'Off', 'f', '0', 0]) assert.equal(coerce({ type: 'boolean' }, no).value, false, String(no));
    assert.equal(coerce({ type: 'boolean' }, 'yEs').accepted, false);
    assert.equal(coerce({ type: 'boolean' }, 2).accepted, false);
    assert.equal(coerce({ type: ['boolean', 'null'] }, '').value, null);
  });
  it('ChoiceField compares str(value)', () => {
    const digits = { type: 'string' as const, enum: ['6', '8'] };
    assert.equal(coerce(digits, 6).value, '6');
    assert.equal(coerce(digits, 7).accepted, false);
    assert.match(coerce(digits, 7).issues[0]!.message, /"7" is not a valid choice/);
  });
  it('lists: items converted one by one, errors by index', () => {
    const result = coerce({ type: 'array', items: { type: 'string', format: 'uuid' } }, ['nope']);
    assert.equal(result.accepted, false);
    assert.equal(result.issues[0]!.pointer, '/0');
    assert.match(coerce({ type: 'array' }, 'x').issues[0]!.message, /Expected a list of items but got type "str"/);
  });
  it('null only where nullable', () => {
    assert.equal(coerce({ type: 'string' }, null).issues[0]?.message, 'This field may not be null.');
    assert.deepEqual(coerce({ type: ['string', 'null'] }, null).issues, []);
  });
});

describe('durations (timedelta_from_string)', () => {
  it('accepts ;-separated key=number parts in any case', () => {
    assert.equal(checkDuration('hours=1;minutes=30').seconds, 5400);
    assert.equal(checkDuration('Days=1').seconds, 86400);
    assert.equal(checkDuration('seconds=-1.5e1').seconds, -15);
    assert.equal(describeSeconds(5400), '1 hour 30 minutes');
  });
  it('refuses the comma form, stray semicolons, missing or double =, non-numbers, no known unit', () => {
    for (const bad of ['hours=1,minutes=2', 'hours=1;', 'hours', 'hours=1=2', 'hours=one', 'fortnights=1', '', 'days=1e12', 'hours=inf']) {
      assert.ok(checkDuration(bad).problems.some((p) => p.severity === 'error'), bad);
    }
  });
  it('warns about parts the server skips', () => {
    const check = checkDuration('hours=1; minutes=30');
    assert.equal(check.seconds, 3600);
    assert.equal(check.problems[0]!.severity, 'warning');
    assert.match(check.problems[0]!.message, /no spaces around the unit/);
  });
});

describe('formats (Django validators)', () => {
  it('email', () => {
    for (const good of ['a@example.com', 'first.last+tag@sub.example.org', 'root@localhost', 'x@[127.0.0.1]']) assert.ok(isValidEmail(good), good);
    for (const bad of ['a@', '@example.com', 'a@example', 'a b@example.com', 'a@-example.com']) assert.ok(!isValidEmail(bad), bad);
  });
  it('url', () => {
    for (const good of ['https://example.com/x?y', 'http://localhost:9000', 'ftp://10.0.0.1/f']) assert.ok(isValidUrl(good), good);
    for (const bad of ['example.com', 'gopher://example.com', 'http://exa mple.com', 'http://x']) assert.ok(!isValidUrl(bad), bad);
  });
});

describe('helpers', () => {
  it('splits YAML documents lexically, keeping directives with their document', () => {
    const text = '# head\na: 1\n---\nb: 2\n--- # c\nc: |\n  text\n...\n%YAML 1.2\n---\nd: 4\n';
    const chunks = splitYamlDocuments(text);
    assert.deepEqual(chunks.map((c) => c.text), ['# head\na: 1\n', '---\nb: 2\n', '--- # c\nc: |\n  text\n...\n', '%YAML 1.2\n---\nd: 4\n']);
    assert.equal(chunks.map((c) => c.text).join(''), text);
    assert.equal(chunks[1]!.start, text.indexOf('---'));
    assert.deepEqual(splitYamlDocuments('a: "---x"\n----\n').length, 1);
  });
  it('suggests the closest name, and none when nothing is close', () => {
    assert.equal(closestMatch('nmae', ['name', 'host']), 'name');
    assert.equal(closestMatch('xyzzy', ['name', 'host']), undefined);
    assert.equal(closestMatch('authentik_stages_emial.emailstage', ['authentik_stages_email.emailstage']), 'authentik_stages_email.emailstage');
  });
  it('globs', () => {
    assert.ok(globToRegExp('**/*.stage.{yaml,yml}').test('a/b/x.stage.yml'));
    assert.ok(globToRegExp('**/*.stage.yaml').test('x.stage.yaml'));
    assert.ok(!globToRegExp('*.stage.yaml').test('a/x.stage.yaml'));
  });
});

describe('nesting estimate (before parsing)', () => {
  it('counts flow, block and dash levels; comments never, quoted brackets at most once', () => {
    assert.equal(nestingDepth('a: 1\nb: 2\n', 100), 1);
    assert.equal(nestingDepth('a:\n  b:\n    c: [1, {d: 2}]\n', 100), 5);
    assert.ok(nestingDepth('a: "[[[[[["\nb: x # {{{{{{\n', 100) <= 7, 'quoted brackets count at most once');
    assert.equal(nestingDepth('- - - x\n', 100), 4);
    assert.ok(nestingDepth('['.repeat(1000), 300) > 300);
    assert.ok(nestingDepth(Array.from({ length: 400 }, (_, i) => `${' '.repeat(i)}k:`).join('\n'), 300) > 300);
  });
});
