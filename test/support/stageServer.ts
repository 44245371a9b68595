/** Our built language server behind the test LSP client, with helpers for stage-file tests. */
import type { Diagnostic, Range } from 'vscode-languageserver-protocol';
import { LspClient, positionOf } from '../../tools/lsp-client/lspClient';
import { serverModule } from './paths';
import { SERVER_NODE_FLAGS } from '../../server/src/protocol';

export const YAML = 'authentik-stage-yaml';
export const JSON_LANG = 'authentik-stage-json';

export async function startStageServer(): Promise<LspClient> {
  const client = await LspClient.start({ command: process.execPath, args: [...SERVER_NODE_FLAGS, serverModule, '--stdio'], name: 'authentik stage server' });
  await client.initialize();
  return client;
}

/** Our server always sends plain-text messages. */
export type TextDiagnostic = Omit<Diagnostic, 'message'> & { message: string };

let counter = 0;

/** A new file URI per call, so tests never see each other's documents. */
export function stageUri(language: 'yaml' | 'json' = 'yaml'): string {
  counter++;
  return `file:///tmp/authentik-stage-tests/doc-${process.pid}-${counter}.stage.${language}`;
}

/** Opens `text` as a new document and returns the diagnostics that answer it. */
export async function diagnose(client: LspClient, text: string, language: 'yaml' | 'json' = 'yaml'): Promise<{ uri: string; diagnostics: TextDiagnostic[] }> {
  const uri = stageUri(language);
  const since = client.diagnosticsMarker();
  client.open(uri, language === 'yaml' ? YAML : JSON_LANG, text, 1);
  const record = await client.waitForDiagnostics(uri, { since, afterVersion: 1 });
  return { uri, diagnostics: textDiagnostics(record.diagnostics) };
}

export function textDiagnostics(diagnostics: Diagnostic[]): TextDiagnostic[] {
  return diagnostics.map((d) => ({ ...d, message: typeof d.message === 'string' ? d.message : d.message.value }));
}

/** The range of the `occurrence`-th (0-based) `needle` in `text`. */
export function rangeOf(text: string, needle: string, occurrence = 0): Range {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`rangeOf: ${JSON.stringify(needle)} #${occurrence} not found`);
  }
  return { start: positionOf(text, needle, 0, at), end: positionOf(text, needle, needle.length, at) };
}

export function byCode(diagnostics: TextDiagnostic[], code: string): TextDiagnostic[] {
  return diagnostics.filter((d) => d.code === code);
}

/** The single diagnostic with this code; fails listing what there is otherwise. */
export function only(diagnostics: TextDiagnostic[], code: string): TextDiagnostic {
  const found = byCode(diagnostics, code);
  if (found.length !== 1) {
    throw new Error(`expected one "${code}" diagnostic, got ${found.length}: ${JSON.stringify(diagnostics.map((d) => [d.code, d.message]), null, 1)}`);
  }
  return found[0]!;
}
