/**
 * Writing a file so that it is, at every moment, either its old bytes or the complete new
 * content: a temp file in the same folder (same mode), written, flushed to disk, then renamed
 * over the original — and only while the original still holds the bytes read before the change
 * was made, so an edit saved meanwhile is never overwritten.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fchownSync, fsyncSync, linkSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export type WriteFailure = 'changed' | 'read-only' | 'exists' | 'io';

export class FileWriteError extends Error {
  override readonly name = 'FileWriteError';
  constructor(
    message: string,
    readonly path: string,
    readonly reason: WriteFailure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface AtomicWriteOptions {
  /**
   * What the file must hold for the write to happen: the bytes read before the change was made,
   * `absent` for a new file (a file that appeared meanwhile is never replaced), or `any` for a
   * file only this program writes.
   */
  expected: Buffer | 'absent' | 'any';
}

function stillHolds(path: string, expected: Buffer | 'absent' | 'any'): boolean {
  if (expected === 'any') return true;
  let current: Buffer;
  try {
    current = readFileSync(path);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' && expected === 'absent';
  }
  return expected !== 'absent' && current.equals(expected);
}

const changedMessage = (path: string): string => `${path} changed on disk while this ran, so it was not rewritten: the newer text is kept.`;

export function writeFileAtomically(linkOrPath: string, data: string | Buffer, options: AtomicWriteOptions): void {
  // A stage file that is a symlink stays one: its target is what gets replaced.
  const path = options.expected === 'absent' ? linkOrPath : realTarget(linkOrPath);
  let mode = 0o666;
  let owner: { uid: number; gid: number } | undefined;
  if (options.expected !== 'absent') {
    let stat;
    try {
      stat = statSync(path);
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      if (missing && options.expected === 'any') return writeFileAtomically(path, data, { expected: 'absent' });
      if (missing) throw new FileWriteError(`${path} was deleted while this ran, so it was not written again.`, path, 'changed');
      throw new FileWriteError(`${path} could not be read before rewriting it: ${(error as Error).message}`, path, 'io', { cause: error });
    }
    // We may run as root, whom permissions do not stop: the mode is the user's word.
    if ((stat.mode & 0o222) === 0) throw new FileWriteError(`${path} is read-only (it has no write permission), so it was not rewritten. Make it writable (chmod u+w) and run again.`, path, 'read-only');
    mode = stat.mode & 0o7777;
    owner = { uid: stat.uid, gid: stat.gid };
  }
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', mode);
    // The process umask narrowed the mode given to open: the temp must end with the original's.
    if (owner) {
      fchmodSync(fd, mode);
      if (typeof process.getuid === 'function' && owner.uid !== process.getuid()) fchownSync(fd, owner.uid, owner.gid);
    }
    const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let offset = 0; offset < buffer.length; ) offset += writeSync(fd, buffer, offset, buffer.length - offset);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    if (!stillHolds(path, options.expected)) {
      throw new FileWriteError(options.expected === 'absent' ? `${path} was created by someone else while this ran, so it was not replaced.` : changedMessage(path), path, options.expected === 'absent' ? 'exists' : 'changed');
    }
    if (options.expected === 'absent') {
      // A link fails when the name exists: a file that appears at the last moment is kept too.
      linkSync(temp, path);
      rmSync(temp, { force: true });
    } else {
      renameSync(temp, path);
    }
    syncFolder(dirname(path));
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    if (error instanceof FileWriteError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new FileWriteError(`${path} was created by someone else while this ran, so it was not replaced.`, path, 'exists', { cause: error });
    const why = code === 'EFBIG' || code === 'ENOSPC' || code === 'EDQUOT' ? 'the disk is full or the file is over the size limit' : (error as Error).message;
    throw new FileWriteError(`${path} could not be written (${why}); ${options.expected === 'absent' ? 'nothing was written' : 'it keeps its old content'}.`, path, 'io', { cause: error });
  }
}

function realTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The rename is durable only once the folder's entry is on disk too. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems cannot sync a folder; the rename itself has happened.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
