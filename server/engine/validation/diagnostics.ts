/** Diagnostics as the language service produces them: offsets into the document's chunk. */
import type { JsonValue } from '../schema/types';

export type Severity = 'error' | 'warning' | 'information';

export type DiagnosticCode =
  | 'syntax'
  | 'not-a-mapping'
  | 'model-missing'
  | 'model-unknown'
  | 'required'
  | 'null'
  | 'type'
  | 'blank'
  | 'enum'
  | 'format'
  | 'converted'
  | 'range'
  | 'length'
  | 'pattern'
  | 'items'
  | 'unknown-key'
  | 'read-only'
  | 'plain-secret'
  | 'duration'
  | 'duration-ignored'
  | 'tag'
  | 'rule'
  | 'template'
  | 'find'
  | 'reference'
  | 'find-match'
  | 'name-taken'
  | 'schema'
  /** A blueprint's own structure (version, metadata, entry keys, identifiers). */
  | 'blueprint'
  /** A `!KeyOf` naming no earlier entry's id. */
  | 'key-of';

/** What a quick fix would do; the edit itself is computed when the fix is asked for. */
export type FixData =
  | { kind: 'replace-value'; value: JsonValue; title: string }
  | { kind: 'rename-key'; to: string }
  | { kind: 'remove-key' }
  | { kind: 'use-env'; variable: string }
  | { kind: 'add-required'; fields: string[] }
  /** Replace a part of the document (offsets into the document's chunk) with text written as is. */
  | { kind: 'replace-span'; start: number; end: number; text: string; title: string };

export interface StageDiagnostic {
  start: number;
  end: number;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  /** Top-level field the diagnostic is about (`model` for the document's type). */
  field?: string;
  fix?: FixData;
}
