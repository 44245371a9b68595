/**
 * A whole stage file as the language features see it: its documents, each parsed and validated at
 * most once per distinct text. An edit re-parses only the document it touched; the others are
 * found again by their text, wherever they moved.
 */
import type { SchemaCatalog } from '../schema/catalog';
import { splitDocuments, type TextChunk } from '../document/split';
import { parseStageDocument, type SourceLanguage, type StageDocument } from '../document/stageDocument';
import type { StageDiagnostic } from '../validation/diagnostics';
import { validateStageDocument } from '../validation/validateStage';
import type { ObjectIndex } from '../references/objectIndex';
import { ReferenceIndex } from '../references/referenceIndex';
import type { BlueprintDocument } from '../blueprint/blueprintDocument';
import { BlueprintParser } from '../blueprint/incrementalBlueprint';
import { validateBlueprint } from '../blueprint/validateBlueprint';

/**
 * What a file was opened as: a stage file (by its name, language or the user's patterns), or any
 * other YAML file, which is ours only when its content is a blueprint.
 */
export type FileRole = 'stage-file' | 'other';

/** The server's objects in force, shared by a file's analyses: a new index re-validates, it never re-parses. */
interface ReferenceSource {
  references: ReferenceIndex | undefined;
}

class DocumentAnalysis {
  private cachedDiagnostics: StageDiagnostic[] | undefined;
  private cachedFor: ReferenceIndex | undefined;

  constructor(
    readonly doc: StageDocument,
    private readonly catalog: SchemaCatalog,
    private readonly source: ReferenceSource,
    /** Set when the document is a blueprint: then it is validated as one. */
    readonly blueprint?: BlueprintDocument,
  ) {}

  get diagnostics(): StageDiagnostic[] {
    if (!this.cachedDiagnostics || this.cachedFor !== this.source.references) {
      this.cachedFor = this.source.references;
      this.cachedDiagnostics = this.blueprint ? validateBlueprint(this.blueprint, this.catalog, this.cachedFor) : validateStageDocument(this.doc, this.catalog, this.cachedFor);
    }
    return this.cachedDiagnostics;
  }
}

/** One document of an analysed stage file: where it starts, its parse, its diagnostics. */
export interface FileDocument {
  /** Offset of the document's first character in the file. */
  readonly offset: number;
  readonly doc: StageDocument;
  /** Chunk-relative offsets, computed on first use. */
  readonly diagnostics: StageDiagnostic[];
}

/** A whole stage file as the language features see it: its documents, each parsed and validated at most once per text. */
export class StageFile {
  constructor(
    readonly text: string,
    readonly language: SourceLanguage,
    readonly documents: readonly FileDocument[],
    /** The connected server's objects, when the client sent them. */
    readonly references?: ReferenceIndex,
    /** Set when the file is a blueprint: its one document, seen as authentik's importer sees it. */
    readonly blueprint?: BlueprintDocument,
  ) {}

  /** The document holding `offset` (the last one for the end of the file). */
  documentAt(offset: number): FileDocument | undefined {
    let low = 0;
    let high = this.documents.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.documents[mid]!.offset <= offset) low = mid;
      else high = mid - 1;
    }
    return this.documents[low];
  }

  /** Every diagnostic with offsets into the whole file. */
  diagnostics(): StageDiagnostic[] {
    const all: StageDiagnostic[] = [];
    for (const placed of this.documents) {
      for (const d of placed.diagnostics) all.push({ ...d, start: d.start + placed.offset, end: d.end + placed.offset });
    }
    return all;
  }
}

/** Per-file caches of document analyses, keyed by document text; dropped when the file closes. */
export class StageFileAnalyzer {
  private readonly files = new Map<string, Map<string, DocumentAnalysis>>();
  /** Per open blueprint, its entries' parses, so that an edit re-parses one entry. */
  private readonly blueprints = new Map<string, BlueprintParser>();
  private readonly source: ReferenceSource = { references: undefined };

  constructor(private catalog: SchemaCatalog) {}

  get references(): ReferenceIndex | undefined {
    return this.source.references;
  }

  /** The connected server's objects (null: none); analyses keep their parses and re-validate on use. */
  setObjectIndex(index: ObjectIndex | null): void {
    this.source.references = index ? new ReferenceIndex(index) : undefined;
  }

  get schemaCatalog(): SchemaCatalog {
    return this.catalog;
  }

  /** A new catalog invalidates every analysis. */
  setCatalog(catalog: SchemaCatalog): void {
    this.catalog = catalog;
    this.files.clear();
    this.blueprints.clear();
  }

  analyze(key: string, text: string, language: SourceLanguage, role: FileRole = 'stage-file'): StageFile {
    const previous = this.files.get(key);
    if (language === 'yaml') {
      const known = previous?.get(text);
      const blueprint = known?.blueprint ?? (known ? undefined : this.blueprintParser(key).parse(text));
      if (blueprint) return this.blueprintFile(key, text, known ?? new DocumentAnalysis(blueprint.doc, this.catalog, this.source, blueprint));
      this.blueprints.delete(key);
    }
    // Any other YAML file (a compose file, a chart) is not ours: nothing is parsed or reported.
    if (role === 'other') {
      this.files.delete(key);
      return new StageFile(text, language, [], this.source.references);
    }
    const next = new Map<string, DocumentAnalysis>();
    const chunks: TextChunk[] = splitDocuments(text, language);
    const documents: FileDocument[] = chunks.map((chunk) => {
      let analysis = next.get(chunk.text) ?? previous?.get(chunk.text);
      if (!analysis) analysis = new DocumentAnalysis(parseStageDocument(chunk.text, language), this.catalog, this.source);
      next.set(chunk.text, analysis);
      const found = analysis;
      return {
        offset: chunk.start,
        doc: found.doc,
        get diagnostics() {
          return found.diagnostics;
        },
      };
    });
    this.files.set(key, next);
    return new StageFile(text, language, documents, this.source.references);
  }

  /** A blueprint is one document, kept while its text is unchanged (the importer reads it whole). */
  private blueprintFile(key: string, text: string, analysis: DocumentAnalysis): StageFile {
    this.files.set(key, new Map([[text, analysis]]));
    const placed: FileDocument = {
      offset: 0,
      doc: analysis.doc,
      get diagnostics() {
        return analysis.diagnostics;
      },
    };
    return new StageFile(text, 'yaml', [placed], this.source.references, analysis.blueprint);
  }

  private blueprintParser(key: string): BlueprintParser {
    let parser = this.blueprints.get(key);
    if (!parser) this.blueprints.set(key, (parser = new BlueprintParser()));
    return parser;
  }

  drop(key: string): void {
    this.files.delete(key);
    this.blueprints.delete(key);
  }
}
