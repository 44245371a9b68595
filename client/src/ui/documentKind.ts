/**
 * What a document is to the extension, without VS Code: a stage file (pushed, pulled, code lenses,
 * references), an authentik blueprint (the language server's features only: authentik applies
 * blueprints itself, so nothing pushes one), or any other file (nothing from us). Decided from the
 * language mode, the name and, for YAML, the text: the engine's `parseBlueprint` (a quick look at
 * the line starts, a parse only when they say blueprint), as the language server and the command
 * line decide, so all three agree on every file.
 */
import { compileGlobs, isStageFileByName, parseBlueprint, type BlueprintDocument } from '@authentik-stages/engine';

/** A blueprint's text (the parse runs only past the engine's quick look). */
function isBlueprintText(text: string): boolean {
  return parseBlueprint(text) !== undefined;
}

export const STAGE_LANGUAGES: readonly string[] = ['authentik-stage-yaml', 'authentik-stage-json'];

export type DocumentKind = 'stage' | 'blueprint' | 'other';

export interface DocumentFacts {
  /** VS Code's language mode, e.g. `yaml`, `authentik-stage-yaml`. */
  languageId: string;
  /** The file's path (or an untitled document's name). */
  path: string;
  /** The text, read only when the kind depends on it. */
  text(): string;
  /** `authentik.files.extraPatterns`: more globs whose files are stage files, as the language server reads them. */
  stagePatterns?: readonly string[];
}

/** The compiled globs of the last patterns seen (the setting rarely changes; a bad glob matches nothing). */
let compiled: { key: string; patterns: RegExp[] } | undefined;

function stagePatterns(patterns: readonly string[]): RegExp[] {
  const key = patterns.join('\n');
  if (compiled?.key !== key) {
    compiled = { key, patterns: compileGlobs(patterns) };
  }
  return compiled.patterns;
}

/**
 * A stage file by its language mode, its `.stage.` name or the user's patterns, as the language
 * server decides (then `documentKind` still looks at a YAML file's text).
 */
function namedAsStage(document: DocumentFacts): boolean {
  if (isStageFileByName(document.path, document.languageId)) return true;
  if (!document.stagePatterns?.length) return false;
  const path = document.path.replace(/\\/g, '/');
  return stagePatterns(document.stagePatterns).some((pattern) => pattern.test(path));
}

/** The document's blueprint, when it is one: a YAML document (whatever its name) whose text is one. */
export function blueprintOf(document: DocumentFacts): BlueprintDocument | undefined {
  const json = document.languageId === 'authentik-stage-json' || /\.json$/i.test(document.path);
  if (json || !(document.languageId === 'yaml' || namedAsStage(document))) return undefined;
  return parseBlueprint(document.text());
}

export function documentKind(document: DocumentFacts): DocumentKind {
  // Content wins over the name: a blueprint saved as `x.stage.yaml` is still no stage to push.
  if (blueprintOf(document)) return 'blueprint';
  return namedAsStage(document) ? 'stage' : 'other';
}

/** A file on disk (no language mode): a blueprint when it is YAML and its text looks like one. */
export function isBlueprintFile(path: string, text: string): boolean {
  return !/\.json$/i.test(path) && isBlueprintText(text);
}

/** A stage file: the text is read only for a file named or marked as one. */
export function isStage(document: DocumentFacts): boolean {
  return namedAsStage(document) && documentKind(document) === 'stage';
}

/**
 * Why a push, pull or diff of this file is refused, or undefined when it may go ahead: a blueprint
 * is applied by authentik's blueprint importer, and no stage endpoint takes it.
 */
export function pushRefusal(name: string, text: string): string | undefined {
  if (!isBlueprintFile(name, text)) return undefined;
  return `${name} is an authentik blueprint (its top level has version and entries), not a stage file: push, pull and diff work on stage files, so nothing was sent or compared. authentik applies blueprints itself: put the file in its blueprints folder or add it under Customization → Blueprints.`;
}
