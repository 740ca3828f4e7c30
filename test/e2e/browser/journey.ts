import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { ensureWebBuilt } from '@flowgenie/local-dev';
import { startE2eStack, type E2eStack } from '../support/stack';
import { BuilderPage } from './builder-page';
import { launchDevBrowser, type DevBrowser } from './chromium';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** Where the browser tests leave their screenshots (and a `<name>-failure.png` when one fails). */
export const SCREENSHOTS = path.join(REPO_ROOT, 'artifacts', 'screenshots');

/**
 * What every browser test needs before its stack starts: the screenshots directory, and web/dist
 * built for the gateway to serve (a no-op when it is fresh).
 */
export async function prepareBrowserTest(): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const logFile = path.join(REPO_ROOT, '.data', 'e2e', 'web-build.log');
  const built = await ensureWebBuilt({ logFile, log: () => undefined });
  if (built === 'failed') throw new Error(`building the web app failed: see ${logFile}`);
}

/**
 * Runs `act`; when it fails, saves what `page()` showed as `<name>-failure.png` and rethrows with
 * where to find that screenshot and the stack's logs.
 */
export async function withFailureScreenshot(
  name: string,
  opts: { page: () => Page | undefined; logDir: string },
  act: () => Promise<void>,
): Promise<void> {
  try {
    await act();
  } catch (err) {
    const file = path.join(SCREENSHOTS, `${name}-failure.png`);
    await opts
      .page()
      ?.screenshot({ path: file, animations: 'disabled' })
      .catch(() => undefined);
    throw new Error(`${(err as Error).message}\n(screen: ${file}, logs: ${opts.logDir})`, {
      cause: err,
    });
  }
}

/** Signs up with email and password on the SPA and waits for the workflows list. */
export async function signUp(
  page: Page,
  origin: string,
  email: string,
  password = 'correct horse battery staple',
): Promise<void> {
  await page.goto(`${origin}/signup`);
  await page.getByTestId('auth-email').fill(email);
  await page.getByTestId('auth-password').fill(password);
  await page.getByTestId('auth-submit').click();
  await page.waitForURL(`${origin}/workflows`);
}

/**
 * A new page in `context` that waits at most 20 s per step and records every uncaught exception of
 * the SPA in `pageErrors` (the journeys assert it stays empty), and, when given `consoleErrors`,
 * every error the browser console shows (a failed request included) with its address.
 */
export async function watchedPage(
  context: BrowserContext,
  pageErrors: string[],
  consoleErrors?: string[],
): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => pageErrors.push(err.stack ?? err.message));
  if (consoleErrors)
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${m.text()} (${m.location().url})`);
    });
  return page;
}

/**
 * From the workflows list: "New workflow", named `name`, created; waits for the editor's empty
 * canvas and answers the new workflow's id (from the editor's address).
 */
export async function createWorkflowFromList(page: Page, name: string): Promise<string> {
  await page.getByTestId('workflow-create').click();
  await page.getByTestId('create-workflow-name').fill(name);
  await page.getByTestId('create-workflow-submit').click();
  await page.waitForURL(/\/workflows\/[^/]+$/);
  await page.getByTestId('canvas-empty').waitFor();
  return new URL(page.url()).pathname.split('/').pop() ?? '';
}

/** A browser suite's running pieces: the whole stack, Chromium trusting it, and one watched page. */
export interface BrowserJourney {
  e2e: E2eStack;
  chrome: DevBrowser;
  page: Page;
  builder: BuilderPage;
  /** The gateway's https origin (serves the SPA and the API). */
  origin: string;
  /** Uncaught exceptions of the SPA: the journeys assert it stays empty. */
  pageErrors: string[];
  /** Errors shown in the browser console (a 4xx/5xx request shows there too). */
  consoleErrors: string[];
  /** Closes the browser, then the stack. */
  close(): Promise<void>;
}

/**
 * The setup every builder journey shares: web/dist built, the stack `label` started, Chromium
 * launched trusting its dev certificate, and one {@link watchedPage} with a {@link BuilderPage}.
 */
export async function startBrowserJourney(
  label: string,
  opts: {
    stack?: Parameters<typeof startE2eStack>[2];
    viewport?: { width: number; height: number };
  } = {},
): Promise<BrowserJourney> {
  await prepareBrowserTest();
  const e2e = await startE2eStack(label, {}, opts.stack);
  try {
    const chrome = await launchDevBrowser({
      certFile: e2e.stack.certs.cert,
      caFile: e2e.stack.certs.caCert,
      viewport: opts.viewport,
    });
    const pageErrors: string[] = [];
    const consoleErrors: string[] = [];
    const page = await watchedPage(chrome.context, pageErrors, consoleErrors);
    return {
      e2e,
      chrome,
      page,
      builder: new BuilderPage(page),
      origin: e2e.stack.urls.gateway,
      pageErrors,
      consoleErrors,
      async close() {
        await chrome.close();
        await e2e.close();
      },
    };
  } catch (err) {
    // afterAll never sees a half-started journey: stop the stack here.
    await e2e.close();
    throw err;
  }
}
