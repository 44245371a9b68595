/**
 * What a tag resolves to, where the file alone (or the connected server) says: the entry a
 * `!KeyOf` names, a `!Context` value, a `!Format` of literal arguments, the truth of a
 * `!Condition`, the query of a `!Find`. Where it cannot be known, what the importer will do.
 */
import { isPlainObject, TaggedValue } from '../../document/tags';
import type { BlueprintDocument, BlueprintEntry } from '../../blueprint/blueprintDocument';
import { definitionOf, entryLinks } from '../../blueprint/entryIds';
import { percentFormatProblem } from '../../blueprint/percentFormat';
import { parseFindTag } from '../../references/findTag';
import type { ReferenceIndex } from '../../references/referenceIndex';
import type { SchemaCatalog } from '../../schema/catalog';
import { pythonStr } from '../../validation/python';
import { modelTitleOf } from './entryAt';

/** The importer's own context keys (`Importer.default_context`), under the file's. */
export const DEFAULT_CONTEXT: Readonly<Record<string, string>> = {
  'goauthentik.io/rbac/models': 'the importer\'s default: a mapping of every model the importer allows (`app_label.model`) to its app label',
  'goauthentik.io/enterprise/licensed': 'the importer\'s default: `true` when authentik has a valid enterprise license, else `false`',
};

export interface MeaningContext {
  readonly bp: BlueprintDocument;
  readonly catalog: SchemaCatalog;
  /** The entry holding the tag, if any (`!KeyOf` looks at the entries before it). */
  readonly entry: BlueprintEntry | undefined;
  readonly references: ReferenceIndex | undefined;
}

/** One markdown paragraph, or undefined when nothing more than the tag's documentation can be said. */
export function tagMeaning(tag: TaggedValue, context: MeaningContext): string | undefined {
  switch (tag.tag) {
    case '!KeyOf':
      return keyOfMeaning(tag, context);
    case '!Context':
      return contextMeaning(tag, context.bp);
    case '!Env':
      return `Read on the server at import: the environment variable \`${pythonStr(argumentsOf(tag)[0])}\`${defaultText(tag, 'when it is unset or empty')}.`;
    case '!File':
      return `Read on the server at import: the file \`${pythonStr(argumentsOf(tag)[0])}\`${defaultText(tag, 'when it cannot be read')}.`;
    case '!Format':
      return formatMeaning(tag);
    case '!Condition':
    case '!If':
      return truthMeaning(tag);
    case '!Find':
    case '!FindObject':
      return findMeaning(tag, context);
    default:
      return undefined;
  }
}

function argumentsOf(tag: TaggedValue): readonly unknown[] {
  return Array.isArray(tag.value) ? tag.value : [tag.value];
}

function defaultText(tag: TaggedValue, when: string): string {
  const args = argumentsOf(tag);
  return args.length > 1 ? `; ${render(args[1])} ${when}` : `; \`null\` ${when}`;
}

/** A value as the file writes it: literals in JSON, tags by name. */
function render(value: unknown): string {
  if (value instanceof TaggedValue) return `\`${value.tag} …\``;
  return `\`${JSON.stringify(value)}\``;
}

function keyOfMeaning(tag: TaggedValue, { bp, catalog, entry }: MeaningContext): string {
  const id = String(tag.value);
  const target = definitionOf(entryLinks(bp), id);
  if (!target) return `No entry has \`id: ${id}\`: the import fails here ("KeyOf: failed to find entry with \`id\` of \`${id}\`").`;
  const saved = `the ${modelTitleOf(target.entry.model, catalog)} saved by entry ${target.entry.index + 1} (\`id: ${id}\`)`;
  if (entry && target.entry.index >= entry.index) return `Names ${saved}, which the importer has not applied yet at this entry: the import fails here.`;
  return `Resolves to the pk of ${saved}.`;
}

function contextMeaning(tag: TaggedValue, bp: BlueprintDocument): string {
  const [key, fallback] = argumentsOf(tag);
  const name = pythonStr(key);
  const root = bp.doc.value as Record<string, unknown>;
  const context = isPlainObject(root['context']) ? root['context'] : {};
  if (Object.hasOwn(context, name)) return `Resolves to the file's \`context:\` value ${render(context[name])}, unless the blueprint instance's context sets \`${name}\`.`;
  if (Object.hasOwn(DEFAULT_CONTEXT, name)) return `Resolves to ${DEFAULT_CONTEXT[name]}.`;
  const otherwise = Array.isArray(tag.value) && tag.value.length > 1 ? `the default ${render(fallback)}` : '`null`';
  return `\`${name}\` is not in this file's \`context:\`: supplied by the blueprint instance, else ${otherwise}.`;
}

/** Literal values: neither tags nor containers holding them. */
function literal(value: unknown): boolean {
  if (value instanceof TaggedValue) return false;
  if (Array.isArray(value)) return value.every(literal);
  if (isPlainObject(value)) return Object.values(value).every(literal);
  return true;
}

function formatMeaning(tag: TaggedValue): string | undefined {
  if (!Array.isArray(tag.value) || typeof tag.value[0] !== 'string') return undefined;
  const [format, ...args] = tag.value as [string, ...unknown[]];
  if (!args.every(literal)) return 'Formatted at import, once its tags are resolved.';
  const problem = percentFormatProblem(format, args.map((value) => ({ known: true, value })));
  if (problem) return `Fails at import: Python raises ${problem.exception} "${problem.message}".`;
  const text = simpleFormat(format, args);
  return text === undefined ? 'Formatted at import.' : `Resolves to \`${JSON.stringify(text)}\`.`;
}

/** `%s`, `%d`, `%i` and `%%` without flags, Python's way; undefined for anything fancier. */
function simpleFormat(format: string, args: readonly unknown[]): string | undefined {
  let next = 0;
  let fancy = false;
  const text = format.replace(/%(.)/g, (_match, conversion: string) => {
    if (conversion === '%') return '%';
    const arg = args[next++];
    if (conversion === 's') return pythonStr(arg);
    if ((conversion === 'd' || conversion === 'i') && (typeof arg === 'number' || typeof arg === 'boolean')) return String(Math.trunc(Number(arg)));
    fancy = true;
    return '';
  });
  return fancy ? undefined : text;
}

function pythonTruth(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return true;
}

const MODES: Readonly<Record<string, (truths: boolean[]) => boolean>> = {
  AND: (t) => t.every(Boolean),
  NAND: (t) => !t.every(Boolean),
  OR: (t) => t.some(Boolean),
  NOR: (t) => !t.some(Boolean),
  XOR: (t) => t.reduce((a, b) => a !== b),
  XNOR: (t) => !t.reduce((a, b) => a !== b),
};

function truthMeaning(tag: TaggedValue): string | undefined {
  const result = evaluate(tag);
  return result ? `Resolves to ${render(result.value)}.` : undefined;
}

/** The value of a literal, or of a `!Condition`/`!If` over literals (nested ones too); undefined when a tag's result is needed. */
function evaluate(value: unknown): { value: unknown } | undefined {
  if (!(value instanceof TaggedValue)) return literal(value) ? { value } : undefined;
  if (!Array.isArray(value.value)) return undefined;
  const items = value.value as unknown[];
  if (value.tag === '!If') {
    const condition = evaluate(items[0]);
    if (!condition) return undefined;
    if (items.length === 1) return { value: pythonTruth(condition.value) };
    return items.length >= 3 ? evaluate(pythonTruth(condition.value) ? items[1] : items[2]) : undefined;
  }
  if (value.tag !== '!Condition') return undefined;
  const [mode, ...rest] = items;
  const combine = typeof mode === 'string' ? MODES[mode.toUpperCase()] : undefined;
  const values = rest.map(evaluate);
  if (!combine || values.length === 0 || values.some((v) => v === undefined)) return undefined;
  return { value: combine(values.map((v) => pythonTruth(v!.value))) };
}

function findMeaning(tag: TaggedValue, { catalog, references }: MeaningContext): string | undefined {
  const { find } = parseFindTag(tag);
  if (!find) return undefined;
  const where = find.filters.map(([field, value]) => `\`${field}\` = ${render(value)}`).join(' and ');
  const what = tag.tag === '!Find' ? 'the pk' : 'the data';
  const lines = [`Looks up the first ${modelTitleOf(find.model, catalog)} (\`${find.model}\`) where ${where || 'anything'}, and resolves to ${what} of it (\`null\` when none matches).`];
  const matches = references?.findMatches(find);
  if (references && matches) {
    const [first] = matches.objects;
    if (!first) lines.push(matches.complete ? `On ${references.server}: nothing matches, so it resolves to \`null\`.` : `Not among the objects known from ${references.server}.`);
    else lines.push(`On ${references.server}: **${first.label}** (pk \`${first.pk}\`)${matches.objects.length > 1 ? ` and ${matches.objects.length - 1} more: the first is used` : ''}.`);
  }
  return lines.join('\n\n');
}
