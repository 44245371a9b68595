/**
 * Numbers the tests measure (activation time, …), written into the results file by index.ts. Each
 * test file is its own bundle, so the record lives on a process-wide symbol, not in a module.
 */
const key = Symbol.for('authentik-stages.vscode-test.metrics');
const store = globalThis as { [key]?: Record<string, number | string> };

export const metrics: Record<string, number | string> = (store[key] ??= {});

export function recordMetric(name: string, value: number | string): void {
  metrics[name] = value;
}
