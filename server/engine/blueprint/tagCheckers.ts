/**
 * One checker per blueprint tag: what its constructor reads at load time and what its resolver does
 * (authentik/blueprints/v1/common.py, one class per tag; docs/blueprint-rules.md §2).
 */
import { isPlainObject, TaggedValue } from '../document/tags';
import { closestMatch } from '../util/closest';
import { parsePythonInt, pythonTypeName } from '../validation/python';
import { checkFind } from './findTagChecks';
import { percentFormatProblem, type FormatArg, type PercentFormatProblem } from './percentFormat';
import { argument, describe, FAILS, forms, pyyamlMayRetype, REFUSED, sequenceItems, warnExtraItems } from './tagCheckSupport';
import type { TagChecker, TagRun } from './tagChecks';
import type { TagPosition } from './tagPosition';
import type { BlueprintTagName } from './tags';

export const TAG_CHECKERS: Readonly<Record<BlueprintTagName, TagChecker>> = {
  '!KeyOf': checkKeyOf,
  '!Find': checkFind,
  '!FindObject': checkFind,
  '!Context': checkContext,
  '!Format': checkFormat,
  '!Condition': checkCondition,
  '!If': checkIf,
  '!Env': checkEnvOrFile,
  '!File': checkEnvOrFile,
  '!Enumerate': checkEnumerate,
  '!Value': checkEnumeratedItem,
  '!Index': checkEnumeratedItem,
  '!AtIndex': checkAtIndex,
  '!ParseJSON': checkParseJson,
};

// --- !KeyOf, !Index, !Value, !ParseJSON: a scalar's raw text ---------------------------------------

function checkKeyOf(tag: TaggedValue, at: TagPosition, run: TagRun): void {
  if (typeof tag.value !== 'string') {
    run.report(at, 'error', 'resolve', `!KeyOf takes the id of an earlier entry as plain text (!KeyOf my-entry), not ${describe(tag.value)}: the loader keeps the YAML node itself as the id, no entry's id equals it, and ${FAILS} ("KeyOf: failed to find entry with \`id\` of …").`);
  } else if (tag.value.trim() === '') {
    run.report(at, 'error', 'resolve', `!KeyOf names no id: it resolves to the primary key of the earlier entry with that \`id\`, so ${FAILS}. Write !KeyOf <id of an earlier entry>.`);
  }
}

function checkEnumeratedItem(tag: TaggedValue, at: TagPosition, run: TagRun): void {
  const depth = typeof tag.value === 'string' ? parsePythonInt(tag.value) : undefined;
  if (depth === undefined) {
    run.report(at, 'error', 'load', `${tag.tag} takes a depth, an integer such as 0 (the innermost !Enumerate), not ${describe(tag.value)}: its constructor runs int() on it, so ${REFUSED}.`);
    return;
  }
  if (depth < 0) {
    run.report(at, 'error', 'resolve', `${tag.tag} ${depth}: the depth counts enclosing !Enumerate tags outwards from 0 and cannot be negative, so ${FAILS}.`);
  } else if (at.enumerateIterable && depth === 0) {
    run.report(at, 'error', 'resolve', `${tag.tag} 0 as an !Enumerate's iterable refers to that !Enumerate's own item, which does not exist yet: ${FAILS} ("… tag's iterable references this tag's context"). Use depth 1 or more for an outer !Enumerate's item.`);
  } else if (at.enumerates === 0) {
    const why = at.unstacked > 0 ? ": the !Enumerate around it is another tag's argument, and authentik makes an !Enumerate's item available only when it sits in the entry's fields, an !If branch or another !Enumerate's body" : '';
    run.report(at, 'error', 'resolve', `${tag.tag} is only usable inside the body (third item) of an !Enumerate${why}; here ${FAILS} ("${tag.tag.slice(1)} tags are only usable inside an Enumerate tag").`);
  } else if (depth > at.enumerates - 1) {
    const bodies = at.enumerates === 1 ? 'one !Enumerate body' : `${at.enumerates} !Enumerate bodies`;
    run.report(at, 'error', 'resolve', `${tag.tag} ${depth}: it is inside ${bodies}, so the largest depth is ${at.enumerates - 1} and ${FAILS} ("invalid depth").`);
  }
}

function checkParseJson(tag: TaggedValue, at: TagPosition, run: TagRun): void {
  if (typeof tag.value !== 'string') {
    run.report(at, 'error', 'resolve', `!ParseJSON takes JSON written as one scalar (!ParseJSON '{"a": 1}'), not ${describe(tag.value)}: json.loads gets the YAML node itself, so ${FAILS} (TypeError).`, { uncaught: true });
    return;
  }
  const problem = jsonProblem(tag.value);
  if (problem) run.report(at, 'error', 'resolve', `!ParseJSON: the text is not JSON (${problem}): authentik parses it with json.loads, so ${FAILS}. Quote the JSON as one YAML string, e.g. !ParseJSON '{"a": 1}'.`);
}

/** JSON.parse's complaint, or undefined; Python's json.loads also takes NaN, Infinity and -Infinity. */
function jsonProblem(text: string): string | undefined {
  const asJson = text.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (token) => (token.startsWith('"') ? token : '0'));
  try {
    JSON.parse(asJson);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

// --- !Context, !Env, !File: a name, or [name, default] --------------------------------------------

/** Keys `Importer.default_context` adds to every blueprint's context. */
const DEFAULT_CONTEXT_KEYS = ['goauthentik.io/rbac/models', 'goauthentik.io/enterprise/licensed'];

function checkContext(tag: TaggedValue, at: TagPosition, run: TagRun): void {
  const value = tag.value;
  if (typeof value === 'string') return checkContextKey(value, at, run);
  if (!Array.isArray(value)) {
    run.report(at, 'error', 'resolve', `!Context takes a key or [key, default], not a mapping: the loader sets no key for it, so ${FAILS} (AttributeError).`, { uncaught: true });
    return;
  }
  if (value.length < 2) {
    run.report(at, 'error', 'load', `!Context [${value.length === 0 ? '' : 'key'}] has no default: the list form is read as [key, default] (IndexError), so ${REFUSED}. Write !Context key, or !Context [key, default].`);
    return;
  }
  const [key, fallback] = value;
  run.visit(key, argument(tag, at, 0, 'ignored'));
  run.visit(fallback, argument(tag, at, 1, 'direct'));
  if (key instanceof TaggedValue) {
    run.report(at, 'warning', 'resolve', `!Context's key is not resolved: the ${key.tag} tag itself is looked up among the context's keys, never matches, and the default is used. Write the key out.`, { pointer: `${at.pointer}/0` });
  } else if (Array.isArray(key) || isPlainObject(key)) {
    run.report(at, 'error', 'resolve', `!Context's key is ${describe(key)}, which Python cannot look up in a mapping (unhashable), so ${FAILS}. Write the key as text.`, { pointer: `${at.pointer}/0`, uncaught: true });
  }
  warnExtraItems(tag, at, run, value, 2);
}

function checkContextKey(key: string, at: TagPosition, run: TagRun): void {
  const keys = run.context.contextKeys;
  if (keys.has(key) || DEFAULT_CONTEXT_KEYS.includes(key)) return;
  if (key === '') {
    run.report(at, 'warning', 'resolve', '!Context names no key, so it resolves to null. Write !Context <key of context:>, or !Context [key, default].');
    return;
  }
  const close = closestMatch(key, [...keys, ...DEFAULT_CONTEXT_KEYS]);
  const hint = close ? ` Did you mean ${close}?` : ` Add it under context:, or give a default: !Context [${key}, default].`;
  run.report(at, 'warning', 'resolve', `!Context: "${key}" is not a key of this file's context: nor of the importer's own; unless the blueprint instance's context supplies it, it resolves to null.${hint}`);
}

function checkEnvOrFile(tag: TaggedValue, at: TagPosition, run: TagRun): void {
  const what = tag.tag === '!Env' ? 'environment variable name' : 'path on the server';
  const value = tag.value;
  if (typeof value === 'string') {
    if (value.trim() === '') run.report(at, 'warning', 'resolve', `${tag.tag} names no ${what}, so it always resolves to null. Write ${forms(tag)}.`);
    return;
  }
  if (!Array.isArray(value)) {
    run.report(at, 'error', 'resolve', `${tag.tag} takes a ${what} or [${tag.tag === '!Env' ? 'name' : 'path'}, default], not a mapping: the loader sets no ${what} for it, so ${FAILS} (AttributeError).`, { uncaught: true });
    return;
  }
  if (value.length < 2) {
    run.report(at, 'error', 'load', `${tag.tag} [${value.length === 0 ? '' : '…'}] has no default: the list form is read as [${tag.tag === '!Env' ? 'name' : 'path'}, default] (IndexError), so ${REFUSED}. Write ${forms(tag)}.`);
    return;
  }
  const [name, fallback] = value;
  run.visit(name, argument(tag, at, 0, 'ignored'));
  const defaultAt = argument(tag, at, 1, 'buried');
  run.visit(fallback, { ...defaultAt, unresolvedBecause: `it is ${tag.tag}'s default, which authentik returns as written` });
  // open() takes an integer (or bool) as a file descriptor: odd, but not an error.
  if (typeof name !== 'string' && !(tag.tag === '!File' && (typeof name === 'number' || typeof name === 'boolean'))) {
    run.report(at, 'error', 'resolve', `${tag.tag}'s ${what} is ${describe(name)}, not text${name instanceof TaggedValue ? ' (it is not resolved)' : ''}: Python's ${tag.tag === '!Env' ? 'os.getenv' : 'open'} rejects it (TypeError), so ${FAILS}. Write it out.`, { pointer: `${at.pointer}/0`, uncaught: true });
  }
  warnExtraItems(tag, at, run, value, 2);
}

// --- !Format, !Condition ----------------------------------------------------------------------------

/**
 * The head (format string, mode) of a non-empty list tag that is used as written, and the
 * arguments after it, each resolved when it is a tag; visits them all.
 */
function headAndArguments(tag: TaggedValue, at: TagPosition, run: TagRun): [head: unknown, args: readonly unknown[]] | undefined {
  const items = sequenceItems(tag, at, run, 1);
  if (!items) return undefined;
  const [head, ...args] = items;
  run.visit(head, argument(tag, at, 0, 'ignored'));
  args.forEach((arg, i) => run.visit(arg, argument(tag, at, i + 1, 'direct')));
  return [head, args];
}

function checkFormat(tag: TaggedValue, at: TagPosition, run: TagRun): void {
  const parts = headAndArguments(tag, at, run);
  if (!parts) return;
  const [format, args] = parts;
  if (typeof format !== 'string') {
    const why = format instanceof TaggedValue ? `is not resolved: authentik applies % to the ${format.tag} tag itself` : `is ${describe(format)}, and Python's % formats text only`;
    run.report(at, 'error', 'resolve', `!Format's format string ${why}, so ${FAILS} (TypeError). Write the format string out, e.g. !Format ["%s-suffix", !Context name].`, { pointer: `${at.pointer}/0` });
    return;
  }
  const problem = percentFormatProblem(format, args.map(formatArg));
  if (problem) reportFormatProblem(format, problem, at, run);
}

/** Points at the placeholder Python fails on, or at the first argument it does not use. */
function reportFormatProblem(format: string, problem: PercentFormatProblem, at: TagPosition, run: TagRun): void {
  const formatPointer = `${at.pointer}/0`;
  const extra = problem.message.startsWith('not all arguments');
  const pointer = extra ? `${at.pointer}/${(problem.arg ?? 0) + 1}` : formatPointer;
  const span = extra ? undefined : run.stringSpan(formatPointer, format, problem.start, problem.end);
  const placeholders = `Python %-formatting: %s, %d, %r… each take one argument, %% is a literal %, {} is plain text`;
  // Format.resolve turns a TypeError into an entry error; a ValueError escapes it.
  const options = { pointer, uncaught: problem.exception === 'ValueError', ...(span ? { span } : {}) };
  run.report(at, 'error', 'resolve', `!Format: ${problem.exception}: ${problem.message} (${placeholders}), so ${FAILS}.${formatAdvice(problem.message, format.slice(problem.start, problem.end))}`, options);
}

function formatAdvice(message: string, placeholder: string): string {
  if (message.startsWith('not enough')) return ` Add an argument for ${placeholder}, or write %% for a literal %.`;
  if (message.startsWith('not all')) return ' Remove the argument, or add a placeholder for it.';
  if (message.startsWith('format requires')) return ` Named placeholders need a mapping, which !Format never passes: write ${placeholder.replace(/^%\([^)]*\)/, '%')} and give the value in order.`;
  if (message.startsWith('unsupported') || message.startsWith('incomplete')) return ' Write %% for a literal %.';
  return '';
}

function formatArg(value: unknown): FormatArg {
  if (value instanceof TaggedValue || (typeof value === 'string' && pyyamlMayRetype(value))) return { known: false };
  return { known: true, value };
}

const CONDITION_MODES = ['AND', 'NAND', 'OR', 'NOR', 'XOR', 'XNOR'];

function checkCondition(tag: TaggedValue, at: TagPosition, run: TagRun): void {
  const parts = headAndArguments(tag, at, run);
  if (!parts) return;
  const [mode, args] = parts;
  const known = `authentik's importer knows ${CONDITION_MODES.join(', ')} (case-insensitive)`;
  const modeOptions = { pointer: `${at.pointer}/0` };
  if (typeof mode !== 'string') {
    const what = mode instanceof TaggedValue ? `a ${mode.tag} tag, which is not resolved` : describe(mode);
    run.report(at, 'error', 'resolve', `!Condition's mode is ${what}: the importer calls .upper() on it (AttributeError), so ${FAILS}; ${known}.`, { ...modeOptions, uncaught: true });
  } else if (!CONDITION_MODES.includes(mode.toUpperCase())) {
    const close = closestMatch(mode, CONDITION_MODES);
    run.report(at, 'error', 'resolve', `!Condition: ${JSON.stringify(mode)} is not a mode; ${known}${close ? `. Did you mean ${close}?` : '.'}`, modeOptions);
  }
  if (args.length === 0) {
    run.report(at, 'error', 'resolve', `!Condition has no value after its mode, so ${FAILS} ("At least one value is required after mode selection."). Write !Condition [${typeof mode === 'string' ? mode : 'AND'}, value, …].`);
  }
}

// --- !If, !Enumerate ----------------------------------------------------------------------------

function checkIf(tag: TaggedValue, at: TagPosition, run: TagRun): void {
  const items = sequenceItems(tag, at, run, 1);
  if (!items) return;
  if (items.length === 2) {
    run.report(at, 'error', 'load', `!If has 2 items: with more than one, its constructor reads a condition, when_true and when_false (IndexError), so ${REFUSED}. Write !If [condition] (true or false) or !If [condition, when_true, when_false].`);
    return;
  }
  run.visit(items[0], argument(tag, at, 0, 'direct'));
  // The chosen branch goes through tag_resolver: tags anywhere in it are resolved.
  for (const i of [1, 2]) if (i < items.length) run.visit(items[i], argument(tag, at, i, 'deep'));
  warnExtraItems(tag, at, run, items, 3);
}

const ENUMERATE_MODES = ['SEQ', 'MAP'];

function checkEnumerate(tag: TaggedValue, at: TagPosition, run: TagRun): void {
  const items = sequenceItems(tag, at, run, 3);
  if (!items) return;
  const [iterable, mode, body] = items;
  // tag_resolver puts an !Enumerate on the context stack when it visits it; a tag's argument is resolved without it.
  const stacked = at.resolution === 'deep';
  const enumerates = at.enumerates + (stacked ? 1 : 0);
  const unstacked = at.unstacked + (stacked ? 0 : 1);
  run.visit(iterable, { ...argument(tag, at, 0, 'direct'), enumerates, enumerateIterable: true });
  run.visit(mode, argument(tag, at, 1, 'ignored'));
  run.visit(body, { ...argument(tag, at, 2, 'deep'), enumerates, unstacked: stacked ? at.unstacked : unstacked });
  checkIterable(iterable, at, run);
  const modeOk = checkEnumerateMode(mode, at, run);
  if (modeOk === 'MAP' && !isEmptyLiteral(iterable)) checkMapBody(body, at, run);
  warnExtraItems(tag, at, run, items, 3);
}

function checkIterable(iterable: unknown, at: TagPosition, run: TagRun): void {
  if (iterable instanceof TaggedValue || Array.isArray(iterable) || isPlainObject(iterable)) return;
  const pointer = `${at.pointer}/0`;
  if (typeof iterable === 'string') {
    run.report(at, 'warning', 'resolve', `!Enumerate's iterable is the text ${JSON.stringify(iterable)}, which Python enumerates character by character. Write a list ([a, b]) or a mapping, or a tag giving one.`, { pointer });
    return;
  }
  run.report(at, 'error', 'resolve', `!Enumerate's iterable is ${describe(iterable)}, which cannot be iterated, so ${FAILS} ("…'s iterable must be an iterable such as a sequence or a mapping"). Write a list or a mapping, or a tag giving one.`, { pointer });
}

/** The mode upper-cased when it is SEQ or MAP; reports it otherwise. */
function checkEnumerateMode(mode: unknown, at: TagPosition, run: TagRun): string | undefined {
  const pointer = `${at.pointer}/1`;
  const known = "authentik's importer knows SEQ (a list) and MAP (a mapping), case-insensitive";
  if (typeof mode !== 'string') {
    const what = mode instanceof TaggedValue ? `a ${mode.tag} tag, which is not resolved` : describe(mode);
    run.report(at, 'error', 'resolve', `!Enumerate's mode is ${what}: the importer calls .upper() on it (AttributeError), so ${FAILS}; ${known}.`, { pointer, uncaught: true });
    return undefined;
  }
  if (ENUMERATE_MODES.includes(mode.toUpperCase())) return mode.toUpperCase();
  run.report(at, 'error', 'resolve', `!Enumerate: ${JSON.stringify(mode)} is not a mode, so ${FAILS}; ${known}.`, { pointer });
  return undefined;
}

function isEmptyLiteral(value: unknown): boolean {
  return (Array.isArray(value) && value.length === 0) || (isPlainObject(value) && Object.keys(value).length === 0);
}

/** In MAP mode each body is merged into a mapping: it must be a mapping or a [key, value] pair. */
function checkMapBody(body: unknown, at: TagPosition, run: TagRun): void {
  if (body instanceof TaggedValue || isPlainObject(body) || (Array.isArray(body) && body.length >= 2)) return;
  const what = Array.isArray(body) ? `a list of ${body.length} item${body.length === 1 ? '' : 's'}` : describe(body);
  run.report(at, 'error', 'resolve', `!Enumerate in MAP mode merges each body into a mapping, but the body is ${what}, so ${FAILS} ("Invalid Enumerate item found"). Write a mapping ({key: value}) or a pair [key, value].`, { pointer: `${at.pointer}/2`, uncaught: Array.isArray(body) });
}

// --- !AtIndex -----------------------------------------------------------------------------------------

function checkAtIndex(tag: TaggedValue, at: TagPosition, run: TagRun): void {
  const items = sequenceItems(tag, at, run, 2);
  if (!items) return;
  const [object, key] = items;
  run.visit(object, argument(tag, at, 0, 'direct'));
  run.visit(key, argument(tag, at, 1, 'direct'));
  if (items.length > 2) run.visit(items[2], { ...argument(tag, at, 2, 'buried'), unresolvedBecause: "it is !AtIndex's default, which authentik returns as written" });
  warnExtraItems(tag, at, run, items, 3);
  if (object instanceof TaggedValue || key instanceof TaggedValue) return;
  const problem = atIndexProblem(object, key, items.length > 2);
  if (problem) run.report(at, 'error', 'resolve', `!AtIndex: ${problem.what}, so ${FAILS}. ${problem.advice}.`, { pointer: `${at.pointer}/1`, uncaught: problem.uncaught });
}

/** What `obj[key]` does wrong on literals, as `common.AtIndex.resolve` runs it. */
function atIndexProblem(object: unknown, key: unknown, hasDefault: boolean): { what: string; advice: string; uncaught: boolean } | undefined {
  const giveDefault = 'Give a default as the third item, or a key the literal has';
  if (Array.isArray(object)) {
    const index = typeof key === 'boolean' ? Number(key) : key;
    if (typeof index !== 'number' || !Number.isInteger(index)) {
      if (typeof key === 'string' && pyyamlMayRetype(key)) return undefined;
      return { what: `a list is indexed by an integer, not ${describe(key)} ("Invalid index for list")`, advice: 'Write the index as an integer, 0 for the first item', uncaught: false };
    }
    if (hasDefault || (index >= -object.length && index < object.length)) return undefined;
    return { what: `the list has ${object.length} item${object.length === 1 ? '' : 's'}, so index ${index} does not exist ("Index out of range")`, advice: giveDefault, uncaught: false };
  }
  if (isPlainObject(object)) {
    if (Array.isArray(key) || isPlainObject(key)) return { what: `${describe(key)} cannot be a mapping's key (unhashable)`, advice: 'Write the key as text', uncaught: true };
    if (hasDefault || typeof key !== 'string' || pyyamlMayRetype(key) || Object.keys(object).some(pyyamlMayRetype) || key in object) return undefined;
    return { what: `the mapping has no key ${JSON.stringify(key)} ("Key does not exist"); its keys are ${Object.keys(object).join(', ') || 'none'}`, advice: giveDefault, uncaught: false };
  }
  if (object === null || typeof object === 'number' || typeof object === 'boolean') {
    return { what: `the object is ${describe(object)}, which has no items (Python: argument of type '${pythonTypeName(object)}' is not iterable)`, advice: 'Write a list or a mapping, or a tag giving one', uncaught: true };
  }
  return undefined;
}
