import path from 'node:path';
import type { Page } from 'playwright-core';
import { fetch } from 'undici';
import { waitFor } from '@flowgenie/testing';
import { startTestServer, type TestServer } from './support/servers';
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

// One expression syntax, the Input view and the error texts, as a user coming from n8n meets
// them: webhook → sum (transform) → reply (respond to webhook), in a real headless Chromium.
jest.setTimeout(240_000);

describe('expressions and data mapping in the builder, in a browser', () => {
  let ui: BrowserJourney;
  let refusing: TestServer;
  let e2e: E2eStack;
  let page: Page;
  let builder: BuilderPage;
  let origin: string;

  beforeAll(async () => {
    refusing = await startTestServer();
    // wide enough for the Input view beside the parameters
    ui = await startBrowserJourney('builder_expr', { viewport: { width: 1600, height: 900 } });
    ({ e2e, page, builder, origin } = ui);
  }, 300_000);

  afterAll(async () => {
    await ui?.close();
    await refusing?.close();
  });

  it('maps data by dragging, previews values with their types, and sends JSON bodies as JSON', async () => {
    await withFailureScreenshot(
      'builder-expressions',
      { page: () => page, logDir: e2e.logDir },
      journey,
    );
    expect(ui.pageErrors).toEqual([]);
    expect(ui.consoleErrors).toEqual([]);
  });

  async function journey() {
    await signUp(page, origin, 'grace@example.com');
    await createWorkflowFromList(page, 'Totals');

    const hook = await builder.dropFromPalette('webhook', { x: 120, y: 110 });
    const transform = await builder.dropFromPalette('transform', { x: 300, y: 260 });
    const reply = await builder.dropFromPalette('respond_to_webhook', { x: 480, y: 410 });
    await builder.connect(hook, transform);
    await builder.connect(transform, reply);

    // The step is read as steps.sum in expressions.
    await builder.select(transform);
    await builder.panel.locator('#node-id').fill('sum');
    await builder.panel.locator('#node-id').press('Enter');
    await builder.node('sum').waitFor();
    await builder.saved();

    // A fresh step says which field is required, in words, once (no zod wording, no braces).
    await builder.select('sum');
    await builder.configureTab();
    await textContains(builder.panel, 'Output is required');
    const panelText = (await builder.panel.textContent()) ?? '';
    expect(panelText).not.toMatch(/Invalid input|expected string|received undefined/);
    expect(panelText.match(/Output is required/g)).toHaveLength(1);

    // The graph message names the UI's label of the response mode, not its stored value.
    await builder.select(hook);
    await textContains(builder.panel, 'set “Respond” to “From a "Respond to webhook" step”');
    expect(await builder.panel.textContent()).not.toContain('respond_node');
    await builder.field('Respond').selectOption({ label: 'From a "Respond to webhook" step' });

    // The transform's output: JSON text with {{ }} values. An emptied field has one message.
    await builder.select('sum');
    const output = builder.field('Output');
    await output.fill('{{ }}');
    await output.fill('');
    await builder.saved();
    await textContains(builder.panel, 'Output is required');
    const emptied = (await builder.panel.textContent()) ?? '';
    expect(emptied).not.toMatch(/Unexpected end of expression|must not be empty/);
    // A broken expression is named by the field's title, with the braces the user typed.
    await output.fill('{"total": {{ }} }');
    await textContains(builder.panel, 'Output has an empty {{ }} at character 11');
    await output.fill('{{ trigger.body. }}');
    await textContains(builder.panel, 'Output: {{ trigger.body. }} does not parse');
    expect(await builder.panel.textContent()).not.toMatch(/in expression:|expression: empty/);
    await output.fill(
      '{"total": {{ $sum(trigger.body.items) }}, "count": {{ $count(trigger.body.items) }} }',
    );

    // Before any run, autocomplete knows steps.sum.total from the output the transform builds.
    await builder.select(reply);
    const body = builder.field('Body');
    await body.click();
    await body.pressSequentially('{"total": {{ steps.sum.');
    const suggestions = builder.panel.getByRole('listbox', { name: 'Data you can insert' });
    await suggestions.getByRole('option', { name: /^steps\.sum\.total:/ }).waitFor();
    await body.press('Escape');
    await body.fill('');

    // The Input view lists the same fields; dragging one into the body inserts its expression.
    const input = builder.panel.getByTestId('input-view');
    await input.waitFor();
    const totalField = input.locator('[data-testid="input-field"][data-path="steps.sum.total"]');
    await totalField.dragTo(body);
    await until(
      () => body.inputValue(),
      (v) => v === '{{ steps.sum.total }}',
      'the dragged field in the body',
    );
    // Clicking a field inserts it at the caret of the parameter edited last.
    await body.press('End');
    await body.pressSequentially(' of ');
    await input.locator('[data-testid="input-field"][data-path="steps.sum.count"]').click();
    expect(await body.inputValue()).toBe('{{ steps.sum.total }} of {{ steps.sum.count }}');

    // The habit from other tools: JSON with a bare {{ }} number.
    await body.fill('{"total": {{ steps.sum.total }} }');
    await builder.saved();
    expect(await page.locator('[data-testid^="node-issues-"]').count()).toBe(0);

    // A cycle refused while dragging says why, where the user looks, and to screen readers.
    await dragWireWithoutDrop(reply, 'sum');
    const refusal = page.getByTestId('connection-refusal');
    await textContains(refusal, 'would make a loop');
    await page.mouse.up();
    expect(await page.locator('.react-flow__edge').count()).toBe(2);
    expect(await refusal.getAttribute('role')).toBe('status');

    // A test run: the preview shows each value with its type.
    await builder.runOnce({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      query: {},
      body: { items: [1, 2, 3] },
    });
    await attributeBecomes(page.getByTestId('run-status'), 'data-status', 'succeeded');
    await builder.select(reply);
    await builder.configureTab();
    const preview = builder.panel.getByTestId('expression-preview');
    await textContains(preview.getByTestId('expression-preview-type'), 'object');
    await textContains(preview.getByTestId('expression-preview-value'), '{"total":6}');
    // As the user types, the preview follows, with the type of a single expression.
    await body.fill('{{ steps.sum.count }}');
    await textContains(preview.getByTestId('expression-preview-type'), 'number');
    await textContains(preview.getByTestId('expression-preview-value'), '3');
    await body.fill('{{ steps.sum.count ');
    await textContains(builder.panel.getByTestId('expression-preview-error'), 'unterminated');
    await body.fill('{"total": {{ steps.sum.total }} }');
    await builder.saved();
    await page.screenshot({
      path: path.join(SCREENSHOTS, 'builder-expressions.png'),
      animations: 'disabled',
    });

    // Published and called: the JSON body is answered as application/json.
    await page.getByTestId('publish-button').click();
    await textContains(page.getByTestId('version-info'), 'latest v1');
    const toggle = page.getByTestId('activate-toggle');
    await toggle.click();
    await attributeBecomes(toggle, 'aria-checked', 'true');
    await builder.select(hook);
    await builder.configureTab();
    const hookUrl = (await page.getByTestId('webhook-url').textContent())!.trim();
    const dispatcher = e2e.client.dispatcher;
    await waitFor(async () => (await fetch(hookUrl, { dispatcher })).status === 405, {
      timeoutMs: 15_000,
      message: 'webhook registered',
    });
    const res = await fetch(hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items: [10, 20, 12] }),
      dispatcher,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ total: 42 });

    // A refusal that retrying cannot change: not retried, and the node says so with the reason.
    const http = await builder.dropFromPalette('http_request', { x: 480, y: 120 });
    await builder.connect(hook, http);
    await builder.select(http);
    await builder.field('URL').fill(`${refusing.url}/missing`);
    await builder.saved();
    await builder.runOnce({ method: 'POST', headers: {}, query: {}, body: { items: [1] } });
    await attributeBecomes(builder.node(http), 'data-status', 'failed');
    await textContains(page.getByTestId(`node-status-${http}`), 'Failed, not retried: ');
    await textContains(page.getByTestId(`node-status-${http}`), '404');
    expect(await page.getByTestId(`node-status-${http}`).textContent()).not.toMatch(/after 1\/3/);
    expect(refusing.hits.get('/missing')).toBe(1);
  }

  /** Presses on `source`'s output handle and moves onto `target`'s input, without letting go. */
  async function dragWireWithoutDrop(source: string, target: string) {
    const canvas = page.getByTestId('editor');
    const from = canvas.locator(`.react-flow__handle.source[data-nodeid="${source}"]`).first();
    const to = canvas.locator(`.react-flow__handle.target[data-nodeid="${target}"]`);
    const a = (await from.boundingBox())!;
    const b = (await to.boundingBox())!;
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 10 });
  }
});

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  await waitFor(
    async () => {
      last = await read();
      return ok(last);
    },
    { timeoutMs: 10_000, message: `${what} (last: ${JSON.stringify(last)})` },
  );
  return last as T;
}
