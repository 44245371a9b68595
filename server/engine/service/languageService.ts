/**
 * The language features behind one facade, free of any transport: the LSP server and the
 * command-line tool both drive this.
 */
import type { CodeAction, CompletionList, Diagnostic, DocumentSymbol, Hover, InlayHint, Location, Position, Range, WorkspaceEdit } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { SchemaCatalog } from '../schema/catalog';
import { languageOfPath, type SourceLanguage } from '../document/stageDocument';
import { codeActions } from './codeActions';
import { complete } from './completion';
import { hover } from './hover';
import { toLspDiagnostics } from './lspDiagnostics';
import { StageFileAnalyzer, type FileRole, type StageFile } from './stageFile';
import { documentSymbols } from './symbols';
import { referenceInlayHints, type ReferenceInsert } from './references';
import type { ObjectIndex } from '../references/objectIndex';
import { completeBlueprint } from './blueprint/completion';
import { hoverBlueprint } from './blueprint/hover';
import { blueprintDefinition, blueprintReferences, prepareBlueprintRename, renameBlueprintId, type RenameRefusal } from './blueprint/navigation';
import { blueprintSymbols } from './blueprint/symbols';

export type { RenameRefusal } from './blueprint/navigation';

export function languageOf(languageId: string, uri: string): SourceLanguage {
  if (languageId === 'authentik-stage-json' || languageId === 'json' || languageId === 'jsonc') return 'json';
  if (languageId === 'authentik-stage-yaml' || languageId === 'yaml') return 'yaml';
  return languageOfPath(uri);
}

const STAGE_LANGUAGE_IDS = new Set(['authentik-stage-yaml', 'authentik-stage-json']);
const STAGE_FILE_NAME = /\.stage\.(?:ya?ml|json)$/i;

/** A stage file by its language or its name; everything else is a blueprint when its content is one, else not ours. */
export function isStageFileByName(uri: string, languageId: string): boolean {
  return STAGE_LANGUAGE_IDS.has(languageId) || STAGE_FILE_NAME.test(uri);
}

/** A file that is neither a stage file nor a blueprint was not parsed: nothing of ours applies to it. */
function isOurs(file: StageFile): boolean {
  return file.documents.length > 0;
}

export interface LanguageServiceOptions {
  /** Which documents are stage files (the server adds the user's patterns); the rest are blueprints or nothing. */
  isStageFile?: (uri: string, languageId: string) => boolean;
}

export class StageLanguageService {
  private readonly analyzer: StageFileAnalyzer;
  /** One analysis per document version: completion and hover after a change reuse validation's. */
  private readonly current = new Map<string, { version: number; languageId: string; file: StageFile }>();
  private readonly isStageFile: (uri: string, languageId: string) => boolean;

  constructor(catalog: SchemaCatalog, options: LanguageServiceOptions = {}) {
    this.analyzer = new StageFileAnalyzer(catalog);
    this.isStageFile = options.isStageFile ?? isStageFileByName;
  }

  get catalog(): SchemaCatalog {
    return this.analyzer.schemaCatalog;
  }

  setCatalog(catalog: SchemaCatalog): void {
    this.analyzer.setCatalog(catalog);
    this.current.clear();
  }

  /** The connected server's objects (null: disconnected); documents keep their parses and are checked again. */
  setObjectIndex(index: ObjectIndex | null): void {
    this.analyzer.setObjectIndex(index);
    this.current.clear();
  }

  get hasObjectIndex(): boolean {
    return this.analyzer.references !== undefined;
  }

  /** Parses what changed since the last call for this document; cheap when nothing did. */
  analyze(textDocument: TextDocument): StageFile {
    const cached = this.current.get(textDocument.uri);
    if (cached && cached.version === textDocument.version && cached.languageId === textDocument.languageId) return cached.file;
    const role: FileRole = this.isStageFile(textDocument.uri, textDocument.languageId) ? 'stage-file' : 'other';
    const file = this.analyzer.analyze(textDocument.uri, textDocument.getText(), languageOf(textDocument.languageId, textDocument.uri), role);
    this.current.set(textDocument.uri, { version: textDocument.version, languageId: textDocument.languageId, file });
    return file;
  }

  forget(uri: string): void {
    this.analyzer.drop(uri);
    this.current.delete(uri);
  }

  diagnostics(textDocument: TextDocument): Diagnostic[] {
    return toLspDiagnostics(this.analyze(textDocument), textDocument);
  }

  complete(textDocument: TextDocument, position: Position, insert: ReferenceInsert = 'find'): CompletionList {
    const file = this.analyze(textDocument);
    if (file.blueprint) return completeBlueprint(file, file.blueprint, textDocument, position, this.catalog, insert);
    if (!isOurs(file)) return { isIncomplete: false, items: [] };
    return complete(file, textDocument, position, this.catalog, insert);
  }

  hover(textDocument: TextDocument, position: Position): Hover | null {
    const file = this.analyze(textDocument);
    if (file.blueprint) return hoverBlueprint(file, file.blueprint, textDocument, position, this.catalog);
    return hover(file, textDocument, position, this.catalog);
  }

  codeActions(textDocument: TextDocument, diagnostics: Diagnostic[], range?: Range): CodeAction[] {
    return codeActions(this.analyze(textDocument), textDocument, diagnostics, this.catalog, range);
  }

  inlayHints(textDocument: TextDocument, range: Range): InlayHint[] {
    return referenceInlayHints(this.analyze(textDocument), textDocument, range, this.catalog);
  }

  symbols(textDocument: TextDocument): DocumentSymbol[] {
    const file = this.analyze(textDocument);
    if (file.blueprint) return blueprintSymbols(file.blueprint, textDocument, this.catalog);
    return documentSymbols(file, textDocument, this.catalog);
  }

  /** Where the entry id under the cursor is defined (blueprints only: stage files have no ids). */
  definition(textDocument: TextDocument, position: Position): Location[] {
    const { blueprint } = this.analyze(textDocument);
    return blueprint ? blueprintDefinition(blueprint, textDocument, position) : [];
  }

  references(textDocument: TextDocument, position: Position, includeDeclaration: boolean): Location[] {
    const { blueprint } = this.analyze(textDocument);
    return blueprint ? blueprintReferences(blueprint, textDocument, position, includeDeclaration) : [];
  }

  /** The id to rename and its range; a refusal saying why; null outside blueprints. */
  prepareRename(textDocument: TextDocument, position: Position): { range: Range; placeholder: string } | RenameRefusal | null {
    const { blueprint } = this.analyze(textDocument);
    return blueprint ? prepareBlueprintRename(blueprint, textDocument, position) : null;
  }

  rename(textDocument: TextDocument, position: Position, newName: string): WorkspaceEdit | RenameRefusal | null {
    const { blueprint } = this.analyze(textDocument);
    return blueprint ? renameBlueprintId(blueprint, textDocument, position, newName) : null;
  }
}
