/**
 * A stage file parsed for the language features: one `StageDocument` per YAML document (or the
 * single JSON object), each with its plain value and the source range of every key and value.
 *
 * Offsets are relative to the document's chunk, so an unchanged document keeps its analysis when
 * text above it moves (see `documentCache.ts`).
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { nestingDepth } from './nesting';
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
/** No stage nests deeper than a few levels; this bound keeps recursion far from the stack's end. */
const MAX_DEPTH = 200;
const MAX_SYNTAX_ERRORS = 20;
/** Below the depth at which the parser itself gives out (about a thousand levels). */
const MAX_PARSE_DEPTH = 300;

export interface ParseOptions {
  /**
   * Keep each location's YAML node (default): what rewriting a file needs. Without them the parse
   * tree is garbage once the values are built, which is what a large blueprint wants.
   */
  keepNodes?: boolean;
  /** The pointer of the document's root in `locations` (default `""`): a part of a larger document sits below its parent's. */
  rootPointer?: string;
}

export function parseStageDocument(text: string, language: SourceLanguage, options: ParseOptions = {}): StageDocument {
  if (nestingDepth(text, MAX_PARSE_DEPTH) > MAX_PARSE_DEPTH) {
    const problem = { span: { start: 0, end: Math.min(text.length, 1) }, message: `The document nests deeper than ${MAX_PARSE_DEPTH} levels; no stage does, so it is not parsed.` };
    return { text, language, yaml: parseDocument(''), value: null, locations: new Map(), syntaxErrors: [problem], isEmpty: false };
  }
  let yaml: Document.Parsed;
  // The parser reports every custom tag (`!Env`, `!KeyOf`, …) as a warning, an Error object whose
  // stack trace is captured and never read: on a blueprint of thousands of tags that was a third
  // of the parse.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    yaml = parseDocument(text, { keepSourceTokens: false, prettyErrors: false, uniqueKeys: true, strict: true, version: '1.2' });
  } catch (error) {
    // The parser recurses per nesting level; pathological input can exhaust the stack.
    yaml = parseDocument('');
    const reason = /call stack/i.test((error as Error).message) ? 'it nests too deeply (thousands of levels); no stage does' : (error as Error).message;
    const problem = { span: { start: 0, end: Math.min(text.length, 1) }, message: `The document cannot be parsed: ${reason}.` };
    return { text, language, yaml, value: null, locations: new Map(), syntaxErrors: [problem], isEmpty: false };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  const syntaxErrors: SyntaxProblem[] = [];
  const seen = new Set<string>();
  for (const error of yaml.errors) {
    const raw = error.message.split('\n')[0]!;
    // The parser recurses per nesting level and reports running out of stack as an error of its own.
    const message = /call stack/i.test(raw) ? 'The document nests too deeply to be parsed (thousands of levels); no stage does.' : raw;
    const problem = { span: spanOf(error.pos, text.length), message };
    const key = `${problem.span.start}:${problem.message}`;
    // Broken input can make the parser repeat itself thousands of times; one of each, a few in all.
    if (seen.has(key) || seen.size >= MAX_SYNTAX_ERRORS) continue;
    seen.add(key);
    syntaxErrors.push(problem);
  }
  if (language === 'json') syntaxErrors.push(...jsonSyntaxErrors(text, syntaxErrors.length > 0));
  const locations = new Map<string, NodeLocation>();
  const builder = new ValueBuilder(text, locations, options.keepNodes !== false);
  const value = yaml.contents ? builder.build(yaml.contents as Node, options.rootPointer ?? '', undefined, 0) : null;
  syntaxErrors.push(...builder.problems);
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

/** Where to mark what is at `pointer`: its value, else the nearest enclosing node's (the first character at worst). */
export function valueSpanAt(doc: Pick<StageDocument, 'locations' | 'text'>, pointer: string): Span {
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
    const location = doc.locations.get(p);
    if (location) return location.value;
    if (p === '') return { start: 0, end: Math.min(doc.text.length, 1) };
  }
}

/** The key at `pointer`, else where its value is marked. */
export function keySpanAt(doc: Pick<StageDocument, 'locations' | 'text'>, pointer: string): Span {
  return doc.locations.get(pointer)?.key ?? valueSpanAt(doc, pointer);
}

/** A key as one segment of a JSON pointer (RFC 6901): `~` → `~0`, `/` → `~1`. */
export function escapePointerSegment(segment: string): string {
  // Nearly every key is a plain word: no regular expression for those.
  if (!segment.includes('~') && !segment.includes('/')) return segment;
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapePointerSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The pointer of a top-level field: `fieldPointer('a/b')` = `/a~1b`. */
export function fieldPointer(field: string): string {
  return `/${escapePointerSegment(field)}`;
}

/** The segments of a pointer, unescaped: `/sources/0` → `['sources', '0']`. */
export function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointerSegment);
}

/** `yaml` for anything but a `.json` path (stage files are YAML unless named JSON). */
export function languageOfPath(path: string): SourceLanguage {
  return /\.json$/i.test(path) ? 'json' : 'yaml';
}

class ValueBuilder {
  readonly problems: SyntaxProblem[] = [];
  private expanded = 0;
  /** Anchors seen so far: YAML defines an anchor before any alias to it, in document order. */
  private readonly anchors = new Map<string, Node>();
  /** Anchored nodes being expanded: an alias to one of them is a cycle. */
  private readonly expanding = new Set<Node>();

  constructor(
    private readonly text: string,
    private readonly locations: Map<string, NodeLocation>,
    private readonly keepNodes: boolean,
  ) {}

  build(node: Node, pointer: string, key: Span | undefined, depth: number): unknown {
    const value = this.spanWithTag(node);
    if (++this.expanded > MAX_EXPANDED_NODES) return this.fail(value, `The document expands to more than ${MAX_EXPANDED_NODES} values (aliases?); the rest is ignored.`);
    if (depth > MAX_DEPTH) return this.fail(value, `The document nests deeper than ${MAX_DEPTH} levels; deeper values are ignored.`);
    if (!this.locations.has(pointer)) {
      const kept = this.keepNodes ? node : null;
      this.locations.set(pointer, key ? { value, key, node: kept } : { value, node: kept });
    }
    if (isAlias(node)) {
      const target = this.anchors.get(node.source);
      if (!target) return null;
      if (this.expanding.has(target)) return this.fail(value, `The alias *${node.source} refers to a value that contains it.`);
      // Paths inside an alias point at the anchored nodes; the alias itself keeps its own span.
      this.expanding.add(target);
      try {
        return this.build(target, pointer, key, depth + 1);
      } finally {
        this.expanding.delete(target);
      }
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (!anchor) return this.buildNode(node, pointer, value, depth);
    this.anchors.set(anchor, node);
    this.expanding.add(node);
    try {
      return this.buildNode(node, pointer, value, depth);
    } finally {
      this.expanding.delete(node);
    }
  }

  private buildNode(node: Node, pointer: string, value: Span, depth: number): unknown {
    let plain: unknown;
    if (isMap(node)) {
      // No prototype: a `__proto__` key is data like any other.
      const object = Object.create(null) as Record<string, unknown>;
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        const name = keyNode && isScalar(keyNode) ? String(keyNode.value) : keyNode ? String(keyNode) : '';
        const keySpan = keyNode ? nodeSpan(keyNode) : value;
        const child = pair.value as Node | null;
        const childPointer = `${pointer}/${escapePointerSegment(name)}`;
        if (child) {
          object[name] = this.build(child, childPointer, keySpan, depth + 1);
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
      plain = node.items.map((item, i) => (item ? this.build(item as Node, `${pointer}/${i}`, undefined, depth + 1) : null));
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

  /** Records the first occurrence of each kind of problem; returns the value to use instead. */
  private fail(span: Span, message: string): null {
    if (!this.problems.some((p) => p.message === message)) this.problems.push({ span: { start: span.start, end: Math.max(span.end, span.start + 1) }, message });
    return null;
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
