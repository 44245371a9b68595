/**
 * What a person sees: the packaged extension (dist/authentik-stages.vsix, installed offline into a
 * fresh extensions folder) in code-server WITHOUT the smoke-test driver (which hides notifications),
 * on a copy of examples/, driven with the mouse and keyboard in headless Chromium at 1280x800.
 * Each step is a check (it waits for what it claims with a bounded wait) and the screenshots are
 * written to dist/screenshots/. A failed step leaves failure-<step>.png beside them.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startSandbox, type Sandbox } from '../../../tools/sandbox/server';
import { checkTools, cleanup, examplesWorkspace, installVsix, launchBrowser, makeRunDirs, onCleanup, repoRoot, seconds, startServer, waitForWorkbench, within, workbenchUrl } from './codeServer';

export interface Check {
  title: string;
  state: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  error?: string;
  file?: string;
}

export const screenshotDir = join(repoRoot, 'dist', 'screenshots');
export const vsixPath = join(repoRoot, 'dist', 'authentik-stages.vsix');
const EXTENSION = 'authentik-stages.authentik-stages';
// Any status bar item of the extension (ids are `<publisher>.<name>.<item id>`): it is active.
const STATUS_ITEM = `.statusbar-item[id^="${EXTENSION}."]`;
// The extension's server item (`createStatusBarItem('authentikStages.server', …)`).
const SERVER_ITEM = `.statusbar-item[id="${EXTENSION}.authentikStages.server"]`;
const STEP_TIMEOUT = 20_000;
/** The seeded stage the sandbox steps open, and the field changed on both sides for the conflict. */
const SANDBOX_STAGE = 'default-authentication-password';
const SANDBOX_STAGE_TYPE = 'Password Stage';
const CONFLICT_FIELD = 'failed_attempts_before_cancel';
/** The seeded stage whose references the references step shows, and the stage it points at. */
const REFERENCES_STAGE = 'default-authentication-identification';
const REFERENCED_STAGE = 'default-authentication-password';
/** The example blueprint with mistakes (examples/<file>): a line with an error, and the !KeyOf whose id is completed again. */
const BLUEPRINT_FILE = 'blueprints/enrollment-draft.yaml';
const BLUEPRINT_ERROR_LINE = 'title: !Format';
const BLUEPRINT_KEYOF_ID = 'username';
const BLUEPRINT_KEYOF_LINE = `        - !KeyOf ${BLUEPRINT_KEYOF_ID}`;

interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
  width: number;
  height: number;
}
interface PageDocument {
  querySelectorAll(selector: string): ArrayLike<{ textContent: string | null; getBoundingClientRect(): Rect }>;
}

/**
 * The on-screen box of the first editor line whose text includes `text`, measured in the page in
 * one go (Monaco re-renders line elements, so a handle may be gone a moment later), polled on every
 * animation frame until the line is there, bounded.
 */
async function lineBox(page: Page, text: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const found = await page.waitForFunction(
    (wanted: string) => {
      const document = (globalThis as unknown as { document: PageDocument }).document;
      const line = Array.from(document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line')).find((l) =>
        (l.textContent ?? '').replace(/\u00a0/g, ' ').includes(wanted),
      );
      const box = line?.getBoundingClientRect();
      return box && box.width > 0 ? { x: box.left, y: box.top, width: box.width, height: box.height } : false;
    },
    text,
    { timeout: STEP_TIMEOUT },
  );
  return (await found.jsonValue()) as { x: number; y: number; width: number; height: number };
}

/**
 * The centre of the error squiggle on the editor line that includes `text`, once there is one (the
 * language server has validated): polled in the page on every animation frame, bounded.
 */
async function squiggleOn(page: Page, text: string): Promise<{ x: number; y: number }> {
  const found = await page.waitForFunction(
    (wanted: string) => {
      const document = (globalThis as unknown as { document: PageDocument }).document;
      const lines = Array.from(document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line'));
      const line = lines.find((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ').includes(wanted));
      if (!line) return false;
      const box = line.getBoundingClientRect();
      const squiggle = Array.from(document.querySelectorAll('.editor-instance .monaco-editor .squiggly-error'))
        .map((n) => n.getBoundingClientRect())
        .find((r) => r.width > 0 && r.top < box.bottom && r.bottom > box.top);
      return squiggle ? { x: squiggle.left + Math.min(squiggle.width / 2, 40), y: squiggle.top + squiggle.height / 2 } : false;
    },
    text,
    { timeout: STEP_TIMEOUT },
  );
  return (await found.jsonValue()) as { x: number; y: number };
}

/** The 1-based line of the first line of examples/<file> that starts with `text`. */
function lineNumberOf(file: string, text: string): number {
  const index = readFileSync(join(repoRoot, 'examples', file), 'utf8').split('\n').findIndex((l) => l.startsWith(text));
  if (index < 0) throw new Error(`examples/${file} has no line starting with "${text}"`);
  return index + 1;
}

/** Quick Open's ":<line>" puts the cursor at the start of that line. */
/** The on-screen centre of the first editor token whose text includes `text`. */
async function tokenBox(page: Page, text: string): Promise<{ x: number; y: number }> {
  const found = await page.waitForFunction(
    (wanted: string) => {
      const document = (globalThis as unknown as { document: PageDocument }).document;
      const span = Array.from(document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line span span')).find((s) => (s.textContent ?? '').includes(wanted));
      const box = span?.getBoundingClientRect();
      return box && box.width > 0 ? { x: box.left + box.width / 2, y: box.top + box.height / 2 } : false;
    },
    text,
    { timeout: STEP_TIMEOUT },
  );
  return (await found.jsonValue()) as { x: number; y: number };
}

async function goToLine(page: Page, line: number): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await input.fill(`:${line}`);
  await page.locator('.quick-input-widget .monaco-list-row, .quick-input-widget .quick-input-message', { hasText: String(line) }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.keyboard.press('Enter');
  await page.locator('[id="status.editor.selection"]', { hasText: `Ln ${line},` }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
}

/**
 * Moves the mouse onto the error squiggle of the line with `lineText` until the hover that shows
 * says `expect`: lines move while code lenses appear, so a hover of a neighbouring line means
 * aim again. Bounded by STEP_TIMEOUT.
 */
async function hoverSquiggle(page: Page, lineText: string, expect: string): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT;
  let seen = 'no hover';
  while (Date.now() < deadline) {
    const at = await squiggleOn(page, lineText);
    await page.mouse.move(at.x - 20, at.y);
    await page.mouse.move(at.x, at.y, { steps: 4 });
    const other = page.locator('.monaco-hover:not(.hidden)').first();
    const wanted = page.locator('.monaco-hover:not(.hidden)', { hasText: expect }).first();
    // Any hover first (it shows in well under a second), then whether it is the one wanted.
    const shown = await other.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false);
    if (shown && (await wanted.waitFor({ state: 'visible', timeout: 1_000 }).then(() => true, () => false))) return;
    seen = (await other.isVisible()) ? (await other.innerText()).slice(0, 200) : 'no hover';
    console.error(`[screenshots] the hover at (${Math.round(at.x)}, ${Math.round(at.y)}) shows ${seen === 'no hover' ? 'nothing' : `"${seen.split('\n')[0]}"`}: the lines moved, aiming again`);
    await page.mouse.move(5, 400);
    await other.waitFor({ state: 'hidden', timeout: 3_000 }).catch(() => undefined);
  }
  throw new Error(`no hover saying "${expect}" on the squiggle of "${lineText}" within ${seconds(STEP_TIMEOUT)}; last seen: ${seen}`);
}

/** Ctrl+P, the file's path, Enter once a row showing `row` is listed. */
async function quickOpen(page: Page, path: string, row: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input[type="text"], .quick-input-widget .quick-input-box input').first();
  await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await input.fill(path);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: row }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.keyboard.press('Enter');
}

/** F1, the command's title, Enter (once the palette lists it). */
async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.keyboard.press('Enter');
}

/** Hides the panel (Problems, …) when it shows: the command is only in the palette while it does. */
async function hidePanel(page: Page): Promise<void> {
  const panel = page.locator('.part.panel').first();
  if (!(await panel.isVisible())) return;
  await runCommand(page, 'View: Hide Panel');
  await panel.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
}

/** Types `value` into the input box titled `title` (waited for) and presses Enter. */
async function answerInputBox(page: Page, title: string, value: string): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  const input = page.locator('.quick-input-widget input').first();
  await input.fill(value);
  await page.keyboard.press('Enter');
}

/** A row of the side bar's tree whose label is exactly `label`. */
function treeRow(page: Page, label: string) {
  return page.locator('.part.sidebar .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
}

async function shoot(page: Page, name: string): Promise<string> {
  const file = join(screenshotDir, name);
  await page.screenshot({ path: file });
  return file;
}

export async function takeScreenshots(options: { vsix?: string } = {}): Promise<Check[]> {
  const vsix = options.vsix ?? vsixPath;
  const checks: Check[] = [];
  let page: Page | undefined;
  let sandbox: Sandbox | undefined;
  let workspace: string | undefined;
  let failed = false;
  const step = async (title: string, body: () => Promise<string | void>): Promise<void> => {
    if (failed) {
      checks.push({ title, state: 'skipped', durationMs: 0, error: 'an earlier step failed' });
      return;
    }
    const started = Date.now();
    try {
      const file = await within(title, body(), 60_000);
      checks.push({ title, state: 'passed', durationMs: Date.now() - started, ...(file ? { file } : {}) });
    } catch (error) {
      failed = true;
      checks.push({ title, state: 'failed', durationMs: Date.now() - started, error: (error as Error).message });
      if (page) {
        const name = `failure-${title.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`;
        await within('failure screenshot', shoot(page, name), 10_000).catch(() => undefined);
      }
    }
  };

  try {
    mkdirSync(screenshotDir, { recursive: true });
    // Ours from an earlier run (the launcher's launcher-* files are the test run's, cleared by it).
    for (const old of readdirSync(screenshotDir).filter((f) => f.endsWith('.png') && !f.startsWith('launcher-'))) rmSync(join(screenshotDir, old), { force: true });

    let navigated = 0;
    await step('code-server with the packaged extension shows the examples workspace', async () => {
      checkTools();
      if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\``);
      // The sandbox authentik (demo data) the later steps connect to, in this process.
      sandbox = await startSandbox({ port: 0 });
      const sb = sandbox;
      onCleanup('closing the sandbox', () => sb.close());
      console.error(`[screenshots] sandbox authentik at ${sb.url}`);
      const dirs = makeRunDirs('vscode-shots');
      workspace = examplesWorkspace(dirs);
      installVsix(dirs, vsix);
      const installed = readdirSync(dirs.extensions).find((d) => d.startsWith(`${EXTENSION}-`));
      if (!installed) throw new Error(`the .vsix did not install into ${dirs.extensions}`);
      const server = await startServer(dirs, { smokeTestDriver: false });
      const browser = await launchBrowser();
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      page = await context.newPage();
      navigated = Date.now();
      await page.goto(workbenchUrl(server, workspace), { waitUntil: 'domcontentloaded', timeout: 30_000 });
      await waitForWorkbench(page);
    });

    await step('the extension activates: its status bar item shows', async () => {
      const item = page!.locator(STATUS_ITEM).first();
      await item.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      const text = (await item.innerText()).trim().replace(/\s+/g, ' ');
      console.error(`[screenshots] status bar item "${text}" ${seconds(Date.now() - navigated)} after navigation`);
    });

    await step('Quick Open opens examples/broken.stage.yaml as an authentik stage', async () => {
      const p = page!;
      await quickOpen(p, 'broken.stage.yaml', 'broken.stage.yaml');
      await lineBox(p, 'token_expiry');
      const mode = p.locator('[id="status.editor.mode"]');
      await mode.filter({ hasText: 'authentik Stage (YAML)' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    });

    await step('hovering the token_expiry squiggle shows the error (diagnostics-hover.png)', async () => {
      const p = page!;
      await hoverSquiggle(p, 'token_expiry:', 'token_expiry');
      return shoot(p, 'diagnostics-hover.png');
    });

    await step('Ctrl+Space on an empty line lists the missing keys (completion.png)', async () => {
      const p = page!;
      await p.keyboard.press('Escape');
      await p.mouse.move(5, 400); // off the editor: the hover goes
      await p.locator('.monaco-hover:not(.hidden)').first().waitFor({ state: 'hidden', timeout: STEP_TIMEOUT }).catch(() => undefined);
      // The keyboard, not a click: code lenses appearing move the lines under the mouse.
      const line = lineNumberOf('broken.stage.yaml', 'name: broken-email');
      await goToLine(p, line);
      await p.keyboard.press('End');
      await p.keyboard.press('Enter');
      await p.locator('[id="status.editor.selection"]', { hasText: `Ln ${line + 1}, Col 1` }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await p.keyboard.press('Control+Space');
      const widget = p.locator('.editor-widget.suggest-widget.visible');
      await widget.locator('.monaco-list-row', { hasText: 'host' }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      return shoot(p, 'completion.png');
    });

    await step('the Problems panel lists the findings of broken.stage.yaml (problems.png)', async () => {
      const p = page!;
      await p.keyboard.press('Escape');
      await p.keyboard.press('Control+Shift+M');
      await p.locator('.markers-panel .monaco-list-row', { hasText: 'token_expiry' }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      return shoot(p, 'problems.png');
    });

    await step('a blueprint under its own name (examples/blueprints/enrollment-draft.yaml, YAML mode) shows its errors and completes !KeyOf ids (blueprint.png)', async () => {
      const p = page!;
      await p.keyboard.press('Escape');
      // The Problems panel of the earlier step takes half the height.
      await hidePanel(p);
      await quickOpen(p, BLUEPRINT_FILE, 'enrollment-draft.yaml');
      await p.locator('[id="status.editor.mode"]').filter({ hasText: /^\s*YAML\s*$/ }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      // The language server's error (two placeholders, one argument), in view beside the list below.
      await squiggleOn(p, BLUEPRINT_ERROR_LINE);
      // A !KeyOf's id taken away by the keyboard, then Ctrl+Space: the ids on offer.
      const line = lineNumberOf(BLUEPRINT_FILE, BLUEPRINT_KEYOF_LINE);
      await goToLine(p, line);
      await p.keyboard.press('End');
      for (let i = 0; i < BLUEPRINT_KEYOF_ID.length; i++) await p.keyboard.press('Backspace');
      await p.keyboard.press('Control+Space');
      const widget = p.locator('.editor-widget.suggest-widget.visible');
      await widget.locator('.monaco-list-row', { hasText: BLUEPRINT_KEYOF_ID }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await squiggleOn(p, BLUEPRINT_ERROR_LINE);
      const file = await shoot(p, 'blueprint.png');
      // The window as the next steps expect it: the edit undone, the blueprint closed.
      await p.keyboard.press('Escape');
      await runCommand(p, 'File: Revert File');
      await p.locator('.tabs-container .tab.active.dirty').first().waitFor({ state: 'detached', timeout: STEP_TIMEOUT });
      await runCommand(p, 'View: Close Editor');
      await p.locator('.tabs-container .tab', { hasText: 'enrollment-draft.yaml' }).first().waitFor({ state: 'detached', timeout: STEP_TIMEOUT });
      return file;
    });

    await step('"authentik: Add Server…" connects to the sandbox: the status bar shows the server and version', async () => {
      const p = page!;
      const sb = sandbox!;
      await p.keyboard.press('Escape');
      await runCommand(p, 'authentik: Add Server');
      await answerInputBox(p, 'Add authentik server (1/3)', sb.url);
      await answerInputBox(p, 'Add authentik server (2/3)', 'sandbox');
      await answerInputBox(p, 'Add authentik server (3/3)', sb.token);
      const item = p.locator(SERVER_ITEM);
      await item.filter({ hasText: /sandbox · \d{4}\.\d+/ }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      const text = (await item.innerText()).trim().replace(/\s+/g, ' ');
      if (!/^sandbox · \d{4}\.\d+/.test(text)) throw new Error(`the status bar item says "${text}", not "sandbox · <version>"`);
      console.error(`[screenshots] status bar: "${text}"`);
    });

    await step(`the Stages view lists the sandbox's stages by name, e.g. ${SANDBOX_STAGE} (stages-tree.png)`, async () => {
      const p = page!;
      // The Problems panel of an earlier step takes half the height: closed, if it is still open.
      await hidePanel(p);
      await p.locator('.part.activitybar a.action-label[aria-label^="authentik"]').first().click();
      await treeRow(p, 'sandbox').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      const type = treeRow(p, SANDBOX_STAGE_TYPE);
      await type.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await type.click();
      await treeRow(p, SANDBOX_STAGE).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      // Expand another type too, so the picture shows more than one stage.
      const identification = treeRow(p, 'Identification Stage');
      if (await identification.isVisible()) {
        await identification.click();
        await treeRow(p, 'default-authentication-identification').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      }
      const names = await p.locator('.part.sidebar .monaco-list-row .label-name').allInnerTexts();
      if (!names.includes(SANDBOX_STAGE)) throw new Error(`the Stages view shows ${JSON.stringify(names)}, without ${SANDBOX_STAGE}`);
      // Wider, so that the stage names show whole: drag the side bar's edge.
      const bar = await p.locator('.part.sidebar').first().boundingBox();
      if (bar) {
        const edge = bar.x + bar.width + 1;
        await p.mouse.move(edge, bar.y + bar.height / 2);
        await p.mouse.down();
        await p.mouse.move(edge + 130, bar.y + bar.height / 2, { steps: 5 });
        await p.mouse.up();
      }
      await p.mouse.move(640, 790); // no hover on a row or on the edge
      await p.locator('.monaco-sash.hover, .monaco-sash.active').first().waitFor({ state: 'detached', timeout: 3_000 }).catch(() => undefined);
      return shoot(p, 'stages-tree.png');
    });

    await step('a stage changed on the server and in the editor: "Diff with Server" shows both sides (conflict-diff.png)', async () => {
      const p = page!;
      const sb = sandbox!;
      await treeRow(p, SANDBOX_STAGE).click();
      // Pulled into authentik/ and opened.
      await p.locator('.tabs-container .tab', { hasText: SANDBOX_STAGE }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await lineBox(p, `${CONFLICT_FIELD}:`);
      const stage = sb.store.findStageByName(SANDBOX_STAGE);
      if (!stage) throw new Error(`the sandbox has no stage ${SANDBOX_STAGE}`);
      sb.store.updateStage(String(stage.pk), { [CONFLICT_FIELD]: 3 });
      // The editor: the line of the field (as pulled to disk), its value replaced by the keyboard.
      const folder = join(workspace!, 'authentik');
      const pulled = readdirSync(folder).find((f) => f.startsWith(SANDBOX_STAGE));
      if (!pulled) throw new Error(`no pulled file for ${SANDBOX_STAGE} in ${folder}: ${readdirSync(folder).join(', ')}`);
      const line = readFileSync(join(folder, pulled), 'utf8').split('\n').findIndex((l) => l.startsWith(`${CONFLICT_FIELD}:`)) + 1;
      if (line < 1) throw new Error(`${pulled} has no line ${CONFLICT_FIELD}:`);
      await goToLine(p, line);
      await p.keyboard.press('End');
      await p.keyboard.press('Shift+Control+ArrowLeft');
      await p.keyboard.type('10');
      await lineBox(p, `${CONFLICT_FIELD}: 10`);
      await p.keyboard.press('Control+S');
      await p.locator('.tabs-container .tab.active.dirty').first().waitFor({ state: 'detached', timeout: STEP_TIMEOUT });
      await runCommand(p, 'authentik: Diff with Server');
      const diff = p.locator('.editor-instance .monaco-diff-editor').first();
      await diff.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await p.locator('.tabs-container .tab.active', { hasText: 'server ↔' }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      // Both values in view: the server's 3 on the left, the file's 10 on the right.
      for (const value of [`${CONFLICT_FIELD}: 3`, `${CONFLICT_FIELD}: 10`]) await lineBox(p, value);
      // The side bar off: the two sides get the width.
      await runCommand(p, 'View: Toggle Primary Side Bar Visibility');
      await p.locator('.part.sidebar').first().waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
      await p.mouse.move(640, 790);
      return shoot(p, 'conflict-diff.png');
    });

    await step('a pulled stage names each referenced object in an inlay hint, and the hover shows it (references.png)', async () => {
      const p = page!;
      const sb = sandbox!;
      await runCommand(p, 'View: Toggle Primary Side Bar Visibility');
      await p.locator('.part.sidebar').first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      const row = treeRow(p, REFERENCES_STAGE);
      if (!(await row.isVisible())) {
        await treeRow(p, 'Identification Stage').click();
        await row.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      }
      await row.click();
      await p.locator('.tabs-container .tab', { hasText: REFERENCES_STAGE }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      const password = sb.store.findStageByName(REFERENCED_STAGE);
      const identification = sb.store.findStageByName(REFERENCES_STAGE);
      if (!password || !identification) throw new Error(`the sandbox has no stage ${REFERENCED_STAGE} or ${REFERENCES_STAGE}`);
      await lineBox(p, `password_stage: ${String(password.pk)}`);
      // The hover over the last reference (the first source), so that it covers none of the hints above.
      const sources = identification['sources'];
      const pk = Array.isArray(sources) && sources.length ? String(sources[0]) : String(password.pk);
      // The editor gets the width (the hints follow the pks) and no toast covers it.
      await runCommand(p, 'Notifications: Clear All Notifications');
      await runCommand(p, 'View: Toggle Primary Side Bar Visibility');
      await p.locator('.part.sidebar').first().waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
      // The hint is the object's name after the pk; the hover over the pk shows the object.
      const deadline = Date.now() + STEP_TIMEOUT;
      for (;;) {
        const token = await tokenBox(p, pk);
        await p.mouse.move(token.x - 30, token.y);
        await p.mouse.move(token.x, token.y, { steps: 4 });
        const hover = p.locator('.monaco-hover:not(.hidden)', { hasText: 'Open in authentik' }).first();
        if (await hover.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false)) break;
        if (Date.now() > deadline) throw new Error(`no hover showing the object of ${pk} within ${seconds(STEP_TIMEOUT)}`);
        await p.mouse.move(5, 400);
      }
      return shoot(p, 'references.png');
    });

    await step('the Stages view marks the stages whose files agree with the server (✓) or differ (≠) (tree-agreement.png)', async () => {
      const p = page!;
      await runCommand(p, 'View: Toggle Primary Side Bar Visibility');
      await p.locator('.part.sidebar').first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      await runCommand(p, 'authentik: Refresh');
      // The edited password stage differs from the server; the pulled identification stage agrees.
      const differs = p.locator('.part.sidebar .monaco-list-row', { hasText: '≠ file' }).first();
      const agrees = p.locator('.part.sidebar .monaco-list-row', { hasText: '✓ file' }).first();
      // A refresh that lands after a type was expanded redraws the tree with its types closed:
      // expand them again until both marks show.
      const deadline = Date.now() + STEP_TIMEOUT;
      for (;;) {
        for (const type of [SANDBOX_STAGE_TYPE, 'Identification Stage']) {
          const row = treeRow(p, type);
          await row.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
          if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
        }
        const shown = await agrees.waitFor({ state: 'visible', timeout: 2_000 }).then(() => differs.waitFor({ state: 'visible', timeout: 2_000 })).then(() => true, () => false);
        if (shown) break;
        if (Date.now() > deadline) throw new Error(`the Stages view showed no "≠ file" and "✓ file" marks within ${seconds(STEP_TIMEOUT)}`);
      }
      await p.mouse.move(640, 790);
      return shoot(p, 'tree-agreement.png');
    });
  } finally {
    await cleanup();
  }
  return checks;
}
