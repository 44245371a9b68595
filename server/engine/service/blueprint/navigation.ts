/**
 * Go to definition, find references and rename for entry `id`s: an id and every `!KeyOf` that
 * names it are one symbol. A rename keeps each occurrence's quotes, and quotes a bare one where
 * YAML would otherwise read the new name as something other than text.
 */
import type { Location, Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Span } from '../../document/stageDocument';
import type { BlueprintDocument } from '../../blueprint/blueprintDocument';
import { definitionOf, entryLinks } from '../../blueprint/entryIds';
import { yamlScalar } from '../completion';

/** Why a rename cannot be made, in words for the user. */
export interface RenameRefusal {
  readonly refused: string;
}

interface IdAt {
  readonly id: string;
  /** The id's text under the cursor, quotes excluded. */
  readonly span: Span;
}

const within = (span: Span, offset: number): boolean => offset >= span.start && offset <= span.end;

/** The id under the cursor: an entry's `id` value, or a `!KeyOf` (the tag or its argument). */
function idAt(bp: BlueprintDocument, offset: number): IdAt | undefined {
  const links = entryLinks(bp);
  const own = links.ids.find((id) => within(id.span, offset));
  if (own) return own;
  const reference = links.references.find((ref) => within(ref.tagSpan, offset));
  return reference ? { id: reference.id, span: reference.span } : undefined;
}

/** Every span that spells the id: the entries with that id and the `!KeyOf`s naming it. */
function occurrences(bp: BlueprintDocument, id: string, includeDeclaration: boolean): Span[] {
  const links = entryLinks(bp);
  const declarations = includeDeclaration ? links.ids.filter((candidate) => candidate.id === id).map((d) => d.span) : [];
  const uses = links.references.filter((ref) => ref.id === id).map((ref) => ref.span);
  return [...declarations, ...uses].sort((a, b) => a.start - b.start);
}

export function blueprintDefinition(bp: BlueprintDocument, textDocument: TextDocument, position: Position): Location[] {
  const at = idAt(bp, textDocument.offsetAt(position));
  const target = at ? definitionOf(entryLinks(bp), at.id) : undefined;
  return target ? [location(textDocument, target.span)] : [];
}

export function blueprintReferences(bp: BlueprintDocument, textDocument: TextDocument, position: Position, includeDeclaration: boolean): Location[] {
  const at = idAt(bp, textDocument.offsetAt(position));
  return at ? occurrences(bp, at.id, includeDeclaration).map((span) => location(textDocument, span)) : [];
}

export function prepareBlueprintRename(bp: BlueprintDocument, textDocument: TextDocument, position: Position): { range: Range; placeholder: string } | RenameRefusal {
  const at = idAt(bp, textDocument.offsetAt(position));
  if (!at) return { refused: 'Only an entry id can be renamed here: place the cursor on an entry\'s `id:` value or on a `!KeyOf` argument.' };
  return { range: range(textDocument, at.span), placeholder: at.id };
}

export function renameBlueprintId(bp: BlueprintDocument, textDocument: TextDocument, position: Position, newName: string): WorkspaceEdit | RenameRefusal {
  const prepared = prepareBlueprintRename(bp, textDocument, position);
  if ('refused' in prepared) return prepared;
  const old = prepared.placeholder;
  if (newName === old) return { changes: { [textDocument.uri]: [] } };
  if (newName.trim() === '' || /[\r\n"']/.test(newName)) return { refused: `"${newName}" cannot be an entry id here: an id is one line of text without quotes.` };
  const other = entryLinks(bp).ids.find((id) => id.id === newName);
  if (other) return { refused: `"${newName}" is already the id of entry ${other.entry.index + 1}: a !KeyOf takes the first entry with an id, so two entries would share it.` };
  const text = bp.doc.text;
  const edits: TextEdit[] = occurrences(bp, old, true).map((span) => {
    const quoted = text[span.start - 1] === '"' || text[span.start - 1] === "'";
    return { range: range(textDocument, span), newText: quoted ? newName : yamlScalar(newName) };
  });
  return { changes: { [textDocument.uri]: edits } };
}

function range(textDocument: TextDocument, span: Span): Range {
  return { start: textDocument.positionAt(span.start), end: textDocument.positionAt(span.end) };
}

function location(textDocument: TextDocument, span: Span): Location {
  return { uri: textDocument.uri, range: range(textDocument, span) };
}
