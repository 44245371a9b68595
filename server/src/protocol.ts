/** Custom requests and notifications between the extension and the language server. */

export interface SetSchemaParams {
  /** An authentik OpenAPI document (YAML or JSON text), e.g. a server's `/api/v3/schema/`. */
  openapi: string;
  /** Where it came from, shown in hover: e.g. `https://auth.example.com/api/v3/schema/`. */
  source: string;
}

export interface SchemaInfo {
  version: string;
  source: string;
  models: number;
}

export const SetSchemaRequest = 'authentikStages/setSchema';
export const ResetSchemaRequest = 'authentikStages/resetSchema';
export const SchemaInfoRequest = 'authentikStages/schemaInfo';
/** Sent by the server after the catalog in force changed; carries a `SchemaInfo`. */
export const SchemaChangedNotification = 'authentikStages/schemaChanged';

export interface ServerSettings {
  validation: { enable: boolean };
}

export const DEFAULT_SETTINGS: ServerSettings = { validation: { enable: true } };
