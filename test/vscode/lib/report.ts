/** Printing results the same way for the extension-host tests and the screenshot checks. */
export interface ReportedTest {
  title: string;
  state: 'passed' | 'failed' | 'pending' | 'skipped';
  durationMs: number;
  error?: string;
  file?: string;
}

export function printTest(test: ReportedTest, prefix = ''): void {
  const mark = test.state === 'passed' ? '✔' : test.state === 'failed' ? '✖' : '-';
  const extra = test.file ? ` → ${test.file}` : '';
  console.log(`  ${mark} ${prefix}${test.title} (${test.durationMs} ms)${test.state === 'pending' || test.state === 'skipped' ? ` [${test.state}]` : ''}${extra}`);
  if (test.state === 'failed' && test.error) console.log(test.error.replace(/^/gm, '      '));
}

/** The closing line: "N passed, N failed" alone on a line (", N skipped" when some were). */
export function summaryLine(tests: ReportedTest[]): string {
  const passed = tests.filter((t) => t.state === 'passed').length;
  const failed = tests.filter((t) => t.state === 'failed').length;
  const skipped = tests.length - passed - failed;
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}
