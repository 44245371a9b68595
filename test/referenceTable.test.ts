/**
 * The reference table against authentik's own OpenAPI documents (the pinned 2026.8.3 and the
 * older 2025.8.6): every uuid field of every stage and prompt request schema, found here from the
 * document alone, is mapped or listed as not a reference, and every path and field the table
 * names exists in the document.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { convertOpenApi, parseOpenApiText } from '../server/engine/schema/convert';
import { baseOf, referenceOf, targetModel } from '../server/engine/references/lookup';
import { NOT_REFERENCES, REFERENCE_FIELDS, STAGE_MODELS, TARGET_MODELS } from '../server/engine/references/table';
import { olderOpenApi, pinnedOpenApi } from './support/paths';

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  nullable?: boolean;
  readOnly?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}
interface Parameter {
  $ref?: string;
  name?: string;
  in?: string;
}
interface Doc {
  info?: { version?: string };
  paths: Record<string, { get?: { parameters?: Parameter[]; responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> } } | undefined>;
  components: { schemas: Record<string, Schema | undefined>; parameters?: Record<string, Parameter | undefined> };
}

interface UuidField {
  model: string;
  field: string;
  many: boolean;
  nullable: boolean;
  required: boolean;
}

const parsed = new Map<string, Doc>();

/** A fresh copy, free to change. */
function loadDoc(path: string): Doc {
  return parseOpenApiText(readFileSync(path, 'utf8')) as unknown as Doc;
}

/** Shared by the tests that only read it (parsing takes about a second). */
function readDoc(path: string): Doc {
  if (!parsed.has(path)) parsed.set(path, loadDoc(path));
  return parsed.get(path)!;
}

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/** Stage and prompt request schemas by name, with their model from ModelEnum (not from the converter). */
function requestSchemas(doc: Doc): Array<{ name: string; model: string | undefined }> {
  const models = (doc.components.schemas['ModelEnum'] as { enum?: string[] } | undefined)?.enum ?? [];
  return Object.keys(doc.components.schemas)
    // `StageRequest` alone (2025.8) is the polymorphic base, no stage type of its own.
    .filter((name) => name === 'PromptRequest' || (/StageRequest$/.test(name) && !name.startsWith('Patched') && name !== 'StageRequest'))
    .map((name) => {
      const wanted = name.slice(0, -'Request'.length).toLowerCase();
      const candidates = models.filter((m) => m.slice(m.indexOf('.') + 1) === wanted);
      return { name, model: candidates.length === 1 ? candidates[0] : undefined };
    });
}

/** Whether a schema, followed through $ref, allOf/oneOf/anyOf and list items, is a uuid. */
function uuidShape(doc: Doc, schema: Schema | undefined, seen = new Set<string>()): { many: boolean } | undefined {
  if (!schema) return undefined;
  if (schema.$ref) {
    const name = refName(schema.$ref);
    if (seen.has(name)) return undefined;
    return uuidShape(doc, doc.components.schemas[name], new Set([...seen, name]));
  }
  if (schema.format === 'uuid') return { many: false };
  if (schema.items) {
    const item = uuidShape(doc, schema.items, seen);
    if (item) return { many: true };
  }
  for (const part of [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) {
    const found = uuidShape(doc, part, seen);
    if (found) return found;
  }
  return undefined;
}

function uuidFields(doc: Doc): { fields: UuidField[]; unnamed: string[] } {
  const fields: UuidField[] = [];
  const unnamed: string[] = [];
  for (const { name, model } of requestSchemas(doc)) {
    if (!model) {
      unnamed.push(name);
      continue;
    }
    const schema = doc.components.schemas[name];
    for (const [field, property] of Object.entries(schema?.properties ?? {})) {
      if (property.readOnly) continue;
      const shape = uuidShape(doc, property);
      if (shape) fields.push({ model, field, many: shape.many, nullable: property.nullable === true, required: schema?.required?.includes(field) === true });
    }
  }
  return { fields, unnamed };
}

/** The list endpoint's result schema and query parameter names, or why there is none. */
function listEndpoint(doc: Doc, path: string): { properties: Record<string, Schema>; parameters: Set<string> } | string {
  const get = doc.paths[path]?.get;
  if (!get) return `no GET ${path}`;
  const page = get.responses?.['200']?.content?.['application/json']?.schema?.$ref;
  const pageSchema = page ? doc.components.schemas[refName(page)] : undefined;
  const itemRef = pageSchema?.properties?.['results']?.items?.$ref;
  const item = itemRef ? doc.components.schemas[refName(itemRef)] : undefined;
  if (!item?.properties) return `GET ${path} does not return a paginated list`;
  const parameters = new Set<string>();
  for (const parameter of get.parameters ?? []) {
    // 2026.8 writes the common ones (`name`, `search`, …) as components.
    const resolved = parameter.$ref ? doc.components.parameters?.[refName(parameter.$ref)] : parameter;
    if (resolved?.name && resolved.in === 'query') parameters.add(resolved.name);
  }
  return { properties: item.properties, parameters };
}

/** Everything the table misses or gets wrong for one document; empty when it covers it. */
function coverageGaps(doc: Doc): string[] {
  const gaps: string[] = [];
  const { fields, unnamed } = uuidFields(doc);
  for (const name of unnamed) gaps.push(`${name}: no single model in ModelEnum is named after it`);
  const models = new Set(requestSchemas(doc).map((s) => s.model).filter((m): m is string => m !== undefined));
  for (const model of models) {
    if (model !== 'authentik_stages_prompt.prompt' && !STAGE_MODELS.includes(model)) gaps.push(`${model}: not in STAGE_MODELS (so not accepted where any stage is)`);
  }

  const targets = new Set<string>();
  for (const { model, field, many, nullable, required } of fields) {
    const reference = referenceOf(model, field);
    if (!reference) {
      if (!Object.hasOwn(NOT_REFERENCES, field)) gaps.push(`${model}.${field}: a uuid${many ? ' list' : ''} field neither mapped nor listed as not a reference`);
      continue;
    }
    if (reference.many !== many) gaps.push(`${model}.${field}: the table says ${reference.many ? 'a list' : 'one pk'}, the document ${many ? 'a list' : 'one pk'}`);
    if (!many && (reference.nullable === true) !== nullable) gaps.push(`${model}.${field}: the table says nullable=${reference.nullable === true}, the document ${nullable}`);
    // A pk that may not be null, or a list that may not be empty, has no default: the document requires it.
    const mustBeGiven = many ? reference.allowEmpty === false : reference.nullable !== true;
    if (mustBeGiven !== required) gaps.push(`${model}.${field}: the table says it ${mustBeGiven ? 'must' : 'need not'} be given, the document ${required ? 'requires' : 'does not require'} it`);
    targets.add(reference.target);
    const base = baseOf(reference.target);
    if (base) targets.add(base.model);
  }

  for (const name of targets) {
    const target = targetModel(name);
    if (!target) {
      gaps.push(`${name}: a target with no entry in TARGET_MODELS`);
      continue;
    }
    const endpoint = listEndpoint(doc, target.apiPath);
    if (typeof endpoint === 'string') {
      gaps.push(`${name}: ${endpoint}`);
      continue;
    }
    const has = (property: string) => Object.hasOwn(endpoint.properties, property);
    if (endpoint.properties[target.pkField]?.format !== 'uuid') gaps.push(`${name}: pk field ${target.pkField} is not a uuid property of ${target.apiPath}`);
    if (!has(target.naturalKey)) gaps.push(`${name}: natural key ${target.naturalKey} is not a property of ${target.apiPath}`);
    for (const field of target.display) if (!has(field)) gaps.push(`${name}: display field ${field} is not a property of ${target.apiPath}`);
    if (target.mixedTypes && !has('meta_model_name')) gaps.push(`${name}: ${target.apiPath} lists several types but has no meta_model_name`);
    for (const [field, find] of Object.entries(target.findFields)) {
      if (!has(find.property ?? field)) gaps.push(`${name}: !Find field ${field} (property ${find.property ?? field}) is not a property of ${target.apiPath}`);
      if (find.filter && !endpoint.parameters.has(find.filter)) gaps.push(`${name}: filter ${find.filter} for ${field} is not a query parameter of ${target.apiPath}`);
      if (find.searched && !endpoint.parameters.has('search')) gaps.push(`${name}: ${target.apiPath} has no search parameter`);
    }
  }
  return gaps;
}

const documents: Array<[string, string]> = [
  ['2026.8.3 (pinned)', pinnedOpenApi],
  ['2025.8.6 (older)', olderOpenApi],
];

describe('reference table coverage', () => {
  for (const [label, path] of documents) {
    describe(`authentik ${label}`, () => {
      const doc = readDoc(path);

      it('maps every uuid field of every stage and prompt request schema, and every path and field it names is in the document', () => {
        const { fields } = uuidFields(doc);
        // The documents do have reference fields: a walk that found none would pass vacuously.
        assert.ok(fields.length >= 20, `only ${fields.length} uuid fields found in ${label}`);
        assert.deepEqual(coverageGaps(doc), []);
      });

      it("the converter marks exactly the document's uuid fields as references (lists and nullable ones included)", () => {
        const catalog = convertOpenApi(doc as never, { source: label });
        const expected = new Map<string, string[]>();
        for (const { model, field } of uuidFields(doc).fields) expected.set(model, [...(expected.get(model) ?? []), field]);
        const differences: string[] = [];
        for (const [model, entry] of Object.entries(catalog.index.models)) {
          const want = [...(expected.get(model) ?? [])].sort();
          const got = [...entry.references].sort();
          if (want.join() !== got.join()) differences.push(`${model}: converter ${got.join(', ') || '(none)'}, document ${want.join(', ') || '(none)'}`);
        }
        assert.deepEqual(differences, []);
      });
    });
  }

  it('every field of the table is a uuid field of one of the documents (no stale entries)', () => {
    const known = new Set(documents.flatMap(([, path]) => uuidFields(readDoc(path)).fields.map((f) => `${f.model}.${f.field}`)));
    const stale = Object.entries(REFERENCE_FIELDS).flatMap(([model, fields]) => Object.keys(fields).map((field) => `${model}.${field}`)).filter((key) => !known.has(key));
    assert.deepEqual(stale, []);
  });

  it('every target the table names has an entry in TARGET_MODELS, and no base lists a type twice', () => {
    const problems: string[] = [];
    for (const fields of Object.values(REFERENCE_FIELDS)) {
      for (const spec of Object.values(fields)) if (!Object.hasOwn(TARGET_MODELS, spec.target)) problems.push(`${spec.target} has no TARGET_MODELS entry`);
    }
    for (const entry of Object.values(TARGET_MODELS)) {
      const subtypes = entry.subtypes ?? [];
      if (new Set(subtypes).size !== subtypes.length) problems.push(`${entry.model}: a subtype listed twice`);
    }
    assert.deepEqual(problems, []);
  });

  it('reports what is missing: a new uuid field, a list of uuids, an unknown target path', () => {
    const doc = loadDoc(pinnedOpenApi);
    const identification = doc.components.schemas['IdentificationStageRequest']!;
    identification.properties = {
      ...identification.properties,
      brand: { type: 'string', format: 'uuid', nullable: true },
      applications: { type: 'array', items: { allOf: [{ type: 'string', format: 'uuid' }] } },
    };
    delete doc.paths['/stages/prompt/prompts/'];
    const gaps = coverageGaps(doc);
    assert.deepEqual(gaps, [
      'authentik_stages_identification.identificationstage.brand: a uuid field neither mapped nor listed as not a reference',
      'authentik_stages_identification.identificationstage.applications: a uuid list field neither mapped nor listed as not a reference',
      'authentik_stages_prompt.prompt: no GET /stages/prompt/prompts/',
    ]);
  });
});
