/** The stages a file holds, as the sync engine sees them: model, pk, values and where each key is. */
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fieldPointer, type FileProblem, isPlainObject, type JsonSchema, type ModelIndexEntry, type SchemaCatalog, type Span } from '@authentik-stages/engine';
import type { EditableStageFile, EditableDocument } from './stageFileIO';

export interface LocalStage {
  readonly file: EditableStageFile;
  readonly doc: EditableDocument;
  readonly model: string;
  readonly entry: ModelIndexEntry;
  readonly schema: JsonSchema;
  readonly pk: string | undefined;
  readonly name: string | undefined;
  /** The document's top-level values as written (tags kept as `TaggedValue`). */
  readonly values: Record<string, unknown>;
}

/** Turns offsets in a document into 1-based file positions. */
export class FilePositions {
  private readonly text: TextDocument;

  constructor(readonly file: EditableStageFile) {
    this.text = TextDocument.create('file:///stage', file.language, 0, file.originalText);
  }

  problem(doc: EditableDocument, span: Span, severity: FileProblem['severity'], message: string, field: string | null): FileProblem {
    const start = this.text.positionAt(doc.offset + span.start);
    const end = this.text.positionAt(doc.offset + Math.max(span.end, span.start));
    return { file: this.file.path, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1, severity, message, field };
  }

  /** The value at `pointer` (a list item, a tag), else the field's value, else as `at`. */
  atPointer(doc: EditableDocument, pointer: string, field: string, severity: FileProblem['severity'], message: string): FileProblem {
    const location = doc.stage.locations.get(pointer);
    return location ? this.problem(doc, location.value, severity, message, field) : this.at(doc, field, severity, message, 'value');
  }

  /** The key of a field, else its value, else the document's `model` key, else the document's start. */
  at(doc: EditableDocument, field: string | null, severity: FileProblem['severity'], message: string, prefer: 'key' | 'value' = 'key'): FileProblem {
    const location = field !== null ? doc.stage.locations.get(fieldPointer(field)) : undefined;
    const fallback = doc.stage.locations.get('/model')?.key ?? doc.stage.locations.get('')?.value ?? { start: 0, end: 0 };
    const span = location ? (prefer === 'key' ? (location.key ?? location.value) : location.value) : fallback;
    return this.problem(doc, span, severity, message, field);
  }
}

/** Stage documents of a file with a model the catalog knows; the others are reported. */
export function localStages(file: EditableStageFile, catalog: SchemaCatalog): { stages: LocalStage[]; problems: FileProblem[] } {
  const positions = new FilePositions(file);
  const stages: LocalStage[] = [];
  const problems: FileProblem[] = [];
  for (const doc of file.documents) {
    if (doc.stage.isEmpty) continue;
    const values = doc.stage.value;
    if (!isPlainObject(values)) {
      problems.push(positions.at(doc, null, 'error', 'This document is not a stage (a mapping with model, name, …).'));
      continue;
    }
    const model = typeof values['model'] === 'string' ? values['model'] : undefined;
    const entry = model ? catalog.entry(model) : undefined;
    if (!model || !entry) {
      problems.push(positions.at(doc, 'model', 'error', model ? `Unknown model ${model} for authentik ${catalog.version}.` : 'The document has no model.'));
      continue;
    }
    const pk = typeof values['pk'] === 'string' && values['pk'].trim() ? values['pk'].trim() : undefined;
    const name = typeof values['name'] === 'string' ? values['name'] : undefined;
    stages.push({ file, doc, model, entry, schema: catalog.schema(model)!, pk, name, values });
  }
  return { stages, problems };
}

/** How a stage is named in messages: its name, else its model and position in the file. */
export function describeStage(stage: LocalStage): string {
  return stage.name ? `"${stage.name}"` : `${stage.entry.title} (document ${stage.doc.index + 1})`;
}
