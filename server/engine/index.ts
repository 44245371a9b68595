/**
 * The engine: what authentik stage files are and what the server accepts — parsing with source
 * ranges, the OpenAPI → JSON Schema converter and the schema catalog, validation by the server's
 * rules, and the language features (completion, hover, quick fixes, symbols) as pure functions.
 *
 * This is its one public entry, imported as `@authentik-stages/engine` by the language server, the
 * command line and the sync engine. The build refuses an import of anything deeper (see
 * scripts/build.mjs), so what is not exported here is free to change.
 */

export { PRODUCT_VERSION } from './version';

// Documents: parsing with a source range for every key and value.
export { escapePointerSegment, fieldPointer, languageOfPath, parseStageDocument, pointerSegments, type NodeLocation, type SourceLanguage, type Span, type StageDocument, type SyntaxProblem } from './document/stageDocument';
export { splitDocuments, splitYamlDocuments, type TextChunk } from './document/split';
export { isPlainObject, TaggedValue } from './document/tags';
export { applyTextEdits, pairSpan, renderPair, renderValueText, type TextEdit } from './document/textEdits';
export { jsonText, yamlInlineText, yamlValueText, type ScalarStyle, type YamlValueText } from './document/valueText';

// Schemas: authentik's OpenAPI document converted into one JSON Schema per model, and the catalog in force.
export { SchemaCatalog } from './schema/catalog';
export { serializeCatalog } from './schema/catalogFiles';
export { catalogFromOpenApi, convertOpenApi, OpenApiConversionError, parseOpenApiText } from './schema/convert';
export type { CatalogIndex, ConvertedCatalog, JsonSchema, JsonValue, ModelIndexEntry, ModelKind, StageKind } from './schema/types';

// Validation: the server's rules, severity as the server decides.
export { validateStageDocument } from './validation/validateStage';
export { coerce } from './validation/drf';
export type { DiagnosticCode, FixData, Severity, StageDiagnostic } from './validation/diagnostics';

// Language features over a whole file, free of any transport.
export { languageOf, StageLanguageService, type RenameRefusal } from './service/languageService';
export type { ReferenceInsert } from './service/references';
export { StageFileAnalyzer, type FileRole } from './service/stageFile';
export { isStageFileByName, type LanguageServiceOptions } from './service/languageService';
export { fileProblems, validateText, type FileProblem, type ProblemSeverity } from './service/fileProblems';

// References: what each uuid field points to (authentik's models, as data), how the targets are found, `!Find`.
export { NOT_REFERENCES, REFERENCE_FIELDS, STAGE_MODELS, STAGE_NAME_TAKEN, TARGET_MODELS, type FindField, type FlowDesignation, type OnDelete, type ReferenceSpec, type TargetModel } from './references/table';
export { baseOf, findFieldOf, findTargetFit, isValidFindTarget, referenceFieldsOf, referenceOf, targetModel, type FieldReference, type FindTargetFit } from './references/lookup';
export { indexedObjects, objectByPk, type IndexedModel, type IndexedObject, type ObjectIndex } from './references/objectIndex';
export { checkFind, FIND_TAG, fieldAcceptsObject, findApiQuery, findTagFor, findTagsIn, isFindTag, parseFindTag, type PlacedFindTag, type FindApiQuery, type FindParse, type FindProblem, type FindQuery, type FindValue } from './references/findTag';

// Blueprints: authentik's configuration-as-code files, recognised by content and checked as its importer applies them.
export { globMatches, globToRegExp } from './util/glob';
export { isBlueprintRoot, looksLikeBlueprint, parseBlueprint, type BlueprintDocument, type BlueprintEntry, type EntryState } from './blueprint/blueprintDocument';
export { blueprintModelNames, resolveBlueprintModel, type BlueprintModel } from './blueprint/blueprintModels';
