/**
 * The command line against the sandbox server, as a newcomer would use it with a real authentik:
 * list, pull, edit, diff, push, a conflict caught before it overwrites anything; references
 * pulled as `!Find`, checked against the server's objects and resolved by a push; and one folder
 * promoted from a "dev" sandbox to a "prod" one: a portable pull, the plan, the push.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../tools/sandbox/server';

const cli = join(__dirname, '..', 'cli.js');

function run(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<number> {
  process.stdout.write(`\n  $ authentik-stages ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, env: { ...process.env, ...env } });
    const indent = (chunk: Buffer): string => chunk.toString().replace(/^(?=.)/gm, '    ');
    child.stdout.on('data', (chunk: Buffer) => process.stdout.write(indent(chunk)));
    child.stderr.on('data', (chunk: Buffer) => process.stdout.write(indent(chunk)));
    child.on('error', reject);
    child.on('close', (status) => {
      process.stdout.write(`    (exit ${status})\n`);
      resolve(status ?? 1);
    });
  });
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'authentik-stages-demo-'));
  const env = { AUTHENTIK_URL: sandbox.url, AUTHENTIK_TOKEN: sandbox.token };
  console.log(`  sandbox authentik at ${sandbox.url} (token ${sandbox.token}), workspace ${dir}`);
  try {
    await run(dir, env, 'list');
    await run(dir, env, 'pull', '--model', 'authentik_stages_email.emailstage', '--out', 'stages');
    const file = join(dir, 'stages', 'default-recovery-email.stage.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace(/^subject: .*$/m, 'subject: Reset your password (edited in the file)'));
    await run(dir, env, 'diff', 'stages/default-recovery-email.stage.yaml');
    await run(dir, env, 'push', 'stages/default-recovery-email.stage.yaml');
    // Someone changes the same field in the admin UI meanwhile…
    const pk = /^pk: (\S+)$/m.exec(text)![1]!;
    sandbox.store.updateStage(pk, { subject: 'Changed in the admin UI' });
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^subject: .*$/m, 'subject: Edited again in the file'));
    await run(dir, env, 'push', 'stages/default-recovery-email.stage.yaml');

    // References: an identification stage pulled with its references as `!Find` by name…
    await run(dir, env, 'pull', '--model', 'authentik_stages_identification.identificationstage', '--out', 'refs', '--references', 'find');
    const login = join(dir, 'refs', 'default-authentication-identification.stage.yaml');
    process.stdout.write(`\n  ${login}:\n${readFileSync(login, 'utf8').replace(/^/gm, '    ')}`);
    // …a name that no password stage has, caught against the server's objects before any push…
    const original = readFileSync(login, 'utf8');
    writeFileSync(login, original.replace(/\[name, default-authentication-password\]/, '[name, default-authentication-pasword]'));
    await run(dir, env, 'validate', '--online', 'refs/default-authentication-identification.stage.yaml');
    await run(dir, env, 'push', 'refs/default-authentication-identification.stage.yaml');
    // …and fixed: the push resolves every !Find on the server, the file keeps its tags.
    writeFileSync(login, original);
    await run(dir, env, 'push', 'refs/default-authentication-identification.stage.yaml');

    // One folder, two servers: the sandbox above as dev, an empty one as prod.
    const prod = await startSandbox({ port: 0, token: 'prod-token', seed: { demo: false } });
    try {
      const prodEnv = { AUTHENTIK_URL: prod.url, AUTHENTIK_TOKEN: prod.token };
      console.log(`\n  a second sandbox as "prod" at ${prod.url}, empty`);
      await run(dir, env, 'pull', '--model', 'authentik_stages_deny.denystage', '--out', 'portable', '--portable');
      await run(dir, prodEnv, 'push', '--dry-run', 'portable/*.stage.yaml');
      await run(dir, prodEnv, 'push', 'portable/*.stage.yaml');
      await run(dir, prodEnv, 'push', '--dry-run', 'portable/*.stage.yaml');
    } finally {
      await prod.close();
    }
  } finally {
    await sandbox.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
