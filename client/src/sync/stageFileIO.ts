/**
 * Reading and rewriting stage files without losing what a person wrote. Edits are text edits on
 * the document's own source: a changed value is replaced where it stands (keeping its quoting),
 * a new key gets a line of its own, so comments, spacing and untouched documents stay byte for
 * byte. Documents are parsed exactly as the language server parses them.
 */
import { isMap, isNode, isScalar, Scalar, type Node, type Pair } from 'yaml';
import { applyTextEdits, isPlainObject, languageOfPath, pairSpan, parseStageDocument, renderPair, renderValueText, stringifyYaml, type ScalarStyle, type SourceLanguage, splitDocuments, type StageDocument, type TextEdit } from '@authentik-stages/engine';
import { sameValue } from './normalize';

export interface StageFileDocument {
  /** Position of the document in the file (0-based). */
  readonly index: number;
  /** Offset of the document's text in the file. */
  readonly offset: number;
  /** The document's original text. */
  readonly text: string;
  /** Parsed exactly as the language server parses it: values, tags and source locations. */
  readonly stage: StageDocument;
  /** Pending edits of `text`, applied when the file is serialized. */
  readonly edits: TextEdit[];
  readonly changed: boolean;
}

class EditableDocument implements StageFileDocument {
  readonly edits: TextEdit[] = [];

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

export interface StageFileContents {
  readonly path: string;
  readonly language: SourceLanguage;
  readonly originalText: string;
  readonly documents: StageFileDocument[];
}

export function parseStageFile(path: string, text: string): StageFileContents {
  const language = languageOfPath(path);
  const chunks = splitDocuments(text, language);
  const documents = chunks.map((chunk, index) => new EditableDocument(index, chunk.start, chunk.text, parseStageDocument(chunk.text, language)));
  return { path, language, originalText: text, documents };
}

/** The documents that hold a stage (a mapping). */
export function stageDocuments(file: StageFileContents): StageFileDocument[] {
  return file.documents.filter((d) => !d.stage.isEmpty && isMap(d.stage.yaml.contents));
}

function pairs(doc: StageFileDocument): Pair[] {
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

/** The edit replacing an earlier one at the same place supersedes it. */
function addEdit(doc: StageFileDocument, edit: TextEdit): void {
  const same = doc.edits.findIndex((e) => e.start === edit.start && e.end === edit.end && e.end > e.start);
  if (same >= 0) doc.edits.splice(same, 1, edit);
  else doc.edits.push(edit);
}

/** Where a new line goes after a pair: the end of the pair's last line, before its newline. */
function endOfPairLine(doc: StageFileDocument, pair: Pair): number {
  const end = (pair.value as Node | null)?.range?.[1] ?? (pair.key as Node).range![1];
  const newline = doc.text.indexOf('\n', Math.max(end - 1, 0));
  return newline === -1 ? doc.text.length : newline;
}

/**
 * Sets a top-level field. An existing value is replaced where it stands; a new key goes on a line
 * after the key `after` (else after the last key). Setting the value a field already has is no edit.
 */
export function setField(doc: StageFileDocument, key: string, value: unknown, after?: string): void {
  const language = doc.stage.language;
  const items = pairs(doc);
  const existing = items.find((pair) => keyName(pair) === key);
  if (existing) {
    const old = existing.value as Node | null;
    // The parsed value keeps tags (`!Find […]`), which the node's plain JSON would lose.
    const parsed = isPlainObject(doc.stage.value) ? doc.stage.value[key] : isNode(old) ? old.toJSON() : old;
    if (sameValue(parsed, value)) return;
    const keyEnd = (existing.key as Node).range![1];
    const range = old?.range;
    const hasValue = range && range[1] > range[0];
    if (!hasValue) {
      // `key:` with nothing after it: the value goes right after the colon.
      const colon = doc.text.indexOf(':', keyEnd);
      const rendered = renderValueText(value, language);
      addEdit(doc, { start: colon + 1, end: colon + 1, text: `${rendered.startsWith('\n') ? '' : ' '}${rendered}` });
      return;
    }
    const rendered = renderValueText(value, language, styleOf(old));
    // A block collection starts on the key's line in the source only when it is a flow one.
    const start = rendered.startsWith('\n') ? doc.text.indexOf(':', keyEnd) + 1 : range[0];
    addEdit(doc, { start, end: range[1], text: rendered });
    return;
  }
  const anchor = (after ? items.find((pair) => keyName(pair) === after) : undefined) ?? items[items.length - 1];
  if (language === 'json') {
    const indent = /\n([ \t]+)"/.exec(doc.text)?.[1] ?? '  ';
    if (anchor) {
      const end = (anchor.value as Node | null)?.range?.[1] ?? (anchor.key as Node).range![1];
      addEdit(doc, { start: end, end, text: `,\n${indent}${renderPair(key, value, language)}` });
    } else {
      const open = doc.text.indexOf('{');
      addEdit(doc, { start: open + 1, end: open + 1, text: `\n${indent}${renderPair(key, value, language)}\n` });
    }
    return;
  }
  const at = anchor ? endOfPairLine(doc, anchor) : doc.text.length;
  const prefix = at === doc.text.length && !doc.text.endsWith('\n') && doc.text.length > 0 ? '\n' : at === doc.text.length ? '' : '\n';
  const suffix = at === doc.text.length ? '\n' : '';
  addEdit(doc, { start: at, end: at, text: `${prefix}${renderPair(key, value, language)}${suffix}` });
}

export function deleteField(doc: StageFileDocument, key: string): void {
  const pair = pairs(doc).find((p) => keyName(p) === key);
  if (!pair) return;
  const start = (pair.key as Node).range![0];
  const end = (pair.value as Node | null)?.range?.[1] ?? (pair.key as Node).range![1];
  const span = pairSpan(doc.stage.language, doc.text, start, end);
  addEdit(doc, { start: span.start, end: span.end, text: '' });
}

/** The file's new text: each document with its edits applied; untouched ones exactly as they were. */
export function serializeStageFile(file: StageFileContents): string {
  return file.documents.map((doc) => (doc.changed ? applyTextEdits(doc.text, doc.edits) : doc.text)).join('');
}

/** A new stage document's text, keys in the given order. */
export function renderNewDocument(object: Record<string, unknown>, language: SourceLanguage): string {
  if (language === 'json') return `${JSON.stringify(object, null, 2)}\n`;
  return stringifyYaml(object);
}
