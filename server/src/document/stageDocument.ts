/**
 * A stage file parsed for the language features: one `StageDocument` per YAML document (or the
 * single JSON object), each with its plain value and the source range of every key and value.
 *
 * Offsets are relative to the document's chunk, so an unchanged document keeps its analysis when
 * text above it moves (see `documentCache.ts`).
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { TaggedValue } from './tags';

export type SourceLanguage = 'yaml' | 'json';

export interface Span {
  start: number;
  end: number;
}

/** Where a value (and the key that holds it, for map entries) sits in the chunk. */
export interface NodeLocation {
  value: Span;
  key?: Span;
  /** The YAML node, for code actions that rewrite it. */
  node: Node | null;
}

export interface SyntaxProblem {
  span: Span;
  message: string;
}

export interface StageDocument {
  /** The document's own text (its chunk of the file); every span is an offset into it. */
  readonly text: string;
  readonly language: SourceLanguage;
  readonly yaml: Document.Parsed;
  /** The document's content converted to plain values, tags kept as `TaggedValue`. */
  readonly value: unknown;
  /** JSON pointer (`/sources/0`, `""` for the root) → location. */
  readonly locations: ReadonlyMap<string, NodeLocation>;
  readonly syntaxErrors: readonly SyntaxProblem[];
  /** True when the chunk holds nothing but comments and blank lines. */
  readonly isEmpty: boolean;
}

/** Keeps alias expansion bounded: a "billion laughs" file must not hang the server. */
const MAX_EXPANDED_NODES = 100_000;

export function parseStageDocument(text: string, language: SourceLanguage): StageDocument {
  const yaml = parseDocument(text, {
    keepSourceTokens: false,
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
    version: '1.2',
  });
  const syntaxErrors: SyntaxProblem[] = yaml.errors.map((error) => ({
    span: spanOf(error.pos, text.length),
    message: error.message.split('\n')[0]!,
  }));
  if (language === 'json') syntaxErrors.push(...jsonSyntaxErrors(text, syntaxErrors.length > 0));
  const locations = new Map<string, NodeLocation>();
  const builder = new ValueBuilder(yaml, text, locations);
  const value = yaml.contents ? builder.build(yaml.contents as Node, '', undefined) : null;
  return {
    text,
    language,
    yaml,
    value,
    locations,
    syntaxErrors,
    isEmpty: yaml.contents === null || (isScalar(yaml.contents) && yaml.contents.value === null && yaml.contents.range[0] === yaml.contents.range[1]),
  };
}

function spanOf(pos: [number, number], length: number): Span {
  const start = Math.min(pos[0], length);
  // A zero-width error squiggle is invisible; cover at least one character.
  const end = Math.min(Math.max(pos[1], start + 1), Math.max(length, start));
  return { start, end };
}

/**
 * YAML accepts more than JSON (comments, single quotes, trailing commas, unquoted keys); a
 * `.stage.json` file must be JSON, so JSON.parse has the last word on syntax.
 */
function jsonSyntaxErrors(text: string, yamlAlreadyFailed: boolean): SyntaxProblem[] {
  if (yamlAlreadyFailed || text.trim() === '') return [];
  try {
    JSON.parse(text);
    return [];
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const at = position ? Number(position[1]) : text.length - 1;
    return [{ span: { start: Math.max(0, at), end: Math.min(text.length, at + 1) }, message: `Invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}` }];
  }
}

export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

class ValueBuilder {
  private expanded = 0;

  constructor(
    private readonly doc: Document.Parsed,
    private readonly text: string,
    private readonly locations: Map<string, NodeLocation>,
  ) {}

  build(node: Node, pointer: string, key: Span | undefined): unknown {
    if (++this.expanded > MAX_EXPANDED_NODES) return null;
    const value = this.spanWithTag(node);
    if (!this.locations.has(pointer)) this.locations.set(pointer, key ? { value, key, node } : { value, node });
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      // Paths inside an alias point at the anchored nodes; the alias itself keeps its own span.
      return target ? this.build(target as Node, pointer, key) : null;
    }
    let plain: unknown;
    if (isMap(node)) {
      const object: Record<string, unknown> = {};
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        const name = keyNode && isScalar(keyNode) ? String(keyNode.value) : keyNode ? String(keyNode) : '';
        const keySpan = keyNode ? nodeSpan(keyNode) : value;
        const child = pair.value as Node | null;
        const childPointer = `${pointer}/${escapePointerSegment(name)}`;
        if (child) {
          object[name] = this.build(child, childPointer, keySpan);
          // An empty value (`key:`) has a zero-width node; the key is the useful place to point at.
          const location = this.locations.get(childPointer);
          if (location && location.value.end <= location.value.start) location.value = { start: keySpan.start, end: keySpan.end };
        } else {
          object[name] = null;
          this.locations.set(childPointer, { value: keySpan, key: keySpan, node: null });
        }
      }
      plain = object;
    } else if (isSeq(node)) {
      plain = node.items.map((item, i) => (item ? this.build(item as Node, `${pointer}/${i}`, undefined) : null));
    } else if (isScalar(node)) {
      plain = node.value;
    } else {
      plain = null;
    }
    const tag = node.tag;
    // `!Env` and friends; the core schema's own tags (`tag:yaml.org,2002:str`) are plain values.
    if (tag && tag.startsWith('!') && !tag.startsWith('!!')) return new TaggedValue(tag, plain);
    return plain;
  }

  /** yaml's node range starts after the tag; a squiggle on `!Env X` should cover the tag too. */
  private spanWithTag(node: Node): Span {
    const span = nodeSpan(node);
    const tag = node.tag;
    if (!tag || !tag.startsWith('!') || tag.startsWith('!!')) return span;
    const at = this.text.lastIndexOf(tag, span.start);
    if (at >= 0 && /^\s*$/.test(this.text.slice(at + tag.length, span.start))) return { start: at, end: Math.max(span.end, at + tag.length) };
    return span;
  }
}

function nodeSpan(node: Node): Span {
  const range = node.range;
  if (!range) return { start: 0, end: 0 };
  return { start: range[0], end: range[1] };
}
