import { createHash, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Debian's chromium (scripts/ensure-chromium.sh installs it in CI); never `playwright install`. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The SHA-256 of the server certificate's public key (base64), after checking that the dev CA
 * issued and signed it. Chromium is then told to accept exactly that key.
 */
export function devCertificatePin(certFile: string, caFile: string): string {
  const leaf = new X509Certificate(fs.readFileSync(certFile));
  const ca = new X509Certificate(fs.readFileSync(caFile));
  if (!leaf.checkIssued(ca) || !leaf.verify(ca.publicKey)) {
    throw new Error(`${certFile} is not signed by the dev CA ${caFile}`);
  }
  const spki = leaf.publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

export interface DevBrowser {
  browser: Browser;
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * A headless Chromium that trusts the gateway's dev certificate.
 *
 * Trust: not `ignoreHTTPSErrors` (which would accept any certificate) and not `--ignore-certificate-errors`.
 * Chromium has no "extra CA file" flag and no NSS tools (certutil) are installed here, so the
 * dev CA is applied in Node: `devCertificatePin` checks that the dev CA signed the gateway's
 * certificate, and Chromium gets `--ignore-certificate-errors-spki-list` with that certificate's
 * key hash only (the gateway sends its leaf without the chain, so the CA's own key is not seen).
 * Any other certificate still fails. The flag needs a user data dir, which Playwright's launch
 * always gives (a temporary profile).
 */
export async function launchDevBrowser(opts: {
  certFile: string;
  caFile: string;
  viewport?: { width: number; height: number };
}): Promise<DevBrowser> {
  const pin = devCertificatePin(opts.certFile, opts.caFile);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...FLAGS, `--ignore-certificate-errors-spki-list=${pin}`],
  });
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'UTC',
    reducedMotion: 'reduce',
  });
  return {
    browser,
    context,
    async close() {
      await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
    },
  };
}
