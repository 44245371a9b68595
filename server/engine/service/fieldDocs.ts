/** Markdown documentation of a field or a model, shared by hover and completion. */
import type { SchemaCatalog } from '../schema/catalog';
import type { JsonSchema, ModelIndexEntry } from '../schema/types';
import { describeType } from '../validation/drf';
import { DURATION_KEYS } from '../validation/duration';

export function fieldDocumentation(name: string, schema: JsonSchema, entry: ModelIndexEntry, catalog: SchemaCatalog): string {
  const lines: string[] = [];
  const required = entry.required.includes(name);
  lines.push(`**${name}** · \`${describeType(schema)}\`${required ? ' · required' : ''}`);
  const description = cleanDescription(schema.description);
  if (description) lines.push('', description);
  const facts: string[] = [];
  if (schema.minLength === 1) facts.push('may not be blank');
  else if (schema.minLength !== undefined) facts.push(`at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined) facts.push(`at most ${schema.maxLength} characters`);
  if (schema.minimum !== undefined && schema.maximum !== undefined) facts.push(`from ${schema.minimum} to ${schema.maximum}`);
  else if (schema.minimum !== undefined) facts.push(`at least ${schema.minimum}`);
  else if (schema.maximum !== undefined) facts.push(`at most ${schema.maximum}`);
  if (schema.pattern) facts.push(`pattern \`${schema.pattern}\``);
  if (schema.items?.format === 'uuid' || schema.format === 'uuid') facts.push('UUID of another authentik object');
  if (schema.default !== undefined) facts.push(`default \`${JSON.stringify(schema.default)}\``);
  if (facts.length) lines.push('', facts.map((f) => `- ${f}`).join('\n'));
  const choices = schema.enum ?? schema.items?.enum;
  const labels = schema.enum ? schema.enumDescriptions : schema.items?.enumDescriptions;
  if (choices) {
    lines.push('', 'Values:', choices.map((value, i) => `- \`${JSON.stringify(value)}\`${labels?.[i] ? ` — ${labels[i]}` : ''}`).join('\n'));
  }
  if (schema['x-authentik-duration']) {
    lines.push('', `Duration: \`key=number\` parts separated by \`;\`, e.g. \`hours=1;minutes=30\`. Keys: ${DURATION_KEYS.join(', ')}. The comma form in the API's help text is rejected by the server.`);
  }
  if (schema.readOnly) lines.push('', '_Read-only: computed by the server, never sent._');
  if (schema.writeOnly) lines.push('', '_Write-only secret: the server never returns it, so a pull never writes it. Use `!Env NAME` rather than plain text._');
  lines.push('', schemaFooter(entry, catalog));
  return lines.join('\n');
}

export function modelDocumentation(entry: ModelIndexEntry, catalog: SchemaCatalog): string {
  const lines = [`**${entry.title}** · \`${entry.model}\``];
  if (entry.description && entry.description !== entry.title) lines.push('', entry.description);
  lines.push('', `API: \`/api/v3${entry.apiPath}\``);
  if (entry.required.length) lines.push(`Required: ${entry.required.map((f) => `\`${f}\``).join(', ')}`);
  lines.push(`Fields: ${entry.fields.length}${entry.writeOnly.length ? ` (secrets: ${entry.writeOnly.map((f) => `\`${f}\``).join(', ')})` : ''}`);
  lines.push('', schemaFooter(entry, catalog));
  return lines.join('\n');
}

function schemaFooter(entry: ModelIndexEntry, catalog: SchemaCatalog): string {
  // The source in code style: markdown would turn `api@2026.8.3` into a mail link.
  return `_${entry.title} · authentik ${catalog.version} schema_ (\`${catalog.index.source}\`)`;
}

/** drf-spectacular appends "* `value` - Label" lists that the Values section already shows. */
function cleanDescription(description: string | undefined): string {
  if (!description) return '';
  return description
    .split('\n')
    .filter((line) => !/^\*\s+`[^`]*`\s+-\s+/.test(line))
    .join('\n')
    .trim();
}
