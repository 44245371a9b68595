/**
 * Expands the file arguments of the command line: plain paths as given, globs by walking the tree.
 * Only regular files are ever returned (a FIFO or a device is never opened: opening one blocks or
 * reads without end), a symlinked directory is entered once however many links reach it (so a
 * symlink loop ends), and a file reached twice is returned once, under its first spelling.
 */
import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { resolve, sep } from 'node:path';
import { globToRegExp } from '@authentik-stages/engine';
import { argumentError, progress } from './output';

const MAGIC = /[*?[{]/;

export function hasGlob(pattern: string): boolean {
  return MAGIC.test(pattern);
}

/** The patterns' one reading, shared with the language server's `authentik.files.extraPatterns`. */
export { globToRegExp };

/** What a file system entry is, for messages: `a directory`, `a FIFO (named pipe)`, …; undefined for a regular file. */
export function notRegular(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** A glob match that is not read, and why. */
export interface SkippedMatch {
  path: string;
  reason: string;
}

export interface GlobExpansion {
  /** Regular files matching the pattern, relative paths in the pattern's own form, sorted. */
  files: string[];
  /** Matches that are not regular files (FIFOs, devices, sockets, links to nothing). */
  skipped: SkippedMatch[];
}

/** Regular files matching `pattern`; `**` and symlinked directories are walked without looping. */
export function expandGlob(pattern: string, cwd: string): GlobExpansion {
  const normalized = pattern.split(sep).join('/');
  const segments = normalized.split('/');
  const firstMagic = segments.findIndex((s) => MAGIC.test(s));
  const base = segments.slice(0, firstMagic).join('/');
  const matcher = globToRegExp(normalized);
  // Without `**` no match lies deeper than the pattern's own segments.
  const descends = (path: string): boolean => normalized.includes('**') || path.split('/').length < segments.length;
  const files: string[] = [];
  const skipped: SkippedMatch[] = [];
  const visited = new Set<string>();
  const walk = (dir: string): void => {
    let real: string;
    let names: string[];
    try {
      real = realpathSync(resolve(cwd, dir || '.'));
      if (visited.has(real)) return;
      visited.add(real);
      names = readdirSync(real);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      if (name === 'node_modules' || name === '.git') continue;
      const path = dir === '/' ? `/${name}` : dir ? `${dir}/${name}` : name;
      const absolute = resolve(cwd, path);
      let stats: Stats;
      try {
        stats = statSync(absolute);
      } catch {
        let link = false;
        try {
          link = lstatSync(absolute).isSymbolicLink();
        } catch {
          // Gone since the directory was read.
        }
        if (link && matcher.test(path)) skipped.push({ path, reason: 'a symbolic link that leads nowhere (its target is missing, or links loop)' });
        continue;
      }
      if (stats.isDirectory()) {
        if (descends(path)) walk(path);
      } else if (matcher.test(path)) {
        const kind = notRegular(stats);
        if (kind) skipped.push({ path, reason: kind });
        else files.push(path);
      }
    }
  };
  walk(base === '' && normalized.startsWith('/') ? '/' : base);
  return { files: files.sort(), skipped };
}

/** How a file came to be among the arguments' files. */
export type FileOrigin = 'named' | 'glob' | 'folder';

/** Which files a command reads of those the arguments name, match or hold. */
export interface FileFilter {
  /** A directory argument is walked (its YAML and JSON files offered to `keep`) instead of refused. */
  readonly folders?: boolean;
  /** Whether to read the file; may throw an argument error for a file named that the command cannot take. */
  keep(file: string, absolute: string, how: FileOrigin): boolean;
}

const EVERY_FILE: FileFilter = { keep: () => true };

/**
 * The regular files the arguments name, each once (by real path, under its first spelling): a
 * path as given, else a glob's matches, and with `filter.folders` a directory's files. A named
 * path that is not a regular file is an argument error; glob matches that are not regular files
 * are skipped with a note on stderr.
 */
export function resolveFiles(args: string[], cwd: string, filter: FileFilter = EVERY_FILE): string[] {
  const files = new Map<string, string>();
  /** Whether the file is among them (kept now or before). */
  const add = (file: string, how: FileOrigin): boolean => {
    let real: string;
    try {
      real = realpathSync(resolve(cwd, file));
    } catch {
      real = resolve(cwd, file);
    }
    if (files.has(real)) return true;
    if (!filter.keep(file, resolve(cwd, file), how)) return false;
    files.set(real, file);
    return true;
  };
  for (const arg of args) {
    const stats = statOrUndefined(resolve(cwd, arg));
    if (stats?.isDirectory() && filter.folders) {
      const folder = arg.replace(/\/+$/, '');
      const under = folder === '.' ? '' : `${hasGlob(folder) ? escapeGlob(folder) : folder}/`;
      const { files: found } = expandGlob(`${under}**/*.{yaml,yml,json}`, cwd);
      const kept = found.filter((file) => add(file, 'folder'));
      // Nothing of ours in it: as for a command that takes no folder, name a file or a glob.
      if (kept.length === 0) requireRegularFile(arg, cwd, 'stage file', stats);
      continue;
    }
    if (stats || !hasGlob(arg)) {
      add(requireRegularFile(arg, cwd, 'stage file', stats), 'named');
      continue;
    }
    const { files: matches, skipped } = expandGlob(arg, cwd);
    for (const { path, reason } of skipped) progress(`authentik-stages: skipped ${path}: ${reason}; only regular files are read`);
    if (matches.length === 0) throw argumentError(`no ${skipped.length ? 'regular ' : ''}files match ${arg}`);
    for (const match of matches) add(match, 'glob');
  }
  return [...files.values()];
}

/** A path whose characters a glob would read as patterns, each as itself. */
function escapeGlob(path: string): string {
  return path.replace(/[*?[{}]/g, '[$&]');
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** `file` when it names a regular file (following links); else an argument error saying what it is instead. */
export function requireRegularFile(file: string, cwd: string, what: string, stats = statOrUndefined(resolve(cwd, file))): string {
  if (!stats) {
    const link = lstatSync(resolve(cwd, file), { throwIfNoEntry: false })?.isSymbolicLink();
    throw argumentError(link ? `${file} is a symbolic link that leads nowhere (its target is missing, or links loop): fix the link or name the ${what} itself` : `no such file: ${file}`);
  }
  const kind = notRegular(stats);
  if (kind) throw argumentError(`${file} is ${kind}, not a ${what}: name a regular file${kind === 'a directory' ? `, or a glob such as ${file.replace(/\/$/, '')}/**/*.stage.yaml` : ''}`);
  return file;
}
