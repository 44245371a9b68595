/**
 * npm run screenshots: the packaged extension in code-server, driven like a person would, with
 * screenshots in dist/screenshots/ (see lib/screenshots.ts). Exits 1 when a step fails.
 */
import { seconds, wireSignals } from './lib/codeServer';
import { printTest, summaryLine } from './lib/report';
import { takeScreenshots } from './lib/screenshots';

async function main(): Promise<number> {
  wireSignals();
  const started = Date.now();
  console.log('▶ Screenshots of the packaged extension in code-server');
  const checks = await takeScreenshots();
  for (const check of checks) printTest(check);
  const total = Number(process.env.E2E_STARTED_AT) ? `; ${seconds(Date.now() - Number(process.env.E2E_STARTED_AT))} in all, setup and build included` : '';
  console.log(`\nTime: ${seconds(Date.now() - started)} for the screenshots${total}`);
  console.log(summaryLine(checks));
  return checks.some((c) => c.state !== 'passed') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
