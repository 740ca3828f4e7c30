import path from 'node:path';
import type { Page } from 'playwright-core';
import { waitFor } from '@flowgenie/testing';
import type { RunningFakes } from '@flowgenie/local-dev';
import type { E2eStack } from './support/stack';
import { attributeBecomes, BuilderPage, textContains, until } from './browser/builder-page';
import {
  createWorkflowFromList,
  startBrowserJourney,
  type BrowserJourney,
  SCREENSHOTS,
  signUp,
  withFailureScreenshot,
} from './browser/journey';

// "New Gmail message -> Slack post", built and run by a user in a real headless Chromium against
// the whole platform started with the fake Google and Slack (FAKE_PROVIDERS=1 npm start does the
// same): connect Google on the Connections page and Slack from the step's picker (a popup), both
// through the fakes' consent screens, pick the channel in the list loaded through the connection,
// publish, activate, and an email delivered to the fake Gmail ends up in the fake Slack.
// Gmail is polled (at most once a minute), so the run itself can take a minute to start.
jest.setTimeout(360_000);

describe('new Gmail message -> Slack post, through the builder, against the fake providers', () => {
  let ui: BrowserJourney;
  let e2e: E2eStack;
  let fakes: RunningFakes;
  let page: Page;
  let builder: BuilderPage;
  let origin: string;

  beforeAll(async () => {
    // The fakes serve the gateway's dev certificate, so the browser trusts their consent pages too.
    ui = await startBrowserJourney('integrations', { stack: { fakeProviders: true } });
    ({ e2e, page, builder, origin } = ui);
    fakes = e2e.stack.fakes!;
  }, 300_000);

  afterAll(() => ui?.close());

  it('connects Google and Slack, builds the workflow, and a new email is posted to Slack', async () => {
    await withFailureScreenshot('integrations', { page: () => page, logDir: e2e.logDir }, journey);
    expect(ui.pageErrors).toEqual([]);
  });

  async function journey() {
    // 1. Sign up, open Connections from the account menu: the providers are labelled fake.
    await signUp(page, origin, 'ada@example.com');
    await page.getByTestId('account-menu').click();
    await page.getByTestId('menu-connections').click();
    await page.waitForURL(`${origin}/connections`);
    await page.getByTestId('connections-empty').waitFor();
    await textContains(page.getByTestId('connect-google'), 'Connect Google (fake)');

    // 2. Google: the fake consent screen, alice, Allow; back on Connections with her account.
    await page.getByTestId('connect-google').click();
    await page.waitForURL((url) => url.origin === fakes.google.url);
    await page.getByText('(fake)').first().waitFor();
    await page.getByLabel('alice@example.com', { exact: false }).check();
    await page.locator('#allow').click();
    await page.waitForURL(`${origin}/connections`);
    await textContains(page.getByTestId('connections-notice'), [
      'Connected Google (fake)',
      'alice@example.com',
    ]);

    await until(
      'one healthy Google connection',
      () =>
        page
          .locator('[data-testid^="connection-row-"]')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-status'))),
      (s) => s.length === 1 && s[0] === 'healthy',
    );

    // 4. The workflow: Gmail new message -> Slack post, configured with the pickers.
    await page.getByTestId('nav-workflows').click();
    await createWorkflowFromList(page, 'Mail to Slack');
    const gmail = await builder.dropFromPalette('gmail_new_message', { x: 150, y: 120 });
    const slack = await builder.dropFromPalette('slack_post_message', { x: 380, y: 320 });
    await builder.connect(gmail, slack);

    await builder.select(gmail);
    await builder.configureTab();
    await chooseOption(builder.field('Google account'), /alice@example\.com/);
    await builder.field('Search').fill('subject:report');

    // Slack is connected from the step itself: its install screen opens in a popup, which closes
    // once the connection is made, and the picker selects the new connection.
    await builder.select(slack);
    await builder.configureTab();
    const popupOpens = page.waitForEvent('popup');
    await builder.panel.getByTestId('connect-new-slack').click();
    const popup = await popupOpens;
    await popup.waitForURL((url) => url.origin === fakes.slack.url);
    await popup.getByText('(fake)').first().waitFor();
    await popup.locator('#allow').click();
    await popup.waitForEvent('close', { timeout: 30_000 });
    await until(
      'the new Slack connection chosen in the picker',
      () =>
        builder
          .field('Connection')
          .evaluate(
            (el) =>
              (el as unknown as { selectedOptions: { text: string }[] }).selectedOptions[0]?.text ??
              '',
          ),
      (t) => /Slack \(fake\)/.test(t),
    );
    // the channel list is loaded from the fake Slack through the chosen connection
    await chooseOption(builder.field('Channel'), /general/);
    const text = builder.field('Text');
    await text.click();
    await text.pressSequentially('New mail from {{ trigger.from }}: {{ trigger.subject }}');
    await text.press('Escape');
    await builder.saved();
    expect(await page.locator('[data-testid^="node-issues-"]').count()).toBe(0);
    await builder.restPointer();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'integrations-builder.png') });

    // 5. Publish and activate; the trigger service starts watching alice's mailbox.
    await page.getByTestId('publish-button').click();
    await textContains(page.getByTestId('version-info'), 'latest v1');
    const toggle = page.getByTestId('activate-toggle');
    await toggle.click();
    await attributeBecomes(toggle, 'aria-checked', 'true');
    await waitFor(() => fakes.google.requests('/gmail/v1/users/me').length > 0, {
      timeoutMs: 30_000,
      message: 'the trigger service reads the mailbox',
    });

    // 6. An email arrives: within a poll, its subject is posted in #general.
    fakes.google.deliverEmail('alice@example.com', {
      from: 'Grace Hopper <grace@example.org>',
      to: 'alice@example.com',
      subject: 'Quarterly report',
      text: 'The report is ready.',
    });
    await waitFor(
      () =>
        fakes.slack
          .messages('general')
          .some((m) => m.text.includes('Quarterly report') && m.text.includes('grace')),
      { timeoutMs: 150_000, message: 'the email posted to #general in the fake Slack' },
    );
    expect(fakes.slack.messages('general')).toHaveLength(1);

    // 7. The execution, in the UI: succeeded, both steps green.
    await page.getByTestId('nav-executions').click();
    const row = page.locator('[data-testid^="execution-row-"]').first();
    await row.waitFor();
    await textContains(row, 'Succeeded', 30_000);
    await row.click();
    const view = page.getByTestId('execution-view');
    await view.waitFor();
    await attributeBecomes(view.getByTestId(`node-${gmail}`), 'data-status', 'succeeded');
    await attributeBecomes(view.getByTestId(`node-${slack}`), 'data-status', 'succeeded');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'integrations.png') });

    // 8. Both connections are listed as healthy and used.
    await page.getByTestId('account-menu').click();
    await page.getByTestId('menu-connections').click();
    const rows = page.locator('[data-testid^="connection-row-"]');
    await until(
      'two healthy connections',
      () => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-status'))),
      (s) => s.length === 2 && s.every((x) => x === 'healthy'),
    );
    const table = (await page.getByTestId('connections-table').textContent()) ?? '';
    expect(table).toContain('alice@example.com');
    expect(table).toContain('Slack (fake)');
  }

  /** Selects the first option whose label matches, once the list has it (loaded lists). */
  async function chooseOption(select: ReturnType<BuilderPage['field']>, label: RegExp) {
    const value = await until(
      `an option matching ${label}`,
      () =>
        select.evaluate((el, source) => {
          const re = new RegExp(source);
          const options = (el as unknown as { options: ArrayLike<{ text: string; value: string }> })
            .options;
          return Array.from(options).find((o) => re.test(o.text))?.value ?? null;
        }, label.source),
      (v) => v !== null && v !== '',
      30_000,
    );
    await select.selectOption(value!);
  }
});
