/**
 * Reading and rewriting stage files without losing what a person wrote: comments, key order,
 * quoting and the documents nobody touched stay byte for byte. YAML goes through the `yaml`
 * Document API one document at a time; JSON keeps its key order and indentation.
 */
import { isDeepStrictEqual } from 'node:util';
import { Document, isMap, isNode, isScalar, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { splitYamlDocuments } from '../../../server/src/document/split';
import { parseStageDocument, type SourceLanguage, type StageDocument } from '../../../server/src/document/stageDocument';

export interface StageFileDocument {
  /** Position of the document in the file (0-based). */
  readonly index: number;
  /** Offset of the document's text in the file. */
  readonly offset: number;
  /** The document's original text. */
  readonly text: string;
  /** Parsed exactly as the language server parses it: values, tags and source locations. */
  readonly stage: StageDocument;
  /** The YAML document; edits go through it. Undefined for an empty document. */
  readonly yaml: Document.Parsed | undefined;
  /** Set once an edit changed the document: only these are re-serialized. */
  changed: boolean;
}

export interface StageFileContents {
  readonly path: string;
  readonly language: SourceLanguage;
  readonly originalText: string;
  readonly documents: StageFileDocument[];
  /** JSON only: the indentation found in the file, reused when it is written. */
  readonly jsonIndent: string;
}

export function languageOfPath(path: string): SourceLanguage {
  return /\.json$/i.test(path) ? 'json' : 'yaml';
}

export function parseStageFile(path: string, text: string): StageFileContents {
  const language = languageOfPath(path);
  const chunks = language === 'json' ? [{ start: 0, text }] : splitYamlDocuments(text);
  const documents = chunks.map((chunk, index) => {
    const stage = parseStageDocument(chunk.text, language);
    return { index, offset: chunk.start, text: chunk.text, stage, yaml: stage.isEmpty ? undefined : stage.yaml, changed: false };
  });
  return { path, language, originalText: text, documents, jsonIndent: /^\{\s*\n([ \t]+)"/.exec(text)?.[1] ?? '  ' };
}

/** The documents that hold a stage (a mapping), with their position among all documents. */
export function stageDocuments(file: StageFileContents): StageFileDocument[] {
  return file.documents.filter((d) => d.yaml && isMap(d.yaml.contents));
}

function mapOf(doc: StageFileDocument): YAMLMap {
  const contents = doc.yaml?.contents;
  if (!isMap(contents)) throw new Error(`Document ${doc.index + 1} is not a mapping`);
  return contents;
}

function keyName(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

/** Sets a top-level field, keeping its place (and comments) when it exists; new keys go after `after`, else at the end. */
export function setField(doc: StageFileDocument, key: string, value: unknown, after?: string): void {
  const map = mapOf(doc);
  const existing = map.items.find((pair) => keyName(pair) === key);
  const node = doc.yaml!.createNode(value);
  if (existing) {
    const old = existing.value;
    if (isDeepStrictEqual(isNode(old) ? old.toJSON() : old, value)) return;
    // Keep a scalar's comment and quoting style when only its value changes.
    if (isScalar(old) && isScalar(node) && typeof old.value === typeof node.value) {
      if (old.value === node.value) return;
      old.value = node.value;
    } else {
      if (isScalar(old) && (old.comment || old.commentBefore)) {
        (node as Scalar).comment = old.comment;
      }
      existing.value = node;
    }
  } else {
    const pair = doc.yaml!.createPair(key, value);
    const anchor = after ? map.items.findIndex((p) => keyName(p) === after) : -1;
    if (anchor >= 0) map.items.splice(anchor + 1, 0, pair);
    else map.items.push(pair);
  }
  doc.changed = true;
}

export function deleteField(doc: StageFileDocument, key: string): void {
  const map = mapOf(doc);
  const index = map.items.findIndex((pair) => keyName(pair) === key);
  if (index === -1) return;
  map.items.splice(index, 1);
  doc.changed = true;
}

/** The file's new text: changed documents re-serialized, the others exactly as they were. */
export function serializeStageFile(file: StageFileContents): string {
  if (file.language === 'json') {
    const doc = file.documents[0];
    if (!doc?.changed || !doc.yaml) return file.originalText;
    const trailingNewline = file.originalText.endsWith('\n') || file.originalText === '' ? '\n' : '';
    return `${JSON.stringify(doc.yaml.toJS(), null, file.jsonIndent)}${trailingNewline}`;
  }
  return file.documents.map((doc) => (doc.changed && doc.yaml ? renderYamlDocument(doc) : doc.text)).join('');
}

function renderYamlDocument(doc: StageFileDocument): string {
  const rendered = doc.yaml!.toString({ lineWidth: 0 });
  // A document that started with `---` keeps it; yaml only writes it when told to.
  const startsWithMarker = /^---(\s|$)/.test(doc.text);
  const body = startsWithMarker && !rendered.startsWith('---') ? `---\n${rendered}` : rendered;
  return body.endsWith('\n') ? body : `${body}\n`;
}

/** A new stage document's text, keys in the given order. */
export function renderNewDocument(object: Record<string, unknown>, language: SourceLanguage): string {
  if (language === 'json') return `${JSON.stringify(object, null, 2)}\n`;
  return new Document(object).toString({ lineWidth: 0 });
}
