import { Router, type Request, type Response } from 'express';
import { exportJWK, generateKeyPair } from 'jose';
import {
  CONTROL_PREFIX,
  createFakeApp,
  firstString,
  listenFake,
  randomToken,
  type FakeListenOptions,
  type ForcedFailure,
  type RecordedRequest,
  type StartedFake,
} from '../common';
import { calendarRouter, FakeCalendar, type CalendarEvent } from './calendar';
import { googleErrorBody } from './errors';
import { deliverIncoming, gmailRouter, Mailbox, type GmailMessageSummary } from './gmail';
import type { NewMessage } from './mime';
import { googleOAuthRouter } from './oauth-routes';
import {
  GoogleOAuthStore,
  normalizeScopes,
  type GoogleAccount,
  type GoogleAccountSeed,
  type GoogleClientSeed,
} from './oauth-store';

export interface FakeGoogleOptions extends FakeListenOptions {
  accounts?: GoogleAccountSeed[];
  clients?: GoogleClientSeed[];
  /** The id_token `iss`; default the server's own URL (what its discovery document says). */
  issuer?: string;
  /** Clock for token expiry and message dates; default Date.now. */
  now?: () => number;
}

export interface IssuedGoogleToken {
  accessToken: string;
  refreshToken?: string;
  expiresAt: number;
  scopes: string[];
}

export interface GoogleFailureOptions {
  /** Requests whose path starts with this, e.g. '/gmail/v1' or '/token'; default every API call. */
  pathPrefix?: string;
  status?: number;
  retryAfterSeconds?: number;
  /** How many requests fail; default 1. */
  times?: number;
}

export type IncomingEmail = Partial<NewMessage> & {
  raw?: string | Buffer;
  labelIds?: string[];
  threadId?: string;
};

export interface FakeGoogle extends StartedFake {
  addAccount(seed: GoogleAccountSeed): GoogleAccount;
  addClient(seed: GoogleClientSeed): void;
  /** Tokens without the consent dance, as if `email` had granted `scopes` to the client. */
  issueToken(opts: {
    email: string;
    scopes: string[];
    clientId?: string;
    offline?: boolean;
  }): IssuedGoogleToken;
  /** Revokes the grant behind an access or refresh token. */
  revokeToken(token: string): boolean;
  /** Revokes every grant of an account. */
  revokeAccount(email: string): number;
  /** Access tokens expire now; refresh tokens keep working. */
  expireAccessTokens(email?: string): number;
  /** The authorization endpoint approves at once as this account (undefined: show the consent page). */
  setAutoApprove(email: string | undefined): void;
  /** A new message arrives in `email`'s inbox. */
  deliverEmail(
    email: string,
    message: IncomingEmail,
  ): { id: string; threadId: string; historyId: string };
  gmailMessages(email: string): GmailMessageSummary[];
  /** Older startHistoryIds answer 404 from now on (Gmail keeps history about a week). */
  expireGmailHistory(email: string): void;
  calendarEvents(email: string): CalendarEvent[];
  /** Every sync token handed out so far answers 410. */
  invalidateSyncTokens(): void;
  /** The next matching requests fail with `status` (default 429 with Retry-After). */
  forceFailure(opts?: GoogleFailureOptions): void;
  requests(pathPrefix?: string): RecordedRequest[];
  clearRequests(): void;
}

const FAILURE_MESSAGES: Record<number, [string, string]> = {
  429: ['Quota exceeded for quota metric and limit.', 'rateLimitExceeded'],
  500: ['Internal error encountered.', 'backendError'],
  503: ['The service is currently unavailable.', 'backendError'],
};

/**
 * Starts the fake Google: OAuth 2.0 / OpenID Connect, Gmail v1 and Calendar v3 on one origin.
 * Point googleapis at it with `rootUrl: fake.url + '/'` and google-auth-library's OAuth2Client
 * with `endpoints` (see README.md).
 */
export async function startFakeGoogle(options: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  const now = options.now ?? Date.now;
  let baseUrl = '';
  let autoApprove: string | undefined;
  let syncGeneration = 1;
  const store = new GoogleOAuthStore(now);
  const mailboxes = new Map<string, Mailbox>();
  const calendars = new Map<string, FakeCalendar>();
  const recorded: RecordedRequest[] = [];
  const failures: ForcedFailure[] = [];

  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomToken(12);
  const key = {
    kid,
    publicKey,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
  };

  const accountOrThrow = (email: string) => {
    const account = store.accounts.get(email.toLowerCase());
    if (!account) throw new Error(`no seeded Google account ${email}`);
    return account;
  };
  const mailbox = (email: string) => {
    const account = accountOrThrow(email);
    let box = mailboxes.get(account.email);
    if (!box) mailboxes.set(account.email, (box = new Mailbox(account.email)));
    return box;
  };
  const calendar = (email: string) => {
    const account = accountOrThrow(email);
    let cal = calendars.get(account.email);
    if (!cal) calendars.set(account.email, (cal = new FakeCalendar(account)));
    return cal;
  };

  for (const seed of options.accounts ?? []) store.addAccount(seed);
  for (const seed of options.clients ?? []) store.addClient(seed);

  const app = createFakeApp(recorded, failures, (res, failure) => {
    const [message, reason] = FAILURE_MESSAGES[failure.status] ?? [
      'Forced failure.',
      'backendError',
    ];
    res
      .status(failure.status)
      .json(failure.body ?? googleErrorBody(failure.status, message, reason));
  });

  const fake: FakeGoogle = {
    url: '',
    port: 0,
    close: async () => undefined,
    addAccount: (seed) => store.addAccount(seed),
    addClient: (seed) => store.addClient(seed),
    issueToken: ({ email, scopes, clientId, offline }) => {
      const account = accountOrThrow(email);
      const client = clientId ?? [...store.clients.keys()][0] ?? 'fake-client';
      const grant = store.createGrant(
        client,
        account.sub,
        normalizeScopes(scopes),
        offline ?? true,
      );
      const access = store.issueAccessToken(grant);
      return {
        accessToken: access.token,
        refreshToken: grant.refreshToken,
        expiresAt: access.expiresAt,
        scopes: grant.scopes,
      };
    },
    revokeToken: (token) => store.revoke(token),
    revokeAccount: (email) => store.revokeAccount(email),
    expireAccessTokens: (email) => store.expireAccessTokens(email),
    setAutoApprove: (email) => {
      autoApprove = email === undefined ? undefined : accountOrThrow(email).email;
    },
    deliverEmail: (email, message) => {
      const stored = deliverIncoming({ store, mailbox, now }, email, message);
      return { id: stored.id, threadId: stored.threadId, historyId: String(stored.historyId) };
    },
    gmailMessages: (email) => {
      const box = mailbox(email);
      return box.messages.map((m) => box.summary(m));
    },
    expireGmailHistory: (email) => {
      const box = mailbox(email);
      box.historyFloor = box.historyId;
    },
    calendarEvents: (email) => [...calendar(email).events.values()].map((s) => s.event),
    invalidateSyncTokens: () => {
      syncGeneration += 1;
    },
    forceFailure: ({ pathPrefix, status = 429, retryAfterSeconds, times = 1 } = {}) => {
      failures.push({
        matches: (req) =>
          pathPrefix ? req.path.startsWith(pathPrefix) : /^\/(gmail|calendar)\//.test(req.path),
        status,
        retryAfterSeconds: retryAfterSeconds ?? (status === 429 ? 1 : undefined),
        remaining: times,
        body: undefined,
      });
    },
    requests: (pathPrefix) => recorded.filter((r) => !pathPrefix || r.path.startsWith(pathPrefix)),
    clearRequests: () => {
      recorded.length = 0;
    },
  };

  app.use(CONTROL_PREFIX, controlRouter(fake));
  app.use(
    googleOAuthRouter({
      store,
      key,
      baseUrl: () => baseUrl,
      issuer: () => options.issuer ?? baseUrl,
      now,
      autoApprove: () => autoApprove,
    }),
  );
  app.use(gmailRouter({ store, mailbox, now }));
  app.use(
    calendarRouter({
      store,
      calendar,
      baseUrl: () => baseUrl,
      now,
      syncGeneration: () => syncGeneration,
    }),
  );
  app.use((_req: Request, res: Response) => {
    res.status(404).json(googleErrorBody(404, 'Not Found', 'notFound'));
  });

  const started = await listenFake(app, options, (url) => {
    baseUrl = url;
  });
  return Object.assign(fake, started);
}

/** The control API over HTTP, for tests and tools in another process. */
function controlRouter(fake: FakeGoogle): Router {
  const router = Router();
  const run =
    (fn: (body: Record<string, unknown>, req: Request) => unknown) =>
    (req: Request, res: Response) => {
      try {
        res.json(fn((req.body ?? {}) as Record<string, unknown>, req) ?? { ok: true });
      } catch (err) {
        res.status(400).json({ error: (err as Error).message });
      }
    };
  const str = (body: Record<string, unknown>, name: string) => {
    const value = body[name];
    if (typeof value !== 'string' || value === '') throw new Error(`${name} is required`);
    return value;
  };
  router.post(
    '/accounts',
    run((b) => fake.addAccount({ ...(b as object), email: str(b, 'email') })),
  );
  router.post(
    '/clients',
    run((b) => {
      if (!Array.isArray(b.redirectUris)) throw new Error('redirectUris is required');
      fake.addClient({
        clientId: str(b, 'clientId'),
        clientSecret: str(b, 'clientSecret'),
        redirectUris: b.redirectUris.map(String),
        name: firstString(b.name),
      });
    }),
  );
  router.post(
    '/tokens',
    run((b) => {
      if (!Array.isArray(b.scopes)) throw new Error('scopes is required');
      return fake.issueToken({
        email: str(b, 'email'),
        scopes: b.scopes.map(String),
        clientId: firstString(b.clientId),
      });
    }),
  );
  router.post(
    '/tokens/revoke',
    run((b) => ({ revoked: fake.revokeToken(str(b, 'token')) })),
  );
  router.post(
    '/accounts/revoke',
    run((b) => ({ revoked: fake.revokeAccount(str(b, 'email')) })),
  );
  router.post(
    '/tokens/expire',
    run((b) => ({ expired: fake.expireAccessTokens(firstString(b.email)) })),
  );
  router.post(
    '/auto-approve',
    run((b) => fake.setAutoApprove(firstString(b.email))),
  );
  router.post(
    '/gmail/deliver',
    run((b) => fake.deliverEmail(str(b, 'email'), b as IncomingEmail)),
  );
  router.get(
    '/gmail/messages',
    run((_b, req) => fake.gmailMessages(firstString(req.query.email) ?? '')),
  );
  router.get(
    '/calendar/events',
    run((_b, req) => fake.calendarEvents(firstString(req.query.email) ?? '')),
  );
  router.post(
    '/calendar/invalidate-sync-tokens',
    run(() => fake.invalidateSyncTokens()),
  );
  router.post(
    '/failures',
    run((b) => fake.forceFailure(b as GoogleFailureOptions)),
  );
  router.get(
    '/requests',
    run((_b, req) => fake.requests(firstString(req.query.pathPrefix))),
  );
  return router;
}
