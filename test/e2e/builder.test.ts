import fs from 'node:fs';
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
import { startGreetingServer, type GreetingServer } from './browser/greeting-server';

// One user journey through the visual builder in a real headless Chromium, against the whole
// platform started by startStack (4 services, executor, gateway serving web/dist).
// Starting the stack takes up to a minute on a busy 2-core machine; the journey itself ~20 s.
jest.setTimeout(240_000);

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const DOCS_SCREENSHOT = path.join(REPO_ROOT, 'docs', 'images', 'builder.png');

describe('the visual builder, in a browser', () => {
  let ui: BrowserJourney;
  let greeting: GreetingServer;
  let failing: TestServer;
  let e2e: E2eStack;
  let page: Page;
  let builder: BuilderPage;
  let origin: string;

  beforeAll(async () => {
    fs.rmSync(path.join(SCREENSHOTS, 'builder-failure.png'), { force: true });
    // The API answers after a second, so the HTTP step is visibly running for a while.
    greeting = await startGreetingServer(1000);
    failing = await startTestServer();
    ui = await startBrowserJourney('builder');
    ({ e2e, page, builder, origin } = ui);
  }, 300_000);

  afterAll(async () => {
    await ui?.close();
    await greeting?.close();
    await failing?.close();
  });

  const shot = (name: string) =>
    page.screenshot({ path: path.join(SCREENSHOTS, name), animations: 'disabled' });

  it('builds, runs, publishes and debugs a webhook workflow', async () => {
    await withFailureScreenshot('builder', { page: () => page, logDir: e2e.logDir }, journey);
    expect(ui.pageErrors).toEqual([]);
  });

  it('signs out for good: a reload, or opening a page, shows the sign-in page', async () => {
    // Signed in since the journey above; land somewhere that needs the session.
    await page.goto(`${origin}/workflows`);
    await page.getByTestId('account-menu').click();
    await page.getByTestId('menu-sign-out').click();
    await page.waitForURL(`${origin}/signin`);
    await page.getByText('You have signed out.').waitFor();
    // The next page load tries the refresh cookie: it must find no session.
    await page.reload();
    await page.getByTestId('auth-submit').waitFor();
    expect(new URL(page.url()).pathname).toBe('/signin');
    await page.goto(`${origin}/workflows`);
    await page.waitForURL(/\/signin$/);
    await page.getByTestId('auth-submit').waitFor();
    const cookies = await ui.chrome.context.cookies(origin);
    expect(cookies.filter((c) => c.name.includes('fg_refresh'))).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });

  async function journey() {
    // 1. Sign up, land on the workflows list, create a workflow.
    await signUp(page, origin, 'ada@example.com');
    await page.getByText('No workflows yet').waitFor();

    await createWorkflowFromList(page, 'Greeting relay');
    expect(await page.getByTestId('workflow-name').inputValue()).toBe('Greeting relay');

    // 2. Three steps from the palette, wired with the mouse, configured in the side panel.
    const hook = await builder.dropFromPalette('webhook', { x: 150, y: 110 });
    const http = await builder.dropFromPalette('http_request', { x: 340, y: 280 });
    const reply = await builder.dropFromPalette('respond_to_webhook', { x: 530, y: 450 });
    expect(await builder.node(hook).getAttribute('data-kind')).toBe('trigger');
    expect(await builder.node(http).getAttribute('data-kind')).toBe('action');
    expect((await builder.nodeIds()).sort()).toEqual([hook, http, reply].sort());

    await builder.connect(hook, http);
    await builder.connect(http, reply);
    expect(await page.locator('.react-flow__edge').count()).toBe(2);

    await builder.select(hook);
    await builder.field('Respond').selectOption({ label: 'From a "Respond to webhook" step' });

    await builder.select(http);
    await builder.field('URL').fill(`${greeting.url}/greeting`);

    await builder.select(reply);
    const body = builder.field('Body');
    await body.click();
    await body.pressSequentially('{{');
    // The autocomplete offers the trigger and the upstream steps as soon as `{{` is typed.
    const suggestions = builder.panel.getByRole('listbox', { name: 'Data you can insert' });
    await suggestions.waitFor();
    await suggestions.getByRole('option', { name: new RegExp(`^steps\\.${http}:`) }).waitFor();
    await body.pressSequentially(` steps.${http}.bo`);
    await suggestions
      .getByRole('option', { name: new RegExp(`^steps\\.${http}\\.body:`) })
      .waitFor();
    await body.press('Enter');
    expect(await body.inputValue()).toBe(`{{ steps.${http}.body }}`);

    // 3. Saved, then "Run once": every step lights up as it runs.
    await builder.saved();
    await builder.recordStatuses();
    // The draft is valid: no step carries a problem badge.
    expect(await page.locator('[data-testid^="node-issues-"]').count()).toBe(0);
    await builder.runOnce({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      query: {},
      body: { name: 'Ada' },
    });
    for (const id of [hook, http, reply]) {
      await attributeBecomes(builder.node(id), 'data-status', 'succeeded');
    }
    await attributeBecomes(page.getByTestId('run-status'), 'data-status', 'succeeded');
    await textContains(page.getByTestId(`node-status-${http}`), 'Succeeded');
    // Live: the HTTP step was shown running while it waited for the API, then succeeded.
    const httpStatuses = await builder.statusHistory(http);
    expect(httpStatuses).toContain('running');
    expect(httpStatuses.indexOf('running')).toBeLessThan(httpStatuses.lastIndexOf('succeeded'));
    expect(httpStatuses.at(-1)).toBe('succeeded');
    expect(greeting.hits()).toBe(1);

    // The respond step's panel shows the expression's value from the run.
    await builder.configureTab();
    await textContains(builder.panel.getByTestId('expression-preview'), ['greeting', 'hi']);
    await builder.restPointer();
    await shot('builder.png');
    // The README's picture is refreshed on request only, so a test run leaves the tree clean.
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') {
      fs.mkdirSync(path.dirname(DOCS_SCREENSHOT), { recursive: true });
      await page.screenshot({ path: DOCS_SCREENSHOT, animations: 'disabled' });
    }

    // 4. Publish, activate, and call the webhook URL shown in the UI.
    await page.getByTestId('publish-button').click();
    await textContains(page.getByTestId('version-info'), 'latest v1');
    const toggle = page.getByTestId('activate-toggle');
    await toggle.click();
    await attributeBecomes(toggle, 'aria-checked', 'true');
    await textContains(page.getByTestId('version-info'), 'Active v1');

    await builder.select(hook);
    await builder.configureTab();
    const hookUrl = (await page.getByTestId('webhook-url').textContent())!.trim();
    expect(hookUrl).toMatch(new RegExp(`^${origin}/hooks/[\\w-]+$`));
    const dispatcher = e2e.client.dispatcher;
    // The activation reaches the trigger service as an event: a GET on a POST hook answers 405
    // once it is registered (404 before) and starts nothing.
    await waitFor(async () => (await fetch(hookUrl, { dispatcher })).status === 405, {
      timeoutMs: 15_000,
      message: 'webhook registered',
    });
    const res = await fetch(hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Grace' }),
      dispatcher,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ greeting: 'hi' });
    expect(greeting.hits()).toBe(2);

    // 5. The webhook's execution, opened from the executions page, with each step's output.
    await page.getByTestId('nav-executions').click();
    const webhookRow = page.locator('[data-testid^="execution-row-"]', { hasText: 'Webhook' });
    await webhookRow.waitFor();
    expect(await page.locator('[data-testid^="execution-row-"]').count()).toBe(2);
    await webhookRow.click();
    const view = page.getByTestId('execution-view');
    await view.waitFor();
    await view.getByText(/Webhook call · v1/).waitFor();
    await view.getByTestId(`node-${http}`).click();
    const details = view.getByTestId(`step-details-${http}`);
    await details.waitFor();
    const output = details.getByTestId('step-output');
    await output.getByRole('button', { name: /body/ }).click();
    await textContains(output, ['status', '200', 'greeting', '"hi"']);
    await attributeBecomes(view.getByTestId(`node-${reply}`), 'data-status', 'succeeded');
    await builder.restPointer();
    await shot('execution.png');

    // 6. The API breaks: no retry, the step fails and says why.
    await view.getByRole('link', { name: 'Open workflow' }).click();
    await page.getByTestId('editor').waitFor();
    await builder.select(http);
    await builder.configureTab();
    await builder.field('URL').fill(`${failing.url}/down`);
    await builder.panel.getByText('Retries and timeout').click();
    await builder.panel.getByLabel('Attempts (1 = no retry)').fill('1');
    await builder.saved();
    await builder.runOnce({ method: 'POST', headers: {}, query: {}, body: { name: 'Ada' } });
    await attributeBecomes(builder.node(http), 'data-status', 'failed');
    await attributeBecomes(page.getByTestId('run-status'), 'data-status', 'failed');
    expect(await builder.node(hook).getAttribute('data-status')).toBe('succeeded');
    expect(await builder.node(reply).getAttribute('data-status')).not.toBe('succeeded');
    await textContains(page.getByTestId(`node-status-${http}`), 'Failed');
    await builder.panel.getByTestId('tab-run-data').click();
    const error = builder.panel.getByTestId('step-error');
    await textContains(error, ['HTTP 500', 'down for maintenance']);
    expect(failing.hits.get('/down')).toBe(1);
    await builder.restPointer();
    await shot('builder-failed.png');
  }
});
