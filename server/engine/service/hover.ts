/** Hover on keys and values: the field's documentation, the model's, a duration's meaning. */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { SchemaCatalog } from '../schema/catalog';
import type { ModelIndexEntry } from '../schema/types';
import { isPlainObject } from '../document/tags';
import { checkDuration, describeSeconds } from '../validation/duration';
import { TaggedValue } from '../document/tags';
import { pointerSegments } from '../document/stageDocument';
import { fieldDocumentation, modelDocumentation } from './fieldDocs';
import { referenceHover } from './references';
import type { StageFile } from './stageFile';

/** `bodyModel`: the model of a document that does not name its own (a blueprint entry's body). */
export function hover(file: StageFile, textDocument: TextDocument, position: Position, catalog: SchemaCatalog, bodyModel?: ModelIndexEntry): Hover | null {
  const reference = referenceHover(file, textDocument, position, catalog);
  const field = fieldHover(file, textDocument, position, catalog, bodyModel);
  if (!reference) return field;
  // The object first, then what the field is.
  const docs = field && typeof field.contents === 'object' && 'value' in field.contents ? `\n\n---\n\n${field.contents.value}` : '';
  return { ...reference, contents: { kind: MarkupKind.Markdown, value: `${(reference.contents as { value: string }).value}${docs}` } };
}

function fieldHover(file: StageFile, textDocument: TextDocument, position: Position, catalog: SchemaCatalog, bodyModel: ModelIndexEntry | undefined): Hover | null {
  const offset = textDocument.offsetAt(position);
  const placed = file.documentAt(offset);
  if (!placed || placed.doc.isEmpty || !isPlainObject(placed.doc.value)) return null;
  const local = offset - placed.offset;
  const root = placed.doc.value;
  // Top-level fields only: the pointer has one segment.
  for (const [pointer, location] of placed.doc.locations) {
    if (pointer === '' || pointer.indexOf('/', 1) !== -1) continue;
    const onKey = location.key && local >= location.key.start && local <= location.key.end;
    const onValue = local >= location.value.start && local <= location.value.end;
    if (!onKey && !onValue) continue;
    const field = pointerSegments(pointer)[0]!;
    const span = onKey ? location.key! : location.value;
    const range = { start: textDocument.positionAt(placed.offset + span.start), end: textDocument.positionAt(placed.offset + span.end) };
    const model = bodyModel ?? (typeof root['model'] === 'string' ? catalog.entry(root['model']) : undefined);
    if (field === 'model') {
      if (!model) return null;
      return { contents: { kind: MarkupKind.Markdown, value: modelDocumentation(model, catalog) }, range };
    }
    if (!model) return null;
    const schema = catalog.schema(model.model)?.properties?.[field];
    if (!schema) return null;
    let value = fieldDocumentation(field, schema, model, catalog);
    const current = root[field];
    if (!onKey && schema['x-authentik-duration'] && typeof current === 'string') {
      const check = checkDuration(current.trim());
      if (check.seconds !== undefined) value = `\`${current.trim()}\` = ${describeSeconds(check.seconds)}\n\n${value}`;
    }
    if (!onKey && current instanceof TaggedValue && current.isEnv) value = `Taken from the environment variable \`${current.envName ?? ''}\` at push time.\n\n${value}`;
    return { contents: { kind: MarkupKind.Markdown, value }, range };
  }
  return null;
}
