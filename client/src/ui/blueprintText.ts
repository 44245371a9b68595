/**
 * The quick look that tells an authentik blueprint by its content: a YAML document whose top level
 * has `version` and `entries` keys (docs/blueprint-rules.md §1.2). Lines only, no parse: it runs on
 * every YAML file the editor opens.
 * TODO(issue 12): the engine's looksLikeBlueprint once it lands on main, so that the extension and
 * the language server agree on every file.
 */
const TOP_LEVEL_KEY = (key: string): RegExp => new RegExp(`^(?:${key}|"${key}"|'${key}')[ \\t]*:(?:[ \\t]|$)`, 'm');
const VERSION = TOP_LEVEL_KEY('version');
const ENTRIES = TOP_LEVEL_KEY('entries');

export function looksLikeBlueprint(text: string): boolean {
  return VERSION.test(text) && ENTRIES.test(text);
}
