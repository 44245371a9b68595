/**
 * Hover in a blueprint: a tag's documentation and what it resolves to, an entry's model (and
 * whether the importer takes it), its keys and state, and the fields of identifiers and attrs by
 * the entry's model (the stage hover, through the entry-body view).
 */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Span } from '../../document/stageDocument';
import type { BlueprintDocument, BlueprintEntry } from '../../blueprint/blueprintDocument';
import { resolveBlueprintModel, type BlueprintModel } from '../../blueprint/blueprintModels';
import { entryLinks } from '../../blueprint/entryIds';
import { blueprintTag } from '../../blueprint/tags';
import type { SchemaCatalog } from '../../schema/catalog';
import { modelDocumentation } from '../fieldDocs';
import { hover as stageHover } from '../hover';
import type { StageFile } from '../stageFile';
import { entryAt, entryBodyFile, entrySchema } from './entryAt';
import { ENTRY_KEY_DOCS, STATE_DOCS, type EntryKey } from './entryKeyDocs';
import { tagAt } from './locatedTags';
import { tagMeaning } from './tagMeaning';

export function hoverBlueprint(file: StageFile, bp: BlueprintDocument, textDocument: TextDocument, position: Position, catalog: SchemaCatalog): Hover | null {
  const offset = textDocument.offsetAt(position);
  const reply = (value: string, span: Span): Hover => ({ contents: { kind: MarkupKind.Markdown, value }, range: { start: textDocument.positionAt(span.start), end: textDocument.positionAt(span.end) } });
  const entry = entryAt(bp, offset);
  const located = tagAt(bp, offset, entry && offset <= entry.span.end ? entry : undefined);
  if (located) {
    const info = blueprintTag(located.tag.tag);
    if (!info) return null;
    const meaning = tagMeaning(located.tag, { bp, catalog, entry, references: file.references });
    return reply([`**${info.name}** — ${info.summary}`, ...(meaning ? [meaning] : []), '---', info.documentation].join('\n\n'), located.span);
  }
  if (!entry || offset > entry.span.end) return null;
  const own = entryKeyHover(bp, entry, offset, catalog);
  if (own) return reply(own.value, own.span);
  const model = entrySchema(entry, catalog);
  return model ? stageHover(entryBodyFile(file, bp, entry, model), textDocument, position, catalog, model) : null;
}

/** On an entry's own key, its model or its state. */
function entryKeyHover(bp: BlueprintDocument, entry: BlueprintEntry, offset: number, catalog: SchemaCatalog): { value: string; span: Span } | undefined {
  for (const key of Object.keys(ENTRY_KEY_DOCS) as EntryKey[]) {
    const location = bp.doc.locations.get(`${entry.pointer}/${key}`);
    if (!location) continue;
    if (location.key && offset >= location.key.start && offset <= location.key.end) return { value: `**${key}** (entry ${entry.index + 1})\n\n${ENTRY_KEY_DOCS[key]}`, span: location.key };
    if (offset < location.value.start || offset > location.value.end) continue;
    if (key === 'model' && entry.model !== undefined) return { value: modelHover(resolveBlueprintModel(entry.model, catalog), catalog), span: location.value };
    if (key === 'state' && entry.state !== undefined) return { value: `**state: ${entry.state}**\n\n${STATE_DOCS[entry.state]}`, span: location.value };
    if (key === 'id' && entry.id !== undefined) return { value: idHover(bp, entry.id, entry.index), span: location.value };
  }
  return undefined;
}

function idHover(bp: BlueprintDocument, id: string, index: number): string {
  const uses = entryLinks(bp).references.filter((ref) => ref.id === id);
  const later = uses.filter((ref) => ref.entry.index > index).length;
  return `**id: ${id}** (entry ${index + 1})\n\nNamed by ${uses.length} \`!KeyOf\`${uses.length === 1 ? '' : 's'}${uses.length > later ? `, ${uses.length - later} of them not after this entry (they fail)` : ''}. ${ENTRY_KEY_DOCS.id}`;
}

function modelHover(model: BlueprintModel, catalog: SchemaCatalog): string {
  switch (model.kind) {
    case 'schema':
      return `${modelDocumentation(model.entry, catalog)}\n\nThe importer allows it.`;
    case 'meta':
      return `**Apply blueprint** · \`${model.name}\`\n\nThe importer's meta model: applies another blueprint instance (\`attrs.identifiers\` finds it, \`attrs.required\` says whether it must exist).`;
    case 'no-schema':
      return `\`${model.name}\`\n\nA model of authentik ${catalog.version} without a writable API here: the importer allows it, but its fields are not checked.`;
    case 'not-importable':
      return `\`${model.name}\`\n\nThe importer refuses this model: ${model.reason}.`;
    case 'unknown':
      return model.message;
  }
}
