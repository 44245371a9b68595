/**
 * Glob patterns as VS Code reads them in settings and document selectors, and as the command
 * line expands them: `/` separates segments; `*` is any run of characters within a segment and
 * `?` one character; `**` as a whole segment is any number of segments, none included;
 * `{a,b}` is either alternative (nested, each a pattern itself); `[abc]`, `[a-z]`, `[!a]` (or
 * `[^a]`) one character of a class, never `/`. Anything else is itself.
 */

export function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${globSource(pattern.replace(/\\/g, '/'))}$`);
}

/** Whether `path` (any separators) matches `pattern` as a whole. */
export function globMatches(pattern: string | RegExp, path: string): boolean {
  return (typeof pattern === 'string' ? globToRegExp(pattern) : pattern).test(path.replace(/\\/g, '/'));
}

function globSource(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      let end = i;
      while (pattern[end + 1] === '*') end++;
      const wholeSegment = end > i && (i === 0 || pattern[i - 1] === '/') && (end + 1 === pattern.length || pattern[end + 1] === '/');
      if (!wholeSegment) out += '[^/]*';
      else if (pattern[end + 1] === '/') {
        // `**/`: any number of segments, each with its slash (none at all included).
        out += '(?:[^/]*/)*';
        end++;
      } else out += '.*';
      i = end;
    } else if (c === '?') out += '[^/]';
    else if (c === '{') {
      const close = closingBrace(pattern, i);
      if (close === -1) out += '\\{';
      else {
        out += `(?:${splitAlternatives(pattern.slice(i + 1, close)).map(globSource).join('|')})`;
        i = close;
      }
    } else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close === -1) out += '\\[';
      else {
        const body = pattern.slice(i + 1, close);
        const negated = body.startsWith('!') || body.startsWith('^');
        const chars = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, '\\$&');
        out += negated ? `[^/${chars}]` : `(?!/)[${chars}]`;
        i = close;
      }
    } else out += c.replace(/[.+^$()|\\\]}]/g, '\\$&');
  }
  return out;
}

/** The `}` closing the `{` at `open`, counting nested braces; -1 when there is none. */
function closingBrace(pattern: string, open: number): number {
  let depth = 0;
  for (let i = open; i < pattern.length; i++) {
    if (pattern[i] === '{') depth++;
    else if (pattern[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** `a,b{c,d},e` → `a`, `b{c,d}`, `e`: the commas outside nested braces. */
function splitAlternatives(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '{') depth++;
    else if (body[i] === '}') depth--;
    else if (body[i] === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}
