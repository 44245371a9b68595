/** The `authentik-stages` command line. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SchemaCatalog } from '../../../server/src/schema/catalog';
import { formatText, resolveFiles, UsageError, validateFiles } from './validateCommand';

const USAGE = `Usage: authentik-stages validate <files or globs…> [--format text|json] [--schema <openapi.yml>]

Checks authentik stage files (*.stage.yaml, *.stage.yml, *.stage.json) the way the language
server does. Prints path:line:col: severity: message [field] per problem.

Options:
  --format text|json   json prints one array of {file, line, column, endLine, endColumn,
                       severity, message, field}
  --schema <file>      validate against another authentik version's OpenAPI document
                       (e.g. a server's /api/v3/schema/) instead of the bundled ${'schemas/'}
  -h, --help           show this help

Exit status: 0 no errors, 1 errors found, 2 bad usage.`;

function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { format: { type: 'string', default: 'text' }, schema: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    process.stderr.write(`authentik-stages: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [command, ...args] = positionals;
  if (command !== 'validate') {
    process.stderr.write(`authentik-stages: ${command ? `unknown command "${command}"` : 'missing command'}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.format !== 'text' && values.format !== 'json') {
    process.stderr.write(`authentik-stages: --format must be text or json, not "${values.format}"\n`);
    return 2;
  }
  if (args.length === 0) {
    process.stderr.write(`authentik-stages: validate needs at least one file or glob\n\n${USAGE}\n`);
    return 2;
  }
  const cwd = process.cwd();
  let catalog: SchemaCatalog;
  try {
    catalog = values.schema
      ? SchemaCatalog.fromOpenApiText(readFileSync(resolve(cwd, values.schema), 'utf8'), values.schema)
      : SchemaCatalog.fromDirectory(join(__dirname, '..', 'schemas'));
  } catch (error) {
    process.stderr.write(`authentik-stages: cannot load the schema${values.schema ? ` ${values.schema}` : ''}: ${(error as Error).message}\n`);
    return 2;
  }
  let files: string[];
  try {
    files = resolveFiles(args, cwd);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`authentik-stages: ${error.message}\n`);
    return 2;
  }
  const diagnostics = validateFiles(files, cwd, catalog);
  if (values.format === 'json') process.stdout.write(`${JSON.stringify(diagnostics, null, 2)}\n`);
  else if (diagnostics.length) process.stdout.write(`${formatText(diagnostics)}\n`);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (values.format === 'text') {
    process.stderr.write(`${files.length} file${files.length === 1 ? '' : 's'} checked against authentik ${catalog.version}: ${errors} error${errors === 1 ? '' : 's'}, ${diagnostics.length - errors} other finding${diagnostics.length - errors === 1 ? '' : 's'}\n`);
  }
  return errors > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
