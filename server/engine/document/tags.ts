/** authentik's blueprint YAML tags, as they appear in stage files. */

/** The one tag a stage file may use: resolved from the environment at push time. */
export const ENV_TAG = '!Env';

/** A value written with a custom tag (`!Env NAME`); the validator cannot know what it stands for. */
export class TaggedValue {
  constructor(
    readonly tag: string,
    /** The tagged node's own value: a string for `!Env NAME`, a list or map for others. */
    readonly value: unknown,
  ) {}

  get isEnv(): boolean {
    return this.tag === ENV_TAG;
  }

  /** The variable name of `!Env NAME`, or of the `!Env [NAME, default]` form. */
  get envName(): string | undefined {
    if (!this.isEnv) return undefined;
    if (typeof this.value === 'string') return this.value.trim();
    if (Array.isArray(this.value) && typeof this.value[0] === 'string') return this.value[0].trim();
    return undefined;
  }
}

/** A mapping as parsed (not a list, not a tagged value): what a stage document and its nested objects are. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof TaggedValue);
}

/** A scalar as parsed: text, a number, a boolean or null. */
export function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
