/** The authentik API client: `new AuthentikClient({ baseUrl, token })`. No `vscode` import. */
export { AuthentikClient, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS, type AuthentikClientOptions, type CallOptions } from './authentikClient';
export {
  AuthentikAbortError,
  AuthentikApiError,
  AuthentikAuthenticationError,
  AuthentikConnectionError,
  AuthentikError,
  AuthentikInvalidResponseError,
  AuthentikNotFoundError,
  AuthentikRateLimitError,
  AuthentikRedirectError,
  AuthentikResponseTooLargeError,
  AuthentikServerError,
  AuthentikTimeoutError,
  AuthentikValidationError,
  decodeErrorBody,
  errorFromResponse,
  formatBytes,
  type AuthentikErrorContext,
  type DecodedErrorBody,
  type ErrorResponseContext,
  type ValidationIssue,
} from './errors';
export { DEFAULT_MAX_BODY_BYTES, normalizeBaseUrl, queryString, type FetchLike, type HttpMethod, type QueryParams, type QueryValue, type RequestOptions, type Sleep } from './http';
export { createNodeFetch, type NodeFetch, type NodeFetchOptions } from './nodeFetch';
export {
  DEFAULT_LIST_CONCURRENCY,
  DEFAULT_PAGE_SIZE,
  type ListAllQuery,
  type ListPageQuery,
  type ListProgress,
  type ListQuery,
  type PagesQuery,
} from './pagination';
export { DEFAULT_RETRY, backoffDelayMs, isIdempotent, isRetryableStatus, retryAfterMs, retryDecision, type RetryDecision, type RetryOptions } from './retry';
export { fetchServerSchemaText, ServerSchemaError, serverSchemaSource, unusableSchema } from './serverSchema';
export type * from './types';
