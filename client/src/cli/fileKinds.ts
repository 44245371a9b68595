/**
 * Which of our two formats a file is: an authentik blueprint (by content, whatever its name, as
 * the language server decides) or a stage file (by its `.stage.` name). `validate` checks both;
 * `push`, `pull` and `diff` only ever touch stage files — a blueprint is applied by authentik.
 */
import { isStageFileByName, parseBlueprint } from '@authentik-stages/engine';
import { readStageText } from '../sync/stageFileText';
import { argumentError, progress } from './output';
import type { FileFilter } from './glob';

export type FileKind = 'blueprint' | 'stage-file' | 'other';

const YAML_NAME = /\.ya?ml$/i;

/** A YAML file is a blueprint when its content is one (even named `.stage.yaml`: the engine reads it as one). */
export function fileKind(absolute: string): FileKind {
  if (YAML_NAME.test(absolute) && parseBlueprint(readStageText(absolute).text)) return 'blueprint';
  return isStageFileByName(absolute, '') ? 'stage-file' : 'other';
}

/**
 * `validate`: what is named or matched is checked (a glob is the user's own choice of stage
 * files); a folder is walked for stage files and blueprints, and its other YAML or JSON files
 * (docker-compose.yaml, a Helm chart) are none of ours and left out without a word.
 */
export const VALIDATE_FILES: FileFilter = {
  folders: true,
  keep: (_file, absolute, how) => how !== 'folder' || fileKind(absolute) !== 'other',
};

/** How to apply a blueprint, for the messages of the commands that refuse one. */
const BLUEPRINTS_ARE_APPLIED = "blueprints are applied by authentik itself: put the file in authentik's blueprints folder, or create a blueprint instance (Customization → Blueprints, or POST /api/v3/managed/blueprints/); `authentik-stages validate` checks it";

/** `push` and `diff`: stage files only; a blueprint named is a usage error, one matched by a glob is left out with a note. */
export function stageFilesOnly(command: string): FileFilter {
  return {
    keep: (file, absolute, how) => {
      if (fileKind(absolute) !== 'blueprint') return true;
      if (how === 'named') throw argumentError(`${file} is an authentik blueprint, not a stage file: ${command} sends stage files to the API, and ${BLUEPRINTS_ARE_APPLIED}.`);
      progress(`authentik-stages: skipped ${file}: an authentik blueprint, not a stage file (${command} reads stage files only)`);
      return false;
    },
  };
}
