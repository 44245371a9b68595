/** Expands the file arguments of the command line: plain paths as given, globs by walking the tree. */
import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

const MAGIC = /[*?[{]/;

export function hasGlob(pattern: string): boolean {
  return MAGIC.test(pattern);
}

/** `**` any depth, `*` and `?` within a segment, `{a,b}` alternatives, `[abc]` classes. */
export function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        const slash = pattern[i + 2] === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '{') {
      const close = pattern.indexOf('}', i);
      if (close === -1) out += '\\{';
      else {
        out += `(?:${pattern.slice(i + 1, close).split(',').map((p) => p.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('|')})`;
        i = close;
      }
    } else if (c === '[') {
      const close = pattern.indexOf(']', i);
      if (close === -1) out += '\\[';
      else {
        out += `[${pattern.slice(i + 1, close).replace(/^!/, '^')}]`;
        i = close;
      }
    } else out += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** Files matching `pattern`, relative paths in the pattern's own form, sorted. */
export function expandGlob(pattern: string, cwd: string): string[] {
  const normalized = pattern.split(sep).join('/');
  const segments = normalized.split('/');
  const firstMagic = segments.findIndex((s) => MAGIC.test(s));
  const base = segments.slice(0, firstMagic).join('/');
  const matcher = globToRegExp(normalized);
  const found: string[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(join(cwd, dir));
    } catch {
      return;
    }
    for (const name of names) {
      if (name === 'node_modules' || name === '.git') continue;
      const path = dir ? `${dir}/${name}` : name;
      let isDir = false;
      try {
        isDir = statSync(join(cwd, path)).isDirectory();
      } catch {
        continue;
      }
      if (isDir) walk(path);
      else if (matcher.test(path)) found.push(path);
    }
  };
  walk(base === '' && normalized.startsWith('/') ? '/' : base);
  return found.sort();
}
