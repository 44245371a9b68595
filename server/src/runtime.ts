/**
 * How the language server process is started, shared by the extension and the benchmark so that
 * what is measured is what ships.
 */

/**
 * V8's young generation defaults to 16 MB semi-spaces, sized for throughput; stage documents are
 * small and short-lived, so 1 MB keeps the server's memory near Node's own floor at no measurable
 * cost in latency (see the README's benchmark).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];
