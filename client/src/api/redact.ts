/**
 * Keeping the API token out of every text that leaves the transport. A server may echo the token
 * in any encoding it likes — raw, JSON-escaped (`\"`, `\\`, `\/`, `\uXXXX` for some or all
 * characters, escaped again when the JSON is itself inside a string), URL-encoded (either case of
 * hex, encoded twice), as HTML character references, or in base64 (alone, as `Bearer <token>`, or
 * inside anything longer) — so the redactor matches the token in all of them at once, each
 * character in any of its encodings, rather than a list of whole-token spellings.
 */

const PLACEHOLDER = '[token]';
/** Below this length a "token" would match ordinary text; such a token is never sent anyway. */
const MIN_TOKEN_LENGTH = 4;
/** base64 fragments of shorter tokens are too short to tell from other base64. */
const MIN_BASE64_TOKEN_LENGTH = 8;

export type Redactor = (text: string) => string;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** `2f` → `2[fF]`: hex digits in either case. */
function hexPattern(hex: string): string {
  return hex.replace(/[a-f]/g, (digit) => `[${digit}${digit.toUpperCase()}]`);
}

/** Every spelling of one character of the token a server might echo. */
function characterPattern(char: string): string {
  const code = char.charCodeAt(0);
  const hex2 = code.toString(16).padStart(2, '0');
  const hex4 = code.toString(16).padStart(4, '0');
  // JSON escaping, and JSON inside a JSON string (up to three times: 1, 3, 7 backslashes). Every
  // repetition is bounded: an unbounded one makes a body of many backslashes take quadratic time.
  const backslashes = '\\\\{1,8}';
  const spellings = [
    escapeRegExp(char),
    `${backslashes}u${hexPattern(hex4)}`,
    `%(?:25){0,3}${hexPattern(hex2)}`,
    `&#0{0,8}${code};`,
    `&#[xX]0{0,8}${hexPattern(code.toString(16))};`,
  ];
  if (char === '"') spellings.push(`${backslashes}"`, '&quot;');
  if (char === '\\') spellings.push(backslashes);
  if (char === '/') spellings.push(`${backslashes}/`);
  if (char === '&') spellings.push('&amp;');
  if (char === '<') spellings.push('&lt;');
  if (char === '>') spellings.push('&gt;');
  if (char === "'") spellings.push('&apos;');
  if (char === ' ') spellings.push('\\+');
  return `(?:${spellings.join('|')})`;
}

/**
 * The base64 characters that encode the token's bytes alone, at each of the three byte offsets it
 * can start at inside a longer encoded text (so `base64("Bearer " + token)` is caught too), in the
 * standard and the URL-safe alphabet.
 */
function base64Fragments(token: string): string[] {
  const bytes = Buffer.from(token, 'latin1');
  const fragments = new Set<string>();
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64').replace(/=+$/, '');
    const start = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    const fragment = encoded.slice(start, end);
    fragments.add(fragment);
    fragments.add(fragment.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...fragments];
}

/** A function replacing the token, in any encoding, with `[token]`. The identity for no token. */
export function tokenRedactor(token: string): Redactor {
  if (token.length < MIN_TOKEN_LENGTH) return (text) => text;
  const alternatives = [[...token].map(characterPattern).join('')];
  if (token.length >= MIN_BASE64_TOKEN_LENGTH) alternatives.push(...base64Fragments(token).map(escapeRegExp));
  const pattern = new RegExp(alternatives.join('|'), 'g');
  return (text) => {
    pattern.lastIndex = 0;
    return text.replace(pattern, PLACEHOLDER);
  };
}

/** `value` with `redact` applied to every string in it, keys included (a decoded JSON body). */
export function redactDeep(value: unknown, redact: Redactor): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[redact(key)] = redactDeep(inner, redact);
    return out;
  }
  return value;
}
