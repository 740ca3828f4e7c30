/**
 * Starts the fake Google and the fake Slack on fixed ports with seeded accounts, for working on
 * one machine without the internet: `tsx local/fakes/src/main.ts` (`FAKE_PROVIDERS=1 npm start` runs
 * them itself, see local/dev/src/fakes.ts).
 * Every value here is a fake for these fakes; none of them is a real credential.
 */
import { createLogger, onShutdown } from '@flowgenie/platform';
import { FAKE_DEFAULTS } from './defaults';
import { startFakeGoogle } from './google/server';
import { startFakeSlack } from './slack/server';

const env = process.env;
const list = (value: string | undefined, dflt: string[]) =>
  value
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : dflt;

async function main(): Promise<void> {
  const logger = createLogger({
    service: 'fakes',
    level: env.LOG_LEVEL,
    format: env.LOG_FORMAT === 'pretty' ? 'pretty' : 'json',
  });
  const tls = { tlsCertFile: env.FAKE_TLS_CERT_FILE, tlsKeyFile: env.FAKE_TLS_KEY_FILE };
  const redirectUris = list(env.FAKE_OAUTH_REDIRECT_URIS, FAKE_DEFAULTS.redirectUris);
  const google = await startFakeGoogle({
    ...tls,
    port: Number(env.FAKE_GOOGLE_PORT ?? FAKE_DEFAULTS.googlePort),
    accounts: list(env.FAKE_GOOGLE_ACCOUNTS, ['alice@example.com', 'bob@example.com']).map(
      (email) => ({
        email,
        name: email.split('@')[0].replace(/^./, (c) => c.toUpperCase()) + ' Example',
      }),
    ),
    clients: [
      {
        clientId: env.FAKE_GOOGLE_CLIENT_ID ?? FAKE_DEFAULTS.googleClientId,
        clientSecret: env.FAKE_GOOGLE_CLIENT_SECRET ?? FAKE_DEFAULTS.googleClientSecret,
        redirectUris,
        name: 'FlowGenie (local)',
      },
    ],
  });
  const slack = await startFakeSlack({
    ...tls,
    port: Number(env.FAKE_SLACK_PORT ?? FAKE_DEFAULTS.slackPort),
    apps: [
      {
        clientId: env.FAKE_SLACK_CLIENT_ID ?? FAKE_DEFAULTS.slackClientId,
        clientSecret: env.FAKE_SLACK_CLIENT_SECRET ?? FAKE_DEFAULTS.slackClientSecret,
        signingSecret: env.FAKE_SLACK_SIGNING_SECRET ?? FAKE_DEFAULTS.slackSigningSecret,
        redirectUris,
        name: 'FlowGenie (local)',
        eventsUrl: env.FAKE_SLACK_EVENTS_URL,
      },
    ],
    users: [{ name: 'alice', realName: 'Alice Example', email: 'alice@example.com' }],
    channels: [{ name: 'general' }, { name: 'alerts' }, { name: 'random', botIsMember: false }],
  });
  logger.info(
    { google: google.url, slack: slack.url, slackApiUrl: slack.apiUrl },
    'fake providers listening',
  );
  onShutdown(logger, async () => {
    await Promise.all([google.close(), slack.close()]);
  });
}

main().catch((err: unknown) => {
  console.error('fake providers failed to start:', err);
  process.exit(1);
});
