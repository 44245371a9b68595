/**
 * The tests entry VS Code loads in the extension host (extensionTestsPath): runs Mocha over the
 * bundled `*.test.js` beside this file and writes each test's result, and the metrics tests record,
 * to the JSON file named by VSCODE_TEST_RESULTS (it comes through the workbench payload's
 * extensionEnvironment). Resolves when every test passed, rejects otherwise.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { metrics } from './metrics';

export interface TestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

export interface ResultsFile {
  done: boolean;
  results: TestResult[];
  metrics: Record<string, number | string>;
}

export function run(): Promise<void> {
  const resultsFile = process.env.VSCODE_TEST_RESULTS;
  const results: TestResult[] = [];
  const save = (done: boolean): void => {
    if (!resultsFile) return;
    const file: ResultsFile = { done, results, metrics };
    writeFileSync(resultsFile, JSON.stringify(file, null, 2));
  };
  save(false);

  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: Number(process.env.VSCODE_TEST_MOCHA_TIMEOUT) || 30_000, reporter: 'spec' });
  const grep = process.env.VSCODE_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const name of readdirSync(__dirname).filter((n) => n.endsWith('.test.js')).sort()) mocha.addFile(join(__dirname, name));

  return new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      save(true);
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
    runner.on('pass', (test) => {
      results.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration ?? 0 });
      save(false);
    });
    runner.on('fail', (test, error: Error) => {
      results.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration ?? 0, error: error.stack ?? error.message });
      save(false);
    });
    runner.on('pending', (test) => {
      results.push({ title: test.fullTitle(), state: 'pending', durationMs: 0 });
      save(false);
    });
  });
}
