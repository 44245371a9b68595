/**
 * The catalog's schemas compiled by ajv: once per model, on first use, one ajv instance per
 * catalog (two catalogs of the same authentik version share schema ids, which one instance refuses).
 */
import Ajv, { type ValidateFunction } from 'ajv';
import type { SchemaCatalog } from '../schema/catalog';

interface Compiled {
  ajv: Ajv;
  validators: Map<string, ValidateFunction>;
}

const compiled = new WeakMap<SchemaCatalog, Compiled>();

export function schemaValidator(catalog: SchemaCatalog, model: string): ValidateFunction | undefined {
  let state = compiled.get(catalog);
  if (!state) {
    // Types and formats are checked first by the DRF-faithful rules (drf.ts), which know what the
    // server converts; ajv checks the converted value against the schema's limits.
    // ajv's code optimisation passes cost more on a first open (a blueprint compiles a dozen
    // models at once) than they save: the checks run on a few small objects per keystroke.
    const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, validateFormats: false, messages: false, code: { optimize: false } });
    ajv.addVocabulary(['enumDescriptions', 'markdownDescription', 'x-authentik-duration', 'x-authentik-reference']);
    state = { ajv, validators: new Map() };
    compiled.set(catalog, state);
  }
  let validate = state.validators.get(model);
  if (validate) return validate;
  const schema = catalog.schema(model);
  if (!schema) return undefined;
  validate = state.ajv.compile(schema);
  state.validators.set(model, validate);
  return validate;
}
