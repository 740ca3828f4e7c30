import type { BrowserContext, Page } from 'playwright-core';
import { startFakeGoogle, type FakeGoogle } from '@flowgenie/local-fakes';
import { startE2eStack, type E2eStack } from './support/stack';
import { launchDevBrowser, type DevBrowser } from './browser/chromium';
import { prepareBrowserTest, watchedPage, withFailureScreenshot } from './browser/journey';

// Sign in with Google in a real headless Chromium: the button on the sign-in page, the fake
// Google's consent page, the callback through the gateway, and the SPA picking the session up.
jest.setTimeout(240_000);

const CLIENT_ID = 'flowgenie-e2e.apps.googleusercontent.com';
const CLIENT_SECRET = 'flowgenie-e2e-google-secret';
const PASSWORD = 'correct horse battery staple';

describe('Sign in with Google, in a browser', () => {
  let google: FakeGoogle;
  let e2e: E2eStack;
  let chrome: DevBrowser;
  let origin: string;
  const pageErrors: string[] = [];
  const pages: Page[] = [];

  beforeAll(async () => {
    await prepareBrowserTest();
    google = await startFakeGoogle({
      accounts: [
        { email: 'grace@example.com', name: 'Grace Hopper' },
        { email: 'ann@example.com', name: 'Ann Owner' },
      ],
      // Any port of the local gateway (the stack picks free ports).
      clients: [
        { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: ['https://localhost:*'] },
      ],
    });
    e2e = await startE2eStack('gsignin', {
      GOOGLE_CLIENT_ID: CLIENT_ID,
      GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
      GOOGLE_BASE_URL: google.url,
    });
    origin = e2e.stack.urls.gateway;
    chrome = await launchDevBrowser({
      certFile: e2e.stack.certs.cert,
      caFile: e2e.stack.certs.caCert,
    });
  }, 300_000);

  afterAll(async () => {
    await chrome?.close();
    await e2e?.close();
    await google?.close();
  });

  /** A page in a fresh browser context (no cookies). */
  async function freshPage(): Promise<{ page: Page; context: BrowserContext }> {
    const context = await chrome.browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'en-US',
    });
    const page = await watchedPage(context, pageErrors);
    pages.push(page);
    return { page, context };
  }

  /** From the sign-in page through the fake consent screen as `email`. */
  async function throughGoogle(page: Page, email: string) {
    await page.goto(`${origin}/signin`);
    await page.getByRole('link', { name: 'Sign in with Google (fake)' }).click();
    await page.waitForURL(`${google.url}/**`);
    await page.locator(`input[name="account"][value="${email}"]`).check();
    await page.locator('#allow').click();
  }

  const guarded = (name: string, act: () => Promise<void>) =>
    withFailureScreenshot(name, { page: () => pages.at(-1), logDir: e2e.logDir }, act);

  it('clicks the button, approves on Google and lands signed in; a reload keeps the session', async () => {
    await guarded('google-sign-in', async () => {
      const { page, context } = await freshPage();
      await throughGoogle(page, 'grace@example.com');
      await page.waitForURL(`${origin}/workflows`);
      await page.getByText('No workflows yet').waitFor();
      await page.getByTestId('account-menu').getByText('grace@example.com').waitFor();
      // The state cookie is gone; the session lives in the refresh cookie only.
      const names = (await context.cookies(origin)).map((c) => c.name);
      expect(names).toContain('__Host-fg_refresh');
      expect(names).not.toContain('__Host-fg_google_state');
      await page.reload();
      await page.getByTestId('account-menu').getByText('grace@example.com').waitFor();
    });
    expect(pageErrors).toEqual([]);
  });

  it('links Google to an existing password account only after the password sign-in, then signs in with Google directly', async () => {
    await guarded('google-link', async () => {
      const signup = await e2e.client.post('/api/auth/signup', {
        body: { email: 'ann@example.com', password: PASSWORD },
      });
      expect(signup.status).toBe(201);

      const { page } = await freshPage();
      await throughGoogle(page, 'ann@example.com');
      await page.waitForURL(/\/login\?link=/);
      await page
        .getByText('This email already has a password account: sign in to link Google.')
        .waitFor();
      await page.getByTestId('auth-email').fill('ann@example.com');
      await page.getByTestId('auth-password').fill(PASSWORD);
      await page.getByTestId('auth-submit').click();
      await page.waitForURL(`${origin}/workflows`);
      await page
        .getByText('Google account ann@example.com linked: you can now sign in with Google.')
        .waitFor();

      // Signed out, then back in with Google alone.
      await page.getByTestId('account-menu').click();
      await page.getByTestId('menu-sign-out').click();
      await page.waitForURL(`${origin}/signin`);
      await throughGoogle(page, 'ann@example.com');
      await page.waitForURL(`${origin}/workflows`);
      await page.getByTestId('account-menu').getByText('ann@example.com').waitFor();
    });
    expect(pageErrors).toEqual([]);
  });
});
