/**
 * The fourteen YAML tags of authentik's blueprint loader (authentik/blueprints/v1/common.py,
 * `BlueprintLoader`), described for completion and hover. What each one's constructor and resolver
 * do is docs/blueprint-rules.md §2; tagChecks.ts checks them.
 */

export type BlueprintTagName =
  | '!KeyOf'
  | '!Find'
  | '!FindObject'
  | '!Context'
  | '!Format'
  | '!Condition'
  | '!If'
  | '!Env'
  | '!File'
  | '!Enumerate'
  | '!Value'
  | '!Index'
  | '!AtIndex'
  | '!ParseJSON';

/** What YAML node the tag's constructor reads: a scalar (`!KeyOf id`), a sequence (`!Find [...]`) or either. */
export type BlueprintTagShape = 'scalar' | 'sequence' | 'scalar-or-sequence';

export interface BlueprintTagInfo {
  readonly name: BlueprintTagName;
  /** The ways to write it, e.g. `!Context key` and `!Context [key, default]`. */
  readonly forms: readonly string[];
  readonly shape: BlueprintTagShape;
  /** One line, for completion lists. */
  readonly summary: string;
  /** Markdown for hover: what it resolves to, when it fails, an example. */
  readonly documentation: string;
  /** A VS Code snippet of the tag and its arguments. */
  readonly snippet: string;
}

export const BLUEPRINT_TAGS: readonly BlueprintTagInfo[] = [
  {
    name: '!KeyOf',
    forms: ['!KeyOf id'],
    shape: 'scalar',
    summary: 'The primary key of the object saved by an earlier entry with this `id`.',
    documentation: [
      'Resolves to the primary key of the object the entry with this `id` saved (for a policy binding\'s `target`, the object\'s `pbm_uuid`).',
      '',
      'The importer goes through the entries in order, so the entry must come **earlier** in the file and must have been applied: an entry skipped by its `conditions`, an `absent` one, or one further down makes the import fail ("KeyOf: failed to find entry with `id` of …").',
      '',
      'From `default/flow-default-authentication-flow.yaml`:',
      '```yaml',
      'target: !KeyOf flow',
      '```',
    ].join('\n'),
    snippet: '!KeyOf ${1:id}',
  },
  {
    name: '!Find',
    forms: ['!Find [model, [field, value], …]'],
    shape: 'sequence',
    summary: 'The primary key of the first object of a model matching every [field, value].',
    documentation: [
      'Resolves to the primary key of the first object of `model` (`app_label.model`, any Django model) matching all conditions, or `null` when none matches — several matches silently give the first.',
      '',
      'Fields are Django lookups (`name`, `name__iexact`, `pk__isnull`). An unknown model or field makes the import fail. The model and each field and value may be a tag.',
      '',
      'From `default/flow-default-authentication-flow.yaml`:',
      '```yaml',
      'configure_flow: !Find [authentik_flows.flow, [slug, default-password-change]]',
      '```',
    ].join('\n'),
    snippet: '!Find [${1:authentik_flows.flow}, [${2:slug}, ${3:value}]]',
  },
  {
    name: '!FindObject',
    forms: ['!FindObject [model, [field, value], …]'],
    shape: 'sequence',
    summary: 'The serialized data (a mapping) of the first object matching every [field, value].',
    documentation: [
      'As `!Find`, but resolves to the object\'s data as its API serializer gives it (a mapping), or `null` when none matches. Fails for a model without a serializer.',
      '',
      '```yaml',
      'flow: !FindObject [authentik_flows.flow, [slug, default-authentication-flow]]',
      '```',
    ].join('\n'),
    snippet: '!FindObject [${1:authentik_flows.flow}, [${2:slug}, ${3:value}]]',
  },
  {
    name: '!Context',
    forms: ['!Context key', '!Context [key, default]'],
    shape: 'scalar-or-sequence',
    summary: 'A value of the blueprint\'s context, or a default.',
    documentation: [
      'Resolves to `key` of the context: the importer\'s defaults (`goauthentik.io/rbac/models`, `goauthentik.io/enterprise/licensed`), then the file\'s `context:`, then the blueprint instance\'s context (later wins). A key found nowhere gives the default, `null` when none is given — never an error. A tag stored in the context is resolved.',
      '',
      'From `example/flows-invitation-enrollment-minimal.yaml`:',
      '```yaml',
      'slug: !Context [flow_slug, invitation-enrollment-flow]',
      '```',
    ].join('\n'),
    snippet: '!Context ${1:key}',
  },
  {
    name: '!Format',
    forms: ['!Format [format, arg, …]'],
    shape: 'sequence',
    summary: 'Python %-formatting: `format % (arg, …)`.',
    documentation: [
      'Resolves to `format % (arg, …)` — Python\'s printf-style formatting, **not** `str.format`: placeholders are `%s`, `%d`, `%r`, `%5.2f`…, `%%` is a literal `%`, `{}` is plain text. A tag among the arguments is resolved; the format string itself is not.',
      '',
      'Fails when the placeholders and the arguments differ in number, for `%(name)s` (it needs a mapping) and for an unknown conversion.',
      '',
      'From `example/flows-invitation-enrollment-minimal.yaml`:',
      '```yaml',
      'user_path_template: !Format ["users/%s", !Context [user_type, external]]',
      '```',
    ].join('\n'),
    snippet: '!Format ["${1:%s}", ${2:arg}]',
  },
  {
    name: '!Condition',
    forms: ['!Condition [mode, value, …]'],
    shape: 'sequence',
    summary: 'Combines the truth of the values with AND, NAND, OR, NOR, XOR or XNOR.',
    documentation: [
      'Resolves to `true` or `false`: each value (a tag is resolved) is taken for its Python truth (`0`, `""`, `[]`, `null` are false, the text `"false"` is true) and combined by the mode — `AND`, `NAND`, `OR`, `NOR`, `XOR`, `XNOR`, in any case.',
      '',
      'Fails for another mode or when no value follows the mode.',
      '',
      '```yaml',
      'conditions:',
      '  - !Condition [OR, !Context enable_a, !Context enable_b]',
      '```',
    ].join('\n'),
    snippet: '!Condition [${1|AND,OR,NAND,NOR,XOR,XNOR|}, ${2:value}]',
  },
  {
    name: '!If',
    forms: ['!If [condition]', '!If [condition, when_true, when_false]'],
    shape: 'sequence',
    summary: 'One of two values (or true/false), by the truth of a condition.',
    documentation: [
      'With one item, resolves to `true` or `false` by the condition\'s Python truth; with three, to `when_true` or `when_false`, whose tags are all resolved. The condition may be a tag. Two items make the loader refuse the file.',
      '',
      'From `scribe/scribe-enrollment-flow.yaml`:',
      '```yaml',
      'conditions:',
      '  - !If [!Context scribe_hub_redirect_uri]',
      '```',
    ].join('\n'),
    snippet: '!If [${1:condition}, ${2:when_true}, ${3:when_false}]',
  },
  {
    name: '!Env',
    forms: ['!Env NAME', '!Env [NAME, default]'],
    shape: 'scalar-or-sequence',
    summary: 'An environment variable of the authentik server, or a default.',
    documentation: [
      'Resolves to the environment variable `NAME` of the authentik server process (always text), or the default (`null` when none is given) when it is unset or empty. Never an error; its value cannot be known in the editor.',
      '',
      'From `scribe/scribe-enrollment-flow.yaml`:',
      '```yaml',
      'context:',
      '  scribe_hub_redirect_uri: !Env [ AUTHENTIK_SCRIBE_HUB_REDIRECT_AFTER_LOGIN_URI, null ]',
      '```',
    ].join('\n'),
    snippet: '!Env ${1:NAME}',
  },
  {
    name: '!File',
    forms: ['!File path', '!File [path, default]'],
    shape: 'scalar-or-sequence',
    summary: 'The contents of a file on the authentik server, or a default.',
    documentation: [
      'Resolves to the contents of the file at `path` **on the server** (UTF-8, surrounding whitespace stripped), or the default (`null` when none is given) when it cannot be read. Never an error.',
      '',
      '```yaml',
      'client_secret: !File /run/secrets/oauth_client_secret',
      '```',
    ].join('\n'),
    snippet: '!File ${1:/path/on/server}',
  },
  {
    name: '!Enumerate',
    forms: ['!Enumerate [iterable, SEQ|MAP, body]'],
    shape: 'sequence',
    summary: 'A list (SEQ) or mapping (MAP) built from `body` once per item of `iterable`.',
    documentation: [
      'Resolves `body` once per item of `iterable` (a list, a mapping, or a tag giving one) with `!Index` and `!Value` standing for the item\'s index (key) and value, and collects the results: `SEQ` makes a list, `MAP` a mapping merged from each body (a mapping or a `[key, value]` pair).',
      '',
      'Exactly three items; fails for a mode other than SEQ or MAP and for an iterable that is not iterable.',
      '',
      '```yaml',
      'attrs: !Enumerate [[alice, bob], MAP, [!Value 0, !Index 0]]',
      '```',
    ].join('\n'),
    snippet: '!Enumerate [${1:iterable}, ${2|SEQ,MAP|}, ${3:!Value 0}]',
  },
  {
    name: '!Value',
    forms: ['!Value depth'],
    shape: 'scalar',
    summary: 'The current item\'s value of the !Enumerate `depth` levels out (0 = innermost).',
    documentation: [
      'Inside the body of an `!Enumerate`, resolves to the value of the item being enumerated; `depth` (an integer) counts enclosing `!Enumerate`s outwards from 0. Outside any `!Enumerate` body, or with a depth beyond the enclosing ones, the import fails.',
      '',
      '```yaml',
      'attrs: !Enumerate [[alice, bob], SEQ, !Value 0]',
      '```',
    ].join('\n'),
    snippet: '!Value ${1:0}',
  },
  {
    name: '!Index',
    forms: ['!Index depth'],
    shape: 'scalar',
    summary: 'The current item\'s index (or key) of the !Enumerate `depth` levels out (0 = innermost).',
    documentation: [
      'Inside the body of an `!Enumerate`, resolves to the index (for a list) or key (for a mapping) of the item being enumerated; `depth` (an integer) counts enclosing `!Enumerate`s outwards from 0. Outside any `!Enumerate` body, or with a depth beyond the enclosing ones, the import fails.',
      '',
      '```yaml',
      'attrs: !Enumerate [{a: 1, b: 2}, SEQ, !Index 0]',
      '```',
    ].join('\n'),
    snippet: '!Index ${1:0}',
  },
  {
    name: '!AtIndex',
    forms: ['!AtIndex [object, key]', '!AtIndex [object, key, default]'],
    shape: 'sequence',
    summary: 'An item of a list (by index) or of a mapping (by key), or a default.',
    documentation: [
      'Resolves to `object[key]`; `object` and `key` may be tags. A missing index or key gives the default when one is given (even `null`), otherwise the import fails ("Index out of range", "Key does not exist"); a list indexed by anything but an integer fails too.',
      '',
      '```yaml',
      'name: !AtIndex [!Context names, 0, default-name]',
      '```',
    ].join('\n'),
    snippet: '!AtIndex [${1:object}, ${2:key}]',
  },
  {
    name: '!ParseJSON',
    forms: ['!ParseJSON text'],
    shape: 'scalar',
    summary: 'The value a literal JSON text stands for.',
    documentation: [
      'Resolves to `json.loads(text)` of the scalar written after the tag (it cannot take another tag\'s result). Text that is not JSON makes the import fail.',
      '',
      '```yaml',
      'attributes: !ParseJSON \'{"settings": {"locale": "en"}}\'',
      '```',
    ].join('\n'),
    snippet: "!ParseJSON '${1:{\\}}'",
  },
];

const BY_NAME: ReadonlyMap<string, BlueprintTagInfo> = new Map(BLUEPRINT_TAGS.map((tag) => [tag.name, tag]));

export const BLUEPRINT_TAG_NAMES: readonly BlueprintTagName[] = BLUEPRINT_TAGS.map((tag) => tag.name);

export function isBlueprintTag(name: string): name is BlueprintTagName {
  return BY_NAME.has(name);
}

export function blueprintTag(name: string): BlueprintTagInfo | undefined {
  return BY_NAME.get(name);
}
