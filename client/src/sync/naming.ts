/** File names for pulled stages: readable, safe on every OS, never taking another stage's file. */
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** `folder/name`, checked after joining to be a path inside `folder` (not the folder itself). */
export function pathInside(folder: string, name: string): string {
  const root = resolve(folder);
  const path = resolve(root, name);
  const rel = relative(root, path);
  if (!rel || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw new Error(`${JSON.stringify(name)} would be written outside ${root}: refused.`);
  return path;
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/** "Recovery: Email (v2)" → "recovery-email-v2". */
export function safeFileStem(name: string): string {
  const stem = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .replace(/-{2,}/g, '-')
    .slice(0, 80)
    .replace(/[-.]+$/, '');
  return !stem || WINDOWS_RESERVED.test(stem) ? `stage-${stem}`.replace(/-$/, '') : stem;
}

export function stageFileName(name: string, pk: string, extension: 'yaml' | 'json', taken: (fileName: string) => boolean): string {
  const stem = safeFileStem(name || pk);
  const plain = `${stem}.stage.${extension}`;
  if (!taken(plain)) return plain;
  // Same name, different stage: the pk tells them apart for good.
  const suffixed = `${stem}-${pk.slice(0, 8)}.stage.${extension}`;
  if (!taken(suffixed)) return suffixed;
  return `${stem}-${pk}.stage.${extension}`;
}
