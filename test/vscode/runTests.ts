/**
 * The outer runner of npm run test:vscode: runs the extension's tests inside a real VS Code with
 * @vscode/test-electron's runTests, whose "VS Code executable" is our launcher (it drives
 * code-server and headless Chromium), then takes the screenshots of the packaged extension
 * (unless --no-screenshots). Prints every test, the activation time measured in the extension host,
 * and a closing `N passed, N failed` line; exits 1 on any failure.
 */
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { checkTools, repoRoot, seconds, wireSignals } from './lib/codeServer';
import { printTest, summaryLine, type ReportedTest } from './lib/report';
import { screenshotDir, takeScreenshots } from './lib/screenshots';
import type { ResultsFile } from './suite/index';

const launcher = join(__dirname, 'launcher.js');
const testsEntry = join(__dirname, 'suite', 'index.js');

async function extensionHostTests(): Promise<{ tests: ReportedTest[]; metrics: ResultsFile['metrics'] }> {
  const temp = mkdtempSync(join(tmpdir(), 'authentik-stages-vscode-'));
  try {
    // The workspace: a folder holding a copy of examples/ (the launcher copies it once more per window).
    const workspace = join(temp, 'workspace');
    cpSync(join(repoRoot, 'examples'), join(workspace, 'examples'), { recursive: true });
    const resultsFile = join(temp, 'results.json');
    chmodSync(launcher, 0o755);
    if (existsSync(screenshotDir)) for (const old of readdirSync(screenshotDir).filter((f) => f.startsWith('launcher-'))) rmSync(join(screenshotDir, old), { force: true });

    let exitCode: number;
    try {
      exitCode = await runTests({
        vscodeExecutablePath: launcher,
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: testsEntry,
        launchArgs: [workspace],
        extensionTestsEnv: {
          VSCODE_TEST_RESULTS: resultsFile,
          VSCODE_LAUNCHER_ARTIFACTS_DIR: screenshotDir,
          ...(process.env.VSCODE_TEST_GREP ? { VSCODE_TEST_GREP: process.env.VSCODE_TEST_GREP } : {}),
        },
      });
    } catch (error) {
      exitCode = (error as { code?: number }).code ?? 1;
    }

    const results: ResultsFile | undefined = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as ResultsFile) : undefined;
    const tests: ReportedTest[] = results?.results ?? [];
    if (!results?.done) {
      tests.push({ title: 'the extension-host test run completed', state: 'failed', durationMs: 0, error: results ? 'the run stopped before its end (see the output above)' : 'no results were written (see the output above)' });
    } else if (exitCode !== 0 && !tests.some((t) => t.state === 'failed')) {
      tests.push({ title: 'the extension-host test run exited cleanly', state: 'failed', durationMs: 0, error: `exit code ${exitCode}` });
    }
    return { tests, metrics: results?.metrics ?? {} };
  } finally {
    rmSync(temp, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  wireSignals();
  checkTools();
  const withScreenshots = !process.argv.includes('--no-screenshots');

  console.log('\n▶ Extension tests inside VS Code (code-server, headless Chromium)');
  const host = await extensionHostTests();
  const hostTime = Date.now() - started;

  let shots: ReportedTest[] = [];
  if (withScreenshots) {
    console.log('\n▶ Screenshots of the packaged extension (dist/authentik-stages.vsix)');
    shots = await takeScreenshots();
  }

  console.log('\nExtension tests in VS Code:');
  for (const test of host.tests) printTest(test);
  if (withScreenshots) {
    console.log('Screenshots (dist/screenshots/):');
    for (const shot of shots) printTest(shot);
  }
  const { activationMs, codeLoadMs, exportedActivationMs } = host.metrics;
  if (activationMs !== undefined || exportedActivationMs !== undefined) {
    const parts = [
      activationMs !== undefined ? `activate() call → resolved ${activationMs} ms (extension host performance marks)` : undefined,
      codeLoadMs !== undefined ? `loading dist/client.js ${codeLoadMs} ms` : undefined,
      exportedActivationMs !== undefined ? `the extension's own exported activationMs ${exportedActivationMs} ms` : undefined,
    ];
    console.log(`\nActivation: ${parts.filter(Boolean).join('; ')}`);
  }
  const others = Object.entries(host.metrics).filter(([name]) => !['activationMs', 'codeLoadMs', 'exportedActivationMs'].includes(name));
  if (others.length) console.log(`Measured: ${others.map(([name, value]) => `${name} ${value}`).join('; ')}`);
  const total = Number(process.env.E2E_STARTED_AT) ? `; ${seconds(Date.now() - Number(process.env.E2E_STARTED_AT))} in all, setup and build included` : '';
  console.log(`Time: ${seconds(hostTime)} for the extension tests${withScreenshots ? `, ${seconds(Date.now() - started - hostTime)} for the screenshots` : ''}${total}`);
  const all = [...host.tests, ...shots];
  console.log(summaryLine(all));
  return all.some((t) => t.state === 'failed') || all.length === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
