// Stage files for the benchmark: N email stages, one 16-line YAML document each, separated by `---`.
import { textWithCounts, type BenchFile } from './benchFile';

export const EMAIL_STAGE_MODEL = 'authentik_stages_email.emailstage';
export const LINES_PER_STAGE = 16;

/**
 * The fields of email stage `n` after its name (14 lines, no newline at the end): the same in a
 * stage file and in a blueprint entry's `attrs`, so both benchmarks edit and query the same stage.
 */
export function emailStageFields(n: number, indent = ''): string {
  return [
    `host: smtp-${n}.example.com`,
    `port: 25`,
    `username: mailer-${n}`,
    `use_tls: true`,
    `use_ssl: false`,
    `timeout: 30`,
    `from_address: noreply-${n}@example.com`,
    `token_expiry: hours=1;minutes=30`,
    `subject: Password reset ${n}`,
    `template: email/password_reset.html`,
    `activate_user_on_success: true`,
    `recovery_max_attempts: 5`,
    `recovery_cache_timeout: minutes=5`,
    `use_global_settings: false`,
  ]
    .map((line) => indent + line)
    .join('\n');
}

/** One email stage document (16 lines, ending in a newline). `index` is 0-based; names are unique. */
export function emailStageDocument(index: number): string {
  const n = index + 1;
  return [`model: ${EMAIL_STAGE_MODEL}`, `name: bench-email-stage-${n}`, emailStageFields(n), ''].join('\n');
}

export interface StageFile extends BenchFile {
  unit: 'stages';
  /** 0-based index of the document the benchmark edits and queries. */
  middleIndex: number;
}

/** A file of `stages` email stages; documents after the first are introduced by a `---` line. */
export function stageFile(stages: number): StageFile {
  if (!Number.isInteger(stages) || stages < 1) throw new Error(`stageFile: bad stage count ${stages}`);
  const middleIndex = Math.floor(stages / 2);
  const parts: string[] = [];
  let offset = 0;
  let middleStart = 0;
  for (let i = 0; i < stages; i++) {
    const part = (i === 0 ? '' : '---\n') + emailStageDocument(i);
    if (i === middleIndex) middleStart = offset + (i === 0 ? 0 : 4);
    parts.push(part);
    offset += part.length;
  }
  return {
    size: stages,
    unit: 'stages',
    ...textWithCounts(parts.join('')),
    middleIndex,
    probeStart: middleStart,
    probeIndent: '',
    validPort: '25',
    invalidPort: '"abc"',
  };
}
