/**
 * Reading and rewriting stage files without losing what a person wrote. Edits are text edits on
 * the document's own source: a changed value is replaced where it stands (keeping its quoting
 * where that is exact), a new key gets a line of its own, so comments, spacing and untouched
 * documents stay byte for byte. Documents are parsed exactly as the language server parses them,
 * and parsed again after an edit: a value never changes a document's structure.
 */
import { isMap, isScalar, Scalar, type Node, type Pair } from 'yaml';
import { applyTextEdits, isPlainObject, jsonText, languageOfPath, pairSpan, parseStageDocument, renderPair, type ScalarStyle, type SourceLanguage, splitDocuments, splitYamlDocuments, type StageDocument, type TextEdit, yamlValueText } from '@authentik-stages/engine';
import { sameValue } from './normalize';

/** One document of a stage file read to be edited: parsed as the language server parses it, with its pending edits. */
export interface EditableDocument {
  /** Position of the document in the file (0-based). */
  readonly index: number;
  /** Offset of the document's text in the file. */
  readonly offset: number;
  /** The document's original text. */
  readonly text: string;
  /** Parsed exactly as the language server parses it: values, tags and source locations. */
  readonly stage: StageDocument;
  /** Pending edits of `text`, one per field, applied (and checked) when the file is serialized. */
  readonly edits: FieldEdit[];
  readonly changed: boolean;
}

/** A pending edit of one top-level field, with what the field is to hold once it is applied. */
export interface FieldEdit extends TextEdit {
  readonly field: string;
  /** The value written (when not deleted). */
  readonly value?: unknown;
  readonly deleted: boolean;
}

class DocumentUnderEdit implements EditableDocument {
  readonly edits: FieldEdit[] = [];

  constructor(
    readonly index: number,
    readonly offset: number,
    readonly text: string,
    readonly stage: StageDocument,
  ) {}

  get changed(): boolean {
    return this.edits.length > 0;
  }
}

/** A stage file read to be edited (its documents take edits; `serializeStageFile` checks and applies them). */
export interface EditableStageFile {
  readonly path: string;
  readonly language: SourceLanguage;
  readonly originalText: string;
  readonly documents: EditableDocument[];
}

export function parseStageFile(path: string, text: string): EditableStageFile {
  const language = languageOfPath(path);
  const chunks = splitDocuments(text, language);
  const documents = chunks.map((chunk, index) => new DocumentUnderEdit(index, chunk.start, chunk.text, parseStageDocument(chunk.text, language)));
  return { path, language, originalText: text, documents };
}

/** The documents that hold a stage (a mapping). */
export function stageDocuments(file: EditableStageFile): EditableDocument[] {
  return file.documents.filter((d) => !d.stage.isEmpty && isMap(d.stage.yaml.contents));
}

function pairs(doc: EditableDocument): Pair[] {
  const contents = doc.stage.yaml.contents;
  if (!isMap(contents)) throw new Error(`Document ${doc.index + 1} is not a mapping`);
  return contents.items;
}

function keyName(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function styleOf(node: unknown): ScalarStyle {
  if (!isScalar(node)) return 'plain';
  if (node.type === Scalar.QUOTE_DOUBLE) return 'double';
  if (node.type === Scalar.QUOTE_SINGLE) return 'single';
  return 'plain';
}

/** JSON, or YAML written as one flow mapping (`{a: 1}`): values go in as JSON text. */
function isFlowDocument(doc: EditableDocument): boolean {
  const contents = doc.stage.yaml.contents;
  return doc.stage.language === 'json' || (isMap(contents) && contents.flow === true);
}

function lineBreakOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** The end of the line `offset` is on, before its line break. */
function endOfLine(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  if (newline === -1) return text.length;
  return newline > offset && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** Tags and anchors of an empty value (`key: !Env`): they belong to the value a set replaces. */
const EMPTY_VALUE_PROPERTIES = /(?:[ \t]+[!&]\S*)*/y;

/** Where a pair's value ends: after its last character (not the line breaks a block value ends with). */
function endOfValue(text: string, colon: number, value: Node | null): number {
  const range = value?.range;
  if (range && range[1] > range[0]) {
    let end = range[1];
    while (end > range[0] && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
    return end;
  }
  EMPTY_VALUE_PROPERTIES.lastIndex = colon + 1;
  return colon + 1 + EMPTY_VALUE_PROPERTIES.exec(text)![0].length;
}

/** One pending edit per field: the newer replaces the older where it stood in the list. */
function addEdit(doc: EditableDocument, edit: FieldEdit): void {
  const same = doc.edits.findIndex((e) => e.field === edit.field);
  if (same >= 0) doc.edits.splice(same, 1, edit);
  else doc.edits.push(edit);
}

function dropEdit(doc: EditableDocument, field: string): void {
  const same = doc.edits.findIndex((e) => e.field === field);
  if (same >= 0) doc.edits.splice(same, 1);
}

/**
 * Sets a top-level field. An existing value is replaced where it stands (a trailing comment
 * stays); a new key goes on a line after the key `after` (else after the last key). Setting the
 * value a field already has is no edit. The value is written in a form the parser reads back as
 * exactly that value; `serializeStageFile` checks that it does.
 */
export function setField(doc: EditableDocument, key: string, value: unknown, after?: string): void {
  dropEdit(doc, key);
  const items = pairs(doc);
  const existing = items.find((pair) => keyName(pair) === key);
  const current = doc.stage.value as Record<string, unknown>;
  if (existing && Object.hasOwn(current, key) && sameValue(current[key], value)) return;
  const edit = existing ? replacement(doc, existing, value) : insertion(doc, items, key, value, after);
  addEdit(doc, { ...edit, field: key, value, deleted: false });
}

function replacement(doc: EditableDocument, pair: Pair, value: unknown): TextEdit {
  const text = doc.text;
  const keyNode = pair.key as Node;
  const old = pair.value as Node | null;
  const colon = text.indexOf(':', keyNode.range![1]);
  const valueEnd = endOfValue(text, colon, old);
  const oldStart = old?.range && old.range[1] > old.range[0] ? old.range[0] : undefined;
  // The spacing after the colon stays when nothing but spaces stands before the old value. Else
  // the edit takes the colon too: never empty, it stays before a pair inserted right after it.
  const inline = (rendered: string): TextEdit =>
    oldStart !== undefined && /^[ \t]*$/.test(text.slice(colon + 1, oldStart)) ? { start: oldStart, end: valueEnd, text: rendered } : { start: colon, end: valueEnd, text: `: ${rendered}` };
  if (isFlowDocument(doc)) return inline(jsonText(value));
  const rendered = yamlValueText(value, columnOf(text, keyNode.range![0]) + 2, styleOf(old));
  if (rendered.lines.length === 0) return inline(rendered.head);
  // A block value: its header (and the old value's trailing comment) on the key's line, its lines below.
  const lineEnd = endOfLine(text, valueEnd);
  const lineBreak = lineBreakOf(text);
  const head = rendered.head ? ` ${rendered.head}` : '';
  const last = lineEnd === text.length ? lineBreak : '';
  return { start: colon, end: lineEnd, text: `:${head}${text.slice(valueEnd, lineEnd)}${lineBreak}${rendered.lines.join(lineBreak)}${last}` };
}

function insertion(doc: EditableDocument, items: Pair[], key: string, value: unknown, after: string | undefined): TextEdit {
  const text = doc.text;
  const lineBreak = lineBreakOf(text);
  // A pair about to be deleted is no place to put a new one.
  const kept = items.filter((pair) => !doc.edits.some((e) => e.deleted && e.field === keyName(pair)));
  const anchor = (after ? kept.find((pair) => keyName(pair) === after) : undefined) ?? kept[kept.length - 1];
  const anchorKey = anchor?.key as Node | undefined;
  const anchorValue = anchor?.value as Node | null | undefined;
  if (isFlowDocument(doc)) {
    const root = (doc.stage.yaml.contents as Node).range!;
    // A mapping on one line stays on one line.
    const separator = text.slice(root[0], root[1]).includes('\n') ? `${lineBreak}${/\n([ \t]+)"/.exec(text)?.[1] ?? '  '}` : ' ';
    const pair = `${jsonText(key)}: ${jsonText(value)}`;
    if (anchor) {
      const end = anchorValue?.range && anchorValue.range[1] > anchorValue.range[0] ? anchorValue.range[1] : anchorKey!.range![1];
      return { start: end, end, text: `,${separator}${pair}` };
    }
    return { start: root[0] + 1, end: root[0] + 1, text: `${separator}${pair}${separator === ' ' ? ' ' : lineBreak}` };
  }
  const pair = renderPair(key, value, 'yaml', anchorKey ? columnOf(text, anchorKey.range![0]) : 0, lineBreak);
  if (!anchor) return { start: text.length, end: text.length, text: `${text.length > 0 && !text.endsWith('\n') ? lineBreak : ''}${pair}${lineBreak}` };
  const range = anchorValue?.range;
  const end = range && range[1] > range[0] ? range[1] : endOfValue(text, text.indexOf(':', anchorKey!.range![1]), anchorValue ?? null);
  // A block value ends at the start of the next line: the new pair goes there, before what follows.
  if (text.charCodeAt(end - 1) === 10) return { start: end, end, text: `${pair}${lineBreak}` };
  const at = endOfLine(text, end);
  return { start: at, end: at, text: `${lineBreak}${pair}${at === text.length ? lineBreak : ''}` };
}

export function deleteField(doc: EditableDocument, key: string): void {
  dropEdit(doc, key);
  const pair = pairs(doc).find((p) => keyName(p) === key);
  if (!pair) return;
  // In JSON the commas depend on which neighbours go too: `withCommas` settles them at serialization.
  const span = isFlowDocument(doc) ? { start: pairStart(pair), end: pairEnd(pair) } : pairSpan('yaml', doc.text, pairStart(pair), pairEnd(pair));
  addEdit(doc, { start: span.start, end: span.end, text: '', field: key, deleted: true });
}

function pairStart(pair: Pair): number {
  return (pair.key as Node).range![0];
}

function pairEnd(pair: Pair): number {
  return (pair.value as Node | null)?.range?.[1] ?? (pair.key as Node).range![1];
}

/**
 * A JSON (flow) document's deletions with the commas that go with them: a pair followed by a
 * kept one takes the separator after it; the run of deleted pairs at the end takes the one before.
 */
function withCommas(doc: EditableDocument, edits: readonly FieldEdit[]): FieldEdit[] {
  if (!isFlowDocument(doc) || !edits.some((e) => e.deleted)) return [...edits];
  const items = pairs(doc);
  const deleted = new Set(edits.filter((e) => e.deleted).map((e) => e.field));
  let trailing = items.length;
  while (trailing > 0 && deleted.has(keyName(items[trailing - 1]!))) trailing--;
  const spans = new Map<string, { start: number; end: number }>();
  items.forEach((pair, i) => {
    const field = keyName(pair);
    if (!deleted.has(field)) return;
    if (i < trailing) spans.set(field, { start: pairStart(pair), end: pairStart(items[i + 1]!) });
    else if (i === trailing) spans.set(field, { start: i > 0 ? pairEnd(items[i - 1]!) : pairStart(pair), end: pairEnd(items[items.length - 1]!) });
    else spans.set(field, { start: pairEnd(pair), end: pairEnd(pair) });
  });
  return edits.map((edit) => (edit.deleted ? { ...edit, ...spans.get(edit.field)! } : edit));
}

/**
 * An edit would have written something other than what it meant to: the edited document would
 * not hold the same keys, or a field not the value written. Thrown before any text is returned.
 */
export class UnsafeEditError extends Error {
  constructor(
    readonly file: string,
    /** 1-based. */
    readonly document: number,
    readonly field: string,
    readonly reason: string,
  ) {
    super(
      `${file}: document ${document}: writing ${field} would change the document's structure (${reason}). ` +
        `Nothing was written. This is a fault of authentik Stages' file editor: please report it, and set ${field} in the file by hand.`,
    );
    this.name = 'UnsafeEditError';
  }
}

/**
 * The file's new text: each document with its edits applied; untouched ones exactly as they were.
 * Each edited document is parsed again, as the language server parses it, and must hold the
 * keys it held (plus those set, minus those deleted), each set key exactly its new value and
 * every other key its old one; else `UnsafeEditError`.
 */
export function serializeStageFile(file: EditableStageFile): string {
  return file.documents.map((doc) => (doc.changed ? checkedText(file, doc) : doc.text)).join('');
}

function checkedText(file: EditableStageFile, doc: EditableDocument): string {
  const text = applyTextEdits(doc.text, withCommas(doc, doc.edits));
  const problem = structureProblem(doc, text, doc.edits);
  if (!problem) return text;
  throw new UnsafeEditError(file.path, doc.index + 1, problem.field ?? culprit(doc), problem.reason);
}

interface StructureProblem {
  /** The field whose value does not read back; unknown when a key appeared, vanished or changed. */
  field?: string;
  reason: string;
}

function structureProblem(doc: EditableDocument, text: string, edits: readonly FieldEdit[]): StructureProblem | undefined {
  const language = doc.stage.language;
  // The language server splits the file first: a document marker written into it makes two documents.
  const parts = language === 'yaml' ? splitYamlDocuments(text).length : 1;
  if (parts !== 1 && parts !== splitYamlDocuments(doc.text).length) return { reason: 'it would split into several documents' };
  const reparsed = parseStageDocument(text, language);
  if (reparsed.syntaxErrors.length > doc.stage.syntaxErrors.length) {
    const added = reparsed.syntaxErrors.find((e) => !doc.stage.syntaxErrors.some((old) => old.message === e.message)) ?? reparsed.syntaxErrors[0]!;
    return { reason: `it would not parse: ${added.message}` };
  }
  const before = doc.stage.value as Record<string, unknown>;
  const after = reparsed.value;
  if (!isPlainObject(after)) return { reason: 'it would no longer be a mapping' };
  const expected = new Map(Object.keys(before).map((key) => [key, before[key]]));
  for (const edit of edits) {
    if (edit.deleted) expected.delete(edit.field);
    else expected.set(edit.field, edit.value);
  }
  for (const key of Object.keys(after)) if (!expected.has(key)) return { reason: `it would gain the key ${jsonText(clip(key))}` };
  for (const [key, value] of expected) {
    if (!Object.hasOwn(after, key)) return { reason: `it would lose the key ${jsonText(clip(key))}` };
    if (sameValue(after[key], value)) continue;
    const written = edits.some((e) => e.field === key && !e.deleted);
    return written ? { field: key, reason: `${key} would not read back as the value written` } : { reason: `the key ${jsonText(clip(key))} would change its value` };
  }
  return undefined;
}

/** The field whose edit alone breaks the document; all of them when only their sum does. */
function culprit(doc: EditableDocument): string {
  const alone = doc.edits.find((edit) => structureProblem(doc, applyTextEdits(doc.text, withCommas(doc, [edit])), [edit]));
  return alone?.field ?? doc.edits.map((e) => e.field).join(', ');
}

/** Keys from a broken edit come from a server's text: shown short. */
function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/**
 * A new stage document's text, keys in the given order, each value in a form read back exactly;
 * parsed again to make sure (`path` names the file in the error).
 */
export function renderNewDocument(object: Record<string, unknown>, language: SourceLanguage, path = 'a new stage file'): string {
  const text = language === 'json' ? `${jsonText(object, 2)}\n` : renderYamlDocument(object);
  const reparsed = parseStageDocument(text, language).value;
  const wrong = isPlainObject(reparsed) ? differentKey(reparsed, object) : Object.keys(object)[0];
  if (wrong !== undefined) throw new UnsafeEditError(path, 1, wrong, `${wrong} would not read back as the value written`);
  return text;
}

function renderYamlDocument(object: Record<string, unknown>): string {
  const keys = Object.keys(object);
  if (keys.length === 0) return '{}\n';
  return `${keys.map((key) => renderPair(key, object[key], 'yaml')).join('\n')}\n`;
}

/** The first key whose value differs, or that one object has and the other lacks. */
function differentKey(actual: Record<string, unknown>, expected: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(expected)) if (!Object.hasOwn(actual, key) || !sameValue(actual[key], expected[key])) return key;
  return Object.keys(actual).find((key) => !Object.hasOwn(expected, key));
}
