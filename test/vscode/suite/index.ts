/**
 * The tests entry VS Code loads in the extension host (extensionTestsPath): runs Mocha over the
 * bundled `*.test.js` beside this file and writes each test's result, and the metrics tests record,
 * to the JSON file named by VSCODE_TEST_RESULTS (it comes through the workbench payload's
 * extensionEnvironment). Resolves when every test passed, rejects otherwise.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
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

/** Lines the launcher shows from the page console, where the extension host's console.log ends up. */
export const LOG_MARK = '[vscode-test]';

/** Mocha's spec output, each line marked so the launcher can pick it out of the workbench's own logging. */
class MarkedSpecReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    let depth = 0;
    const say = (text: string): void => console.log(`${LOG_MARK} ${'  '.repeat(depth)}${text}`);
    runner.on('suite', (suite) => {
      if (suite.root) return;
      say(suite.title);
      depth++;
    });
    runner.on('suite end', (suite) => {
      if (!suite.root) depth--;
    });
    runner.on('pass', (test) => say(`✔ ${test.title} (${test.duration ?? 0} ms)`));
    runner.on('pending', (test) => say(`- ${test.title} [pending]`));
    runner.on('fail', (test, error: Error) => say(`✖ ${test.title}: ${error.message}`));
    runner.once('end', () => console.log(`${LOG_MARK} ${this.stats.passes} passing, ${this.stats.failures} failing (${this.stats.duration ?? 0} ms)`));
  }
}

/**
 * The bundles of test/vscode/suite/*.test.ts: named after the sources when they are at hand (a
 * bundle left behind by a deleted test is not run), else every *.test.js beside this file.
 */
function testFiles(): string[] {
  const sources = join(__dirname, '..', '..', '..', 'test', 'vscode', 'suite');
  const names = existsSync(sources)
    ? readdirSync(sources).filter((n) => n.endsWith('.test.ts')).map((n) => n.replace(/\.ts$/, '.js'))
    : readdirSync(__dirname).filter((n) => n.endsWith('.test.js'));
  const files = names.sort().map((n) => join(__dirname, n));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) throw new Error(`not built: ${missing.join(', ')} (npm run build)`);
  return files;
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

  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: Number(process.env.VSCODE_TEST_MOCHA_TIMEOUT) || 30_000, reporter: MarkedSpecReporter });
  const grep = process.env.VSCODE_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const file of testFiles()) mocha.addFile(file);

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
