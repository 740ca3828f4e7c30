import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { fetch } from 'undici';
import type { E2eStack } from './support/stack';
import { attributeBecomes, BuilderPage, textContains } from './browser/builder-page';
import {
  createWorkflowFromList,
  startBrowserJourney,
  type BrowserJourney,
  SCREENSHOTS,
  signUp,
  withFailureScreenshot,
} from './browser/journey';

// Testing step by step in a real headless Chromium against the whole platform: capture a real
// webhook call as the trigger's sample, pin data on a step, and run one step on its own, in the
// side panel and in the full Input | Parameters | Output view.
jest.setTimeout(240_000);

const DOCS_SCREENSHOT = path.resolve(__dirname, '..', '..', 'docs', 'images', 'step-view.png');

describe('testing a workflow step by step, in a browser', () => {
  let ui: BrowserJourney;
  let e2e: E2eStack;
  let page: Page;
  let builder: BuilderPage;
  let origin: string;

  beforeAll(async () => {
    fs.rmSync(path.join(SCREENSHOTS, 'step-testing-failure.png'), { force: true });
    ui = await startBrowserJourney('step-testing');
    ({ e2e, page, builder, origin } = ui);
  }, 300_000);

  afterAll(() => ui?.close());

  it('captures a test webhook call, pins data and runs one step at a time', async () => {
    await withFailureScreenshot('step-testing', { page: () => page, logDir: e2e.logDir }, journey);
    expect(ui.pageErrors).toEqual([]);
    // No noise in the console: not signed in yet, test runs followed live, a test webhook heard.
    expect(ui.consoleErrors).toEqual([]);
  });

  async function journey() {
    await signUp(page, origin, 'grace@example.com');
    await createWorkflowFromList(page, 'Order totals');

    // webhook → total (transform) → double (transform), never published.
    const hook = await builder.dropFromPalette('webhook', { x: 150, y: 110 });
    const total = await builder.dropFromPalette('transform', { x: 380, y: 280 });
    const double = await builder.dropFromPalette('transform', { x: 610, y: 450 });
    await builder.connect(hook, total);
    await builder.connect(total, double);
    await builder.select(total);
    await builder.field('Output').fill('{"total": {{ trigger.body.a + trigger.body.b }} }');
    await builder.select(double);
    await builder.field('Output').fill(`{"double": {{ steps.${total}.total * 2 }} }`);
    await builder.saved();

    // 1. Nothing ran yet: "run this step" on `double` says its input has no data.
    await textContains(builder.panel.getByTestId('run-step-missing'), total);

    // 2. Listen for a test call on the trigger, call the test URL, see the captured sample.
    await builder.select(hook);
    await builder.configureTab();
    await builder.panel.getByTestId('test-webhook-listen').click();
    await builder.panel.getByText('Waiting for a call to the test URL…').waitFor();
    const testUrl = (await builder.panel.getByTestId('test-webhook-url').textContent())!.trim();
    expect(testUrl).toMatch(new RegExp(`^${origin}/hooks/test/[\\w-]+$`));
    const res = await fetch(`${testUrl}?source=shop`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-for-the-sample' },
      body: JSON.stringify({ a: 2, b: 3 }),
      dispatcher: e2e.client.dispatcher,
    });
    expect(res.status).toBe(200);
    const sample = builder.panel.getByTestId('test-webhook-sample');
    await textContains(sample, ['"POST"', 'source', 'shop']);
    expect(await builder.panel.getByTestId('test-webhook-captured').textContent()).not.toContain(
      'not-for-the-sample',
    );
    // The test URL took its one call.
    expect(
      (await fetch(testUrl, { method: 'POST', dispatcher: e2e.client.dispatcher })).status,
    ).toBe(404);
    await builder.panel.getByTestId('test-webhook-pin').click();
    await builder.node(hook).getByTestId(`node-pinned-${hook}`).waitFor();

    // 3. Run only `total`: it runs on the pinned sample; `double` does not run.
    await builder.select(total);
    await builder.panel.getByTestId('run-step-button').click();
    await attributeBecomes(builder.node(total), 'data-status', 'succeeded');
    await attributeBecomes(page.getByTestId('run-status'), 'data-status', 'succeeded');
    expect(await builder.node(double).getAttribute('data-status')).toBe('skipped');
    await builder.panel.getByTestId('tab-run-data').click();
    await textContains(builder.panel.getByTestId('step-output'), ['total', '5']);

    // 4. Pin typed data on `total`, then run `double` alone on it.
    await builder.panel.getByTestId('pinned-data-edit').click();
    await builder.panel.getByTestId('pinned-data-input').fill('{ "total": 100 }');
    await builder.panel.getByTestId('pinned-data-save').click();
    await textContains(builder.panel.getByTestId('pinned-data-value'), '100');
    await builder.node(total).getByTestId(`node-pinned-${total}`).waitFor();
    await builder.saved();

    // 5. As in n8n, a double click opens the step with Input | Parameters | Output side by side.
    await builder.node(double).dblclick();
    const full = page.getByTestId('step-view');
    await full.waitFor();
    const input = full.getByTestId('step-view-input');
    const output = full.getByTestId('step-view-output');
    // The input holds the pinned data before `double` ever ran, labelled as pinned.
    const pinnedTotal = input.locator(
      `[data-testid="input-field"][data-path="steps.${total}.total"]`,
    );
    await textContains(pinnedTotal, '100');
    await textContains(input, 'pinned');
    // A field dragged from the input into the parameter in the middle.
    const expression = full
      .getByTestId('step-view-parameters')
      .getByRole('combobox', { name: 'Output (required)' });
    await expression.fill('');
    await pinnedTotal.dragTo(expression);
    expect(await expression.inputValue()).toBe(`{{ steps.${total}.total }}`);
    await textContains(full.getByTestId('expression-preview'), ['pinned data', '100']);
    await expression.fill(`{"double": {{ steps.${total}.total * 2 }} }`);
    await textContains(full.getByTestId('expression-preview-value'), '{"double":200}');
    await builder.saved();
    // Run this step from the Output column; its output shows there, beside the parameters.
    await output.getByTestId('run-step-button').click();
    await attributeBecomes(builder.node(double), 'data-status', 'succeeded');
    await textContains(output.getByTestId('step-output'), ['double', '200']);
    await textContains(page.getByTestId(`node-status-${total}`), 'Data reused, not run');
    await builder.restPointer();
    await page.screenshot({
      path: path.join(SCREENSHOTS, 'step-testing.png'),
      animations: 'disabled',
    });
    // The README's picture of the full view is refreshed on request only (as builder.png).
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') {
      await page.screenshot({ path: DOCS_SCREENSHOT, animations: 'disabled' });
    }
    // Escape goes back to the canvas with the side panel.
    await page.keyboard.press('Escape');
    await full.waitFor({ state: 'hidden' });
    await builder.panel.getByTestId('tab-run-data').waitFor();

    // 6. The step runs are in the history, each labelled with the step it ran (newest first).
    await page.getByTestId('nav-executions').click();
    await page.locator('[data-testid^="execution-row-"]').nth(1).waitFor();
    expect(await page.locator('[data-testid^="execution-row-"]').count()).toBe(2);
    expect(await page.locator('[data-testid^="execution-kind-"]').allTextContents()).toEqual([
      `Step test: ${double}`,
      `Step test: ${total}`,
    ]);
    await page.locator('[data-testid^="execution-row-"]').first().click();
    await textContains(page.getByTestId('execution-kind'), `Step test: ${double}`);
  }
});
