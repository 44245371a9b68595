/**
 * `npm run sandbox -- [options]`: a local authentik-compatible API for trying the extension and
 * for tests. Prints its URL and token, logs one line per request to stderr, serves until stopped.
 */
import { startSandbox, type SandboxOptions } from './server';

const USAGE = `Usage: npm run sandbox -- [options]

  --port <n>           port on 127.0.0.1 (default 9000; 0 picks a free one)
  --host <addr>        address to listen on (default 127.0.0.1)
  --token <t>          the API token clients must send as "Authorization: Bearer <t>" (default sandbox-token)
  --seed <file>        seed data (JSON, format in tools/sandbox/seed.ts; default: demo data)
  --state <file>       keep the state in this JSON file (loaded when it exists, written after every change)
  --schema <file>      the OpenAPI document to serve (default: @goauthentik/api's schema.yml)
  --latency <ms>       add this delay to every request
  --page-size <n>      default page size (default 20)
  --max-page-size <n>  maximum page size (default 100, as authentik's system settings)
  --email-template <name>  a custom email template the server knows (repeatable)
  --no-enterprise      behave as a server without an enterprise licence
  --quiet              do not log requests
  -h, --help           this text`;

function fail(message: string): never {
  process.stderr.write(`sandbox: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

export function parseArgs(argv: readonly string[]): { options: SandboxOptions; quiet: boolean } {
  const options: SandboxOptions = { port: 9000 };
  let quiet = false;
  const templates: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) fail(`${flag} needs a value`);
      return v;
    };
    const number = (): number => {
      const text = value();
      const n = Number(text);
      if (!Number.isInteger(n) || n < 0) fail(`${flag} needs a non-negative integer, got ${JSON.stringify(text)}`);
      return n;
    };
    switch (flag) {
      case '--port':
        options.port = number();
        break;
      case '--host':
        options.host = value();
        break;
      case '--token':
        options.token = value();
        if (options.token === '') fail('--token may not be empty');
        break;
      case '--seed':
        options.seed = value();
        break;
      case '--state':
        options.statePath = value();
        break;
      case '--schema':
        options.schemaPath = value();
        break;
      case '--latency':
        options.latencyMs = number();
        break;
      case '--page-size':
        options.defaultPageSize = number();
        break;
      case '--max-page-size':
        options.maxPageSize = number();
        break;
      case '--email-template':
        templates.push(value());
        break;
      case '--no-enterprise':
        options.enterpriseLicensed = false;
        break;
      case '--quiet':
        quiet = true;
        break;
      case '-h':
      case '--help':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        fail(`unknown option ${arg}`);
    }
  }
  if (templates.length > 0) options.customEmailTemplates = templates;
  return { options, quiet };
}

async function main(): Promise<void> {
  const { options, quiet } = parseArgs(process.argv.slice(2));
  if (!quiet) options.log = (line) => process.stderr.write(`${line}\n`);
  let sandbox;
  try {
    sandbox = await startSandbox(options);
  } catch (error) {
    process.stderr.write(`sandbox: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const types = sandbox.catalog.types.filter((t) => t.isStage).length;
  process.stdout.write(
    [
      `authentik sandbox listening on ${sandbox.url}`,
      `  API:    ${sandbox.url}/api/v3/`,
      `  Token:  ${sandbox.token}`,
      `  Schema: ${sandbox.catalog.api.path} (authentik ${sandbox.catalog.api.version}, ${types} stage types)`,
      `  State:  ${sandbox.store.stageCount()} stages${options.statePath ? `, saved to ${options.statePath}` : ' (in memory)'}`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`sandbox: ${signal}, closing\n`);
    void sandbox.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) void main();
