/** The `authentik-stages` command line: validate offline; pull, push, diff and list against a server. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { catalogFromOpenApi, SchemaCatalog, type FileProblem } from '@authentik-stages/engine';
import { connect } from './connection';
import { stageFilesOnly, VALIDATE_FILES } from './fileKinds';
import { requireRegularFile, resolveFiles } from './glob';
import { argumentError, describeFailure, EXIT_FINDINGS, printProblems, progress, usageError } from './output';
import { runDiff, runList, runPull, runPush } from './syncCommands';
import { validateFiles, validateFilesOnline } from './validateCommand';

const USAGE = `Usage:
  authentik-stages validate <files or globs…> [--format text|json] [--schema <openapi.yml>] [--online]
  authentik-stages pull <pk…> | --model <model> | --all  [--out <dir>] [--format yaml|json] [--references pk|find] [--portable]
  authentik-stages push <files or globs…> [--force] [--dry-run] [--adopt] [--portable]
  authentik-stages diff <files or globs…>
  authentik-stages list [--model <model>] [--search <text>]

validate checks stage files (*.stage.yaml, *.stage.yml, *.stage.json) and authentik blueprints (any
YAML file whose top level has version and entries) the way the language server does, offline; a
folder is searched for both, its other YAML files left alone. With --online also against the
server's objects (references naming nothing or the wrong kind of object, !Find matching nothing or
several, a blueprint entry's object already there). push and diff take stage files only: authentik
applies blueprints itself. The other commands talk to authentik:
AUTHENTIK_URL (or --url) names the server, AUTHENTIK_TOKEN (or --token-stdin, reading it from
standard input) holds the API token; a token is never taken as a flag. Problems print as path:line:col: severity: message [field].

Options:
  --format text|json   validate: json prints one array of {file, line, column, endLine,
                       endColumn, severity, message, field}; pull: yaml (default) or json files
  --schema <file>      validate against another authentik version's OpenAPI document
  --online             validate: connect (as the other commands do) and check references too;
                       no connection is exit 2, never an offline run
  --references pk|find pull: write references as pks (default) or as !Find by the target's
                       natural key (slug for flows and sources, name for the others)
  --out <dir>          pull: the folder for stage files (default: .)
  --portable           pull: write portable files (no pk, references as !Find; each server's pk
                       kept in .authentik/portable/); push: push files without pk as portable
  --dry-run            push: print the plan (create, update with old → new, unchanged, conflict,
                       adopt, deleted on the server) and write nothing
  --adopt              push: a portable file's stage takes the server's stage of the same name
                       that this workspace never synced with it (merged without a base:
                       differences are conflicts unless --force)
  --force              push: overwrite fields changed on the server too (reported)
  --url <url>          the authentik server, instead of AUTHENTIK_URL
  --token-stdin        read the API token from standard input
  -h, --help           show this help

Exit status: 0 success; 1 validation, server, conflict or file errors (diff: files differ);
2 bad usage or no connection. AUTHENTIK_STAGES_DEBUG=1 shows the stack of an internal error.`;

const bundledSchemas = join(__dirname, '..', 'schemas');

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      schema: { type: 'string' },
      out: { type: 'string', default: '.' },
      model: { type: 'string' },
      search: { type: 'string' },
      all: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      adopt: { type: 'boolean', default: false },
      portable: { type: 'boolean', default: false },
      online: { type: 'boolean', default: false },
      references: { type: 'string' },
      url: { type: 'string' },
      'token-stdin': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [command, ...args] = positionals;
  const cwd = process.cwd();
  if (command === 'validate' && !values.online) return runValidate(args, values.format ?? 'text', values.schema, cwd);
  if (command === 'validate') {
    const format = checkValidateArgs(args, values.format ?? 'text');
    if (values.schema) throw usageError('--online validates against the server\'s own schema: leave out --schema');
    const files = resolveFiles(args, cwd, VALIDATE_FILES);
    const connection = await connect({ url: values.url, tokenFromStdin: values['token-stdin'], env: process.env, cwd, bundledSchemas });
    try {
      return report(files, format, await validateFilesOnline(files, cwd, connection), `authentik ${connection.catalog.version} at ${connection.url}`);
    } finally {
      connection.client.close();
    }
  }
  if (values.references !== undefined && command !== 'pull') throw usageError('--references is an option of pull');
  for (const flag of ['dry-run', 'adopt'] as const) if (values[flag] && command !== 'push') throw usageError(`--${flag} is an option of push`);
  if (values.portable && command !== 'push' && command !== 'pull') throw usageError('--portable is an option of pull and push');
  if (values.portable && command === 'pull' && values.references === 'pk') throw usageError('--portable writes references as !Find: leave out --references pk');
  const references = values.references ?? (values.portable && command === 'pull' ? 'find' : 'pk');
  if (references !== 'pk' && references !== 'find') throw usageError(`--references must be pk or find, not "${references}"`);
  if (!command || !['pull', 'push', 'diff', 'list'].includes(command)) throw usageError(command ? `unknown command "${command}"` : 'missing command');
  if ((command === 'push' || command === 'diff') && args.length === 0) throw usageError(`${command} needs at least one file or glob`);
  if (command === 'list' && args.length) throw usageError('list takes no files');
  const format = values.format ?? 'yaml';
  if (command === 'pull' && format !== 'yaml' && format !== 'json') throw usageError(`--format must be yaml or json for pull, not "${format}"`);
  if (command === 'pull' && references === 'find' && format === 'json') throw usageError('--references find writes YAML tags (!Find […]), which a JSON stage file cannot hold: pull with --format yaml');
  // Files first: a bad argument is reported before any request.
  const files = command === 'push' || command === 'diff' ? resolveFiles(args, cwd, stageFilesOnly(command)) : [];
  const readOnly = command === 'push' && values['dry-run'];
  const connection = await connect({ url: values.url, tokenFromStdin: values['token-stdin'], env: process.env, cwd, bundledSchemas, readOnly });
  try {
    switch (command) {
      case 'pull':
        return await runPull(connection, { pks: args, model: values.model, all: values.all, outDir: values.out, format: format as 'yaml' | 'json', references, portable: values.portable }, cwd, process.env);
      case 'push':
        return await runPush(connection, files, { force: values.force, dryRun: values['dry-run'], adopt: values.adopt, portable: values.portable }, cwd, process.env);
      case 'diff':
        return await runDiff(connection, files, cwd, process.env);
      default:
        return await runList(connection, values.model, values.search);
    }
  } finally {
    connection.client.close();
  }
}

function runValidate(args: string[], format: string, schema: string | undefined, cwd: string): number {
  const checked = checkValidateArgs(args, format);
  const catalog = schema ? schemaCatalog(schema, cwd) : SchemaCatalog.fromDirectory(bundledSchemas);
  const files = resolveFiles(args, cwd, VALIDATE_FILES);
  return report(files, checked, validateFiles(files, cwd, catalog), `authentik ${catalog.version}`);
}

function checkValidateArgs(args: string[], format: string): 'text' | 'json' {
  if (format !== 'text' && format !== 'json') throw usageError(`--format must be text or json, not "${format}"`);
  if (args.length === 0) throw usageError('validate needs at least one file or glob');
  return format;
}

/** `validate`'s output and exit status, offline or online. */
function report(files: string[], format: 'text' | 'json', diagnostics: FileProblem[], against: string): number {
  if (format === 'json') process.stdout.write(`${JSON.stringify(diagnostics, null, 2)}\n`);
  else printProblems(process.stdout, diagnostics);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (format === 'text') {
    progress(`${files.length} file${files.length === 1 ? '' : 's'} checked against ${against}: ${errors} error${errors === 1 ? '' : 's'}, ${diagnostics.length - errors} other finding${diagnostics.length - errors === 1 ? '' : 's'}`);
  }
  return errors > 0 ? EXIT_FINDINGS : 0;
}

/** The catalog of another version's OpenAPI document: a regular file that parses as OpenAPI, else an argument error. */
function schemaCatalog(schema: string, cwd: string): SchemaCatalog {
  requireRegularFile(schema, cwd, 'schema file');
  try {
    return catalogFromOpenApi(readFileSync(resolve(cwd, schema), 'utf8'), schema);
  } catch (error) {
    // The first line says what is wrong; a YAML error's excerpt of the file follows it.
    const [reason] = (error as Error).message.split('\n');
    throw argumentError(`cannot load the schema ${schema}: ${reason!.replace(/[:.\s]+$/, '')}. Pass --schema an authentik OpenAPI document (schema.yml), or leave it out for the bundled one`);
  }
}

function reportFailure(error: unknown): void {
  const failure = describeFailure(error, USAGE, process.env);
  process.stderr.write(`${failure.text}\n`);
  process.exitCode = failure.status;
}

// A reader that stops early (`| head`) closes the pipe: nothing is left to say, so stop quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') reportFailure(error);
  process.exit();
});
process.on('uncaughtException', reportFailure);

main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
}, reportFailure);
