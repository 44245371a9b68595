/**
 * What a document is to the extension, without VS Code: a stage file (pushed, pulled, code lenses,
 * references), an authentik blueprint (the language server's features only: authentik applies
 * blueprints itself, so nothing pushes one), or any other file (nothing from us). Decided from the
 * language mode, the name and, for YAML, a quick look at the text.
 */
import { looksLikeBlueprint } from '@authentik-stages/engine';

export const STAGE_LANGUAGES: readonly string[] = ['authentik-stage-yaml', 'authentik-stage-json'];

export type DocumentKind = 'stage' | 'blueprint' | 'other';

export interface DocumentFacts {
  /** VS Code's language mode, e.g. `yaml`, `authentik-stage-yaml`. */
  languageId: string;
  /** The file's path (or an untitled document's name). */
  path: string;
  /** The text, read only when the kind depends on it. */
  text(): string;
}

const STAGE_FILE_NAME = /\.stage\.(ya?ml|json)$/i;

/** A stage file by its language mode or name (then `documentKind` still looks at a YAML file's text). */
function namedAsStage(document: DocumentFacts): boolean {
  return STAGE_LANGUAGES.includes(document.languageId) || STAGE_FILE_NAME.test(document.path);
}

export function documentKind(document: DocumentFacts): DocumentKind {
  const stageByName = namedAsStage(document);
  const json = document.languageId === 'authentik-stage-json' || /\.json$/i.test(document.path);
  // Content wins over the name: a blueprint saved as `x.stage.yaml` is still no stage to push.
  if (!json && (document.languageId === 'yaml' || stageByName) && looksLikeBlueprint(document.text())) return 'blueprint';
  return stageByName ? 'stage' : 'other';
}

/** A file on disk (no language mode): a blueprint when it is YAML and its text looks like one. */
export function isBlueprintFile(path: string, text: string): boolean {
  return !/\.json$/i.test(path) && looksLikeBlueprint(text);
}

/** A stage file: the text is read only for a file named or marked as one. */
export function isStage(document: DocumentFacts): boolean {
  return namedAsStage(document) && documentKind(document) === 'stage';
}

/**
 * Why a push of this file is refused, or undefined when it may go ahead: a blueprint is applied by
 * authentik's blueprint importer, and pushing it as a stage would send what no stage endpoint takes.
 */
export function pushRefusal(name: string, text: string): string | undefined {
  if (!isBlueprintFile(name, text)) return undefined;
  return `${name} is an authentik blueprint (its top level has version and entries), not a stage file, so it was not pushed. authentik applies blueprints itself: put the file in its blueprints folder or add it under Customization → Blueprints.`;
}
