/**
 * The custom requests and notifications between the extension and the language server, each
 * declared once with its parameter and result types; both sides import these objects, so a change
 * of shape is a compile error on either side, never a silent mismatch.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { ConvertedCatalog, FileProblem, ObjectIndex, ReferenceInsert } from '@authentik-stages/engine';

/** The schema in force: which authentik version, from where. */
export interface SchemaInfo {
  version: string;
  source: string;
  models: number;
}

/**
 * Use another authentik version's schema: an OpenAPI document (YAML or JSON text, e.g. a server's
 * `/api/v3/schema/`), converted by the server, or a catalog converted before (from a cache).
 */
export type SetSchemaParams =
  | {
      openapi: string;
      /** Where it came from, shown in hover: e.g. `https://auth.example.com/api/v3/schema/`. */
      source: string;
    }
  | { catalog: ConvertedCatalog; source: string };

export const SetSchemaRequest = new RequestType<SetSchemaParams, SchemaInfo, void>('authentikStages/setSchema');
/** Back to the bundled schema (signed out, disconnected). */
export const ResetSchemaRequest = new RequestType0<SchemaInfo, void>('authentikStages/resetSchema');
export const SchemaInfoRequest = new RequestType0<SchemaInfo, void>('authentikStages/schemaInfo');
/** The schema in force as a converted catalog: the extension caches it per server version. */
export const CatalogRequest = new RequestType0<ConvertedCatalog, void>('authentikStages/catalog');

/** A file's text (as saved, about to be pushed) checked with the schema in force. */
export interface ValidateFileParams {
  /** The file's path, named in the problems. */
  path: string;
  text: string;
  /** Only these documents (0-based positions in the file); all when absent. */
  documents?: number[];
}

export interface ValidateFileResult {
  /** The authentik version whose schema judged it. */
  version: string;
  problems: FileProblem[];
}

/** The extension validates nothing itself: a push asks the language server. */
export const ValidateFileRequest = new RequestType<ValidateFileParams, ValidateFileResult, void>('authentikStages/validateFile');

/**
 * The connected server's objects for the models open files reference (or `null`: disconnected),
 * sent by the extension when it fetched or refreshed them; the server re-validates open files.
 * Models absent from the index are unknown, and no check claims anything about them.
 */
export const SetObjectIndexNotification = new NotificationType<ObjectIndex | null>('authentikStages/setObjectIndex');

/** Sent by the server after the schema in force changed. */
export const SchemaChangedNotification = new NotificationType<SchemaInfo>('authentikStages/schemaChanged');

export interface ServerSettings {
  validation: { enable: boolean };
  /** `authentik.references.insert`: which form a completed reference takes first (both are offered). */
  references: { insert: ReferenceInsert };
  /**
   * `authentik.files.extraPatterns`: globs in VS Code's syntax, matched against a document's file
   * path (e.g. every `*.yaml` in any `authentik/stages` folder), of documents that are stage files
   * whatever their name.
   */
  files: { extraPatterns: string[] };
}

export const DEFAULT_SETTINGS: ServerSettings = { validation: { enable: true }, references: { insert: 'find' }, files: { extraPatterns: [] } };

/**
 * How the language server process is started (shared by the extension and the benchmark, so what
 * is measured is what ships). V8's young generation defaults to 16 MB semi-spaces, sized for
 * throughput; stage documents are small and short-lived, so 1 MB keeps the server's memory near
 * Node's own floor at no measurable cost in latency (see the README's benchmark).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];
