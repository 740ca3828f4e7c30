import {
  FAKE_DEFAULTS,
  startFakeGoogle,
  startFakeSlack,
  type FakeGoogle,
  type FakeSlack,
} from '@flowgenie/local-fakes';

/** What `FAKE_PROVIDERS=1 npm start` (and an end-to-end stack with `fakeProviders`) runs. */
export interface FakeProvidersOptions {
  /** Ports of the fake Google and Slack; `0` picks free ones. @default 3101 and 3102 */
  googlePort?: number;
  slackPort?: number;
}

export interface RunningFakes {
  google: FakeGoogle;
  slack: FakeSlack;
  /** The services' environment that points them at the fakes (client ids, secrets, base URLs). */
  env: Record<string, string>;
  /** Google accounts a user can pick on the fake consent screen. */
  googleAccounts: string[];
  /** Slack channels of the fake workspace (`#random` does not have the bot in it). */
  slackChannels: string[];
  close(): Promise<void>;
}

export const FAKE_GOOGLE_ACCOUNTS = ['alice@example.com', 'bob@example.com'];
export const FAKE_SLACK_CHANNELS = ['general', 'alerts', 'random'];

/**
 * Starts the local fake Google (OAuth, Gmail, Calendar) and fake Slack (OAuth v2, Web API) over
 * HTTPS with the dev certificate, so the browser can show their consent screens and the services
 * reach them as they would reach the real providers. Seeded with alice@example.com (a few emails in
 * her inbox) and bob@example.com, and a Slack workspace with #general, #alerts and #random.
 * Every client id and secret is a fake for these fakes (FAKE_DEFAULTS), never a real credential.
 *
 * @example
 * const fakes = await startFakeProviders({ publicBaseUrl: 'https://localhost:8443', certs });
 * // pass fakes.env to the services; fakes.google.deliverEmail('alice@example.com', {...})
 */
export async function startFakeProviders(
  opts: FakeProvidersOptions & {
    /** The gateway's origin: consent screens redirect to `<publicBaseUrl>/api/...` only. */
    publicBaseUrl: string;
    certs: { cert: string; key: string };
  },
): Promise<RunningFakes> {
  const tls = { tlsCertFile: opts.certs.cert, tlsKeyFile: opts.certs.key };
  const redirectUris = [`${opts.publicBaseUrl}/*`];
  const google = await startFakeGoogle({
    ...tls,
    port: opts.googlePort ?? FAKE_DEFAULTS.googlePort,
    accounts: FAKE_GOOGLE_ACCOUNTS.map((email) => ({
      email,
      name: `${email[0].toUpperCase()}${email.slice(1, email.indexOf('@'))} Example`,
    })),
    clients: [
      {
        clientId: FAKE_DEFAULTS.googleClientId,
        clientSecret: FAKE_DEFAULTS.googleClientSecret,
        redirectUris,
        name: 'FlowGenie (local)',
      },
    ],
  });
  let slack: FakeSlack;
  try {
    slack = await startFakeSlack({
      ...tls,
      port: opts.slackPort ?? FAKE_DEFAULTS.slackPort,
      apps: [
        {
          clientId: FAKE_DEFAULTS.slackClientId,
          clientSecret: FAKE_DEFAULTS.slackClientSecret,
          signingSecret: FAKE_DEFAULTS.slackSigningSecret,
          redirectUris,
          name: 'FlowGenie (local)',
          eventsUrl: `${opts.publicBaseUrl}/hooks/slack/events`,
        },
      ],
      users: [{ name: 'alice', realName: 'Alice Example', email: 'alice@example.com' }],
      channels: FAKE_SLACK_CHANNELS.map((name) => ({ name, botIsMember: name !== 'random' })),
    });
  } catch (err) {
    await google.close();
    throw err;
  }
  seedInbox(google);
  return {
    google,
    slack,
    googleAccounts: FAKE_GOOGLE_ACCOUNTS,
    slackChannels: FAKE_SLACK_CHANNELS,
    env: {
      FAKE_PROVIDERS: '1',
      GOOGLE_CLIENT_ID: FAKE_DEFAULTS.googleClientId,
      GOOGLE_CLIENT_SECRET: FAKE_DEFAULTS.googleClientSecret,
      SLACK_CLIENT_ID: FAKE_DEFAULTS.slackClientId,
      SLACK_CLIENT_SECRET: FAKE_DEFAULTS.slackClientSecret,
      SLACK_SIGNING_SECRET: FAKE_DEFAULTS.slackSigningSecret,
      GOOGLE_BASE_URL: google.url,
      SLACK_BASE_URL: slack.url,
    },
    async close() {
      await Promise.all([google.close(), slack.close()]);
    },
  };
}

/** A few emails in alice's inbox, so a Gmail search or trigger has something to find at once. */
function seedInbox(google: FakeGoogle): void {
  const day = 24 * 3600_000;
  const emails = [
    {
      from: 'Grace Hopper <grace@example.org>',
      subject: 'Welcome to the fake Gmail',
      text: 'This inbox lives in the local fake Google. Nothing here leaves your machine.',
      ago: 3 * day,
    },
    {
      from: 'Invoices <billing@example.net>',
      subject: 'Invoice 1042',
      text: 'Your invoice 1042 for 120.00 EUR is attached (not really).',
      ago: day,
    },
    {
      from: 'Bob Example <bob@example.com>',
      subject: 'Lunch on Friday?',
      text: 'Shall we try the new place on Friday?',
      ago: 3600_000,
    },
  ];
  for (const e of emails) {
    google.deliverEmail('alice@example.com', {
      from: e.from,
      to: 'alice@example.com',
      subject: e.subject,
      text: e.text,
      date: new Date(Date.now() - e.ago),
    });
  }
}
