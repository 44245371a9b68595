/**
 * Completion outside an entry's body: the blueprint's own keys (version, metadata, context,
 * entries), metadata's name and labels with authentik's label keys, and the keys and codenames of
 * an entry's `permissions`.
 */
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem } from 'vscode-languageserver-types';
import type { BlueprintEntry } from '../../blueprint/blueprintDocument';
import type { BlueprintCursor } from './cursor';
import { siblingKeys } from './cursor';

interface KeyChoice {
  key: string;
  snippet: string;
  documentation: string;
}

const TOP_LEVEL: readonly KeyChoice[] = [
  { key: 'version', snippet: 'version: 1', documentation: 'The blueprint format: authentik reads version 1 only (a number).' },
  { key: 'metadata', snippet: 'metadata:\n  name: ${1:name}', documentation: 'The blueprint\'s `name` (required here; the blueprint instance is named after it) and `labels`.' },
  { key: 'context', snippet: 'context:\n  ${1:key}: ${2:value}', documentation: 'Values `!Context key` reads; the blueprint instance\'s own context overrides them.' },
  { key: 'entries', snippet: 'entries:\n  - model: $1', documentation: 'The objects, applied in order: a list of entries, or a mapping of section names to lists.' },
];

const METADATA: readonly KeyChoice[] = [
  { key: 'name', snippet: 'name: ${1:name}', documentation: 'The blueprint\'s name: authentik names its blueprint instance after it.' },
  { key: 'labels', snippet: 'labels:\n  $1', documentation: 'Text labels; `blueprints.goauthentik.io/…` ones mean something to authentik.' },
];

/** From authentik's `blueprints/v1/labels.py`. */
const LABELS: readonly KeyChoice[] = [
  { key: 'blueprints.goauthentik.io/instantiate', snippet: 'blueprints.goauthentik.io/instantiate: "${1|false,true|}"', documentation: '`"false"`: authentik discovers the file but creates no blueprint instance for it (it is applied only when another blueprint or a user asks).' },
  { key: 'blueprints.goauthentik.io/description', snippet: 'blueprints.goauthentik.io/description: ${1:text}', documentation: 'A description shown with the blueprint in authentik\'s interface.' },
  { key: 'blueprints.goauthentik.io/system', snippet: 'blueprints.goauthentik.io/system: "true"', documentation: 'Marks a blueprint authentik ships itself.' },
];

const PERMISSION: readonly KeyChoice[] = [
  { key: 'permission', snippet: 'permission: $1', documentation: 'A codename of the entry\'s model, e.g. `view_flow`: assigned on the saved object.' },
  { key: 'user', snippet: 'user: ${1:pk}', documentation: 'A user\'s pk (a number), e.g. `!Find [authentik_core.user, [username, akadmin]]`.' },
  { key: 'role', snippet: 'role: ${1:pk}', documentation: 'A role\'s pk (a UUID), e.g. `!Find [authentik_rbac.role, [name, Admins]]`.' },
];

/** The items for a key typed at `path`, or undefined when the path is not one of these places. */
export function outerKeyItems(cursor: BlueprintCursor, text: string, offset: number, written: readonly string[]): CompletionItem[] | undefined {
  const choices = choicesAt(cursor.path);
  if (!choices || cursor.kind === 'value') return undefined;
  const present = new Set([...written, ...siblingKeys(text, offset)]);
  return choices
    .filter((choice) => !present.has(choice.key) || choice.key === cursor.valueText)
    .map((choice, i) => ({
      label: choice.key,
      kind: CompletionItemKind.Property,
      documentation: { kind: MarkupKind.Markdown, value: choice.documentation },
      sortText: String(i).padStart(2, '0'),
      insertTextFormat: InsertTextFormat.Snippet,
      textEdit: { range: cursor.range, newText: choice.snippet },
    }));
}

function choicesAt(path: readonly string[]): readonly KeyChoice[] | undefined {
  const at = path.join('/');
  if (at === '') return TOP_LEVEL;
  if (at === 'metadata') return METADATA;
  if (at === 'metadata/labels') return LABELS;
  // `- |` is an item of the permissions list itself; a key under it sits one level deeper.
  if (/^entries\/(?:[^/]+\/)?-\/permissions(?:\/-)?$/.test(at)) return PERMISSION;
  return undefined;
}

/** After `permission: `: the codenames Django gives every model (add, change, delete, view). */
export function permissionCodenames(cursor: BlueprintCursor, entry: BlueprintEntry | undefined): CompletionItem[] | undefined {
  if (cursor.kind !== 'value' || !/^entries\/(?:[^/]+\/)?-\/permissions\/-\/permission$/.test(cursor.path.join('/'))) return undefined;
  const model = entry?.model?.split('.')[1]?.toLowerCase();
  if (!model) return [];
  return ['view', 'change', 'delete', 'add'].map((action, i) => ({
    label: `${action}_${model}`,
    kind: CompletionItemKind.EnumMember,
    detail: `${action} this ${model}`,
    sortText: String(i),
    textEdit: { range: cursor.range, newText: `${action}_${model}` },
  }));
}
