/**
 * Which open documents are stage files. The client sends every YAML document; the server
 * decides: a blueprint by its content (the engine's own look), a stage file by its language or
 * `.stage.` name, or by the user's `authentik.files.extraPatterns` (globs in VS Code's syntax,
 * matched as a document selector's `pattern` is: against the document's file path). Anything
 * else gets nothing from us.
 */
import { fileURLToPath } from 'node:url';
import { globToRegExp, isStageFileByName } from '@authentik-stages/engine';

export type StageFileTest = (uri: string, languageId: string) => boolean;

/** The test for these patterns; a pattern that cannot be read matches nothing (the others still work). */
export function stageFileTest(extraPatterns: readonly string[]): StageFileTest {
  const compiled = extraPatterns.flatMap((pattern) => {
    try {
      return [globToRegExp(pattern.trim())];
    } catch {
      return [];
    }
  });
  if (compiled.length === 0) return isStageFileByName;
  return (uri, languageId) => {
    if (isStageFileByName(uri, languageId)) return true;
    const path = documentPath(uri);
    return path !== undefined && compiled.some((pattern) => pattern.test(path));
  };
}

/**
 * The file path of a document URI, with `/` separators: a `file:` URI's path on this system
 * (percent-decoding included), another scheme's decoded path (an unsaved `untitled:` document
 * has no folder to match). Undefined for a URI that is not one.
 */
export function documentPath(uri: string): string | undefined {
  try {
    if (uri.startsWith('file:')) return fileURLToPath(uri).replace(/\\/g, '/');
    const parsed = new URL(uri);
    return decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
}
