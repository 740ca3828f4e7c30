import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import {
  CONTROL_PREFIX,
  consentPage,
  createFakeApp,
  escapeHtml,
  firstString,
  listenFake,
  randomToken,
  redirectUriAllowed,
  redirectWith,
  type FakeListenOptions,
  type ForcedFailure,
  type RecordedRequest,
  type StartedFake,
} from '../common';
import { postSignedToSlackApp, type SignedDeliveryOptions, type SlackDelivery } from './events';
import {
  bool,
  decodeCursor,
  encodeCursor,
  jsonArg,
  limitArg,
  SlackApiError,
  SlackWorkspace,
  type Args,
  type SlackApp,
  type SlackAppSeed,
  type SlackChannel,
  type SlackChannelSeed,
  type SlackMessage,
  type SlackTeam,
  type SlackToken,
  type SlackUser,
  type SlackUserSeed,
} from './web-api';

export interface FakeSlackOptions extends FakeListenOptions {
  team?: Partial<SlackTeam>;
  apps?: SlackAppSeed[];
  users?: SlackUserSeed[];
  channels?: SlackChannelSeed[];
  now?: () => number;
}

export interface SlackEventDelivery extends SlackDelivery {
  eventId: string;
}

export interface FakeSlack extends StartedFake {
  /** The Web API base for `new WebClient(token, { slackApiUrl })`, with its trailing slash. */
  apiUrl: string;
  team: SlackTeam;
  addApp(seed: SlackAppSeed): SlackApp;
  addUser(seed: SlackUserSeed): SlackUser;
  addChannel(seed: SlackChannelSeed): SlackChannel;
  /** A token without the install dance; the first app and a bot token unless told otherwise. */
  issueToken(opts: {
    scopes: string[];
    clientId?: string;
    type?: 'bot' | 'user';
    userId?: string;
  }): string;
  revokeToken(token: string): boolean;
  /** The OAuth authorize page approves at once as this user id (true: the first user; undefined: show it). */
  setAutoApprove(userId: string | true | undefined): void;
  /** The next `times` calls of `method` (any method when omitted) get HTTP 429 with Retry-After. */
  forceRateLimit(opts?: { method?: string; retryAfterSeconds?: number; times?: number }): void;
  /** The next `times` calls of `method` answer `{ ok: false, error }`. */
  forceError(opts: { method?: string; error: string; times?: number }): void;
  /** A channel's messages, oldest first, replies included. */
  messages(channel: string): SlackMessage[];
  /** Web API calls received, optionally of one method, with their parsed arguments. */
  calls(method?: string): { method: string; args: Args; status?: number }[];
  requests(): RecordedRequest[];
  clearRequests(): void;
  /** Sends an `event_callback` wrapping `event`, signed with the app's signing secret. */
  sendEvent(
    opts: {
      event: Record<string, unknown>;
      url?: string;
      clientId?: string;
    } & SignedDeliveryOptions,
  ): Promise<SlackEventDelivery>;
  /** Sends the `url_verification` challenge; `verified` says whether the app echoed it. */
  sendUrlVerification(
    opts?: { url?: string; clientId?: string } & SignedDeliveryOptions,
  ): Promise<SlackDelivery & { challenge: string; verified: boolean }>;
  /** A person posts in a channel; apps with an events URL whose bot is a member get a `message` event. */
  userPostsMessage(opts: {
    channel: string;
    user?: string;
    text: string;
    threadTs?: string;
  }): Promise<{ ts: string; deliveries: SlackEventDelivery[] }>;
}

const ALL_TYPES = ['public_channel', 'private_channel', 'mpim', 'im'];
const TYPE_SCOPES: Record<string, string> = {
  public_channel: 'channels:read',
  private_channel: 'groups:read',
  mpim: 'mpim:read',
  im: 'im:read',
};

interface PendingInstall {
  app: SlackApp;
  redirectUri: string;
  scopes: string[];
  userScopes: string[];
  state?: string;
}

interface InstallCode {
  app: SlackApp;
  redirectUri: string;
  scopes: string[];
  userScopes: string[];
  userId: string;
  expiresAt: number;
}

/**
 * Starts the fake Slack: OAuth v2 install, the Web API methods FlowGenie uses, and an Events API
 * sender. Point @slack/web-api at it with `new WebClient(token, { slackApiUrl: fake.apiUrl })`.
 */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const now = options.now ?? Date.now;
  const team: SlackTeam = {
    id: 'T0FAKETEAM',
    name: 'FlowGenie Test',
    domain: 'flowgenie-test',
    ...options.team,
  };
  const ws = new SlackWorkspace(team, now);
  for (const seed of options.apps ?? []) ws.addApp(seed);
  for (const seed of options.users ?? []) ws.addUser(seed);
  for (const seed of options.channels ?? []) ws.addChannel(seed);
  let baseUrl = '';
  let autoApprove: string | true | undefined;
  const recorded: RecordedRequest[] = [];
  const failures: ForcedFailure[] = [];
  const pending = new Map<string, PendingInstall>();
  const codes = new Map<string, InstallCode>();

  const app = createFakeApp(recorded, failures, (res, failure) => {
    res.status(failure.status).json(failure.body);
  });
  const methodOf = (req: Request) =>
    req.path.startsWith('/api/') ? req.path.slice('/api/'.length) : undefined;

  const appFor = (clientId?: string): SlackApp => {
    const found = clientId ? ws.apps.get(clientId) : [...ws.apps.values()][0];
    if (!found) throw new Error(clientId ? `no Slack app ${clientId}` : 'no Slack app is seeded');
    return found;
  };
  const channelOrThrow = (ref: string) => {
    const channel = ws.findChannel(ref);
    if (!channel) throw new Error(`no Slack channel ${ref}`);
    return channel;
  };
  const permalink = (channel: SlackChannel, message: SlackMessage) => {
    const link = `${baseUrl}/archives/${channel.id}/p${message.ts.replace('.', '')}`;
    return message.thread_ts && message.thread_ts !== message.ts
      ? `${link}?thread_ts=${message.thread_ts}&cid=${channel.id}`
      : link;
  };

  const sendEvent: FakeSlack['sendEvent'] = async ({ event, url, clientId, ...delivery }) => {
    const target = appFor(clientId);
    const to = url ?? target.eventsUrl;
    if (!to) throw new Error(`Slack app ${target.clientId} has no events URL`);
    const eventId = `Ev${randomBytes(5).toString('hex').toUpperCase()}`;
    const eventTs = typeof event.event_ts === 'string' ? event.event_ts : ws.nextTs();
    const envelope = {
      token: target.verificationToken,
      team_id: team.id,
      api_app_id: target.appId,
      event: { ...event, event_ts: eventTs },
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(now() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: team.id,
          user_id: target.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
      event_context: randomToken(24),
    };
    return {
      eventId,
      ...(await postSignedToSlackApp(to, envelope, target.signingSecret, delivery)),
    };
  };

  const fake: FakeSlack = {
    url: '',
    apiUrl: '',
    port: 0,
    team,
    close: async () => undefined,
    addApp: (seed) => ws.addApp(seed),
    addUser: (seed) => ws.addUser(seed),
    addChannel: (seed) => ws.addChannel(seed),
    issueToken: ({ scopes, clientId, type = 'bot', userId }) => {
      const target = appFor(clientId);
      const user = type === 'user' ? (userId ?? [...ws.users.keys()][0]) : undefined;
      if (type === 'user' && !user) throw new Error('a user token needs a seeded user');
      return ws.issueToken(target, type, scopes, user).token;
    },
    revokeToken: (token) => {
      const found = ws.tokens.get(token);
      if (!found || found.revoked) return false;
      found.revoked = true;
      return true;
    },
    setAutoApprove: (userId) => {
      if (typeof userId === 'string' && !ws.users.has(userId))
        throw new Error(`no Slack user ${userId}`);
      autoApprove = userId;
    },
    forceRateLimit: ({ method, retryAfterSeconds = 1, times = 1 } = {}) => {
      failures.push({
        matches: (req) => methodOf(req) !== undefined && (!method || methodOf(req) === method),
        status: 429,
        retryAfterSeconds,
        remaining: times,
        body: { ok: false, error: 'ratelimited' },
      });
    },
    forceError: ({ method, error, times = 1 }) => {
      failures.push({
        matches: (req) => methodOf(req) !== undefined && (!method || methodOf(req) === method),
        status: 200,
        remaining: times,
        body: { ok: false, error },
      });
    },
    messages: (channel) => [...(ws.messages.get(channelOrThrow(channel).id) ?? [])],
    calls: (method) =>
      recorded
        .filter((r) => r.path.startsWith('/api/') && (!method || r.path === `/api/${method}`))
        .map((r) => ({
          method: r.path.slice(5),
          args: { ...r.query, ...(r.body as Args) },
          status: r.status,
        })),
    requests: () => [...recorded],
    clearRequests: () => {
      recorded.length = 0;
    },
    sendEvent,
    sendUrlVerification: async ({ url, clientId, ...delivery } = {}) => {
      const target = appFor(clientId);
      const to = url ?? target.eventsUrl;
      if (!to) throw new Error(`Slack app ${target.clientId} has no events URL`);
      const challenge = randomToken(32);
      const result = await postSignedToSlackApp(
        to,
        { token: target.verificationToken, challenge, type: 'url_verification' },
        target.signingSecret,
        delivery,
      );
      let echoed: unknown;
      try {
        echoed = (JSON.parse(result.body) as { challenge?: unknown }).challenge;
      } catch {
        echoed = result.body;
      }
      return { ...result, challenge, verified: result.status === 200 && echoed === challenge };
    },
    userPostsMessage: async ({ channel: ref, user, text, threadTs }) => {
      const channel = channelOrThrow(ref);
      const author = user ?? [...ws.users.keys()][0];
      if (!author) throw new Error('no Slack user is seeded');
      const message = ws.post(channel, {
        text,
        user: author,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
      const deliveries: SlackEventDelivery[] = [];
      if (channel.botIsMember) {
        for (const target of ws.apps.values()) {
          if (!target.eventsUrl) continue;
          deliveries.push(
            await sendEvent({
              clientId: target.clientId,
              event: {
                type: 'message',
                channel: channel.id,
                channel_type: channel.isPrivate ? 'group' : 'channel',
                user: author,
                text,
                ts: message.ts,
                event_ts: message.ts,
                team: team.id,
                ...(threadTs ? { thread_ts: threadTs } : {}),
              },
            }),
          );
        }
      }
      return { ts: message.ts, deliveries };
    },
  };

  // ---- OAuth v2 install ----------------------------------------------------------------------

  const approve = (res: Response, install: PendingInstall, userId: string) => {
    const code = `${Date.now()}.${randomToken(24)}`;
    codes.set(code, { ...install, userId, expiresAt: now() + 10 * 60_000 });
    res.redirect(302, redirectWith(install.redirectUri, { code, state: install.state }));
  };

  app.get('/oauth/v2/authorize', (req, res) => {
    const q = req.query as Record<string, unknown>;
    const target = ws.apps.get(firstString(q.client_id) ?? '');
    const errorPage = (message: string) =>
      res
        .status(400)
        .type('html')
        .send(
          `<!doctype html><html><body><h1>Slack (fake)</h1><p>${escapeHtml(message)}</p></body></html>`,
        );
    if (!target) return errorPage('invalid_client_id: this app does not exist.');
    const redirectUri = firstString(q.redirect_uri) ?? target.redirectUris[0];
    if (
      !redirectUri ||
      redirectUri.endsWith('*') ||
      !redirectUriAllowed(target.redirectUris, redirectUri)
    )
      return errorPage('bad_redirect_uri: redirect_uri did not match any configured URIs.');
    const split = (value: unknown) => (firstString(value) ?? '').split(/[,\s]+/).filter(Boolean);
    const install: PendingInstall = {
      app: target,
      redirectUri,
      scopes: split(q.scope),
      userScopes: split(q.user_scope),
      state: firstString(q.state),
    };
    if (install.scopes.length === 0 && install.userScopes.length === 0)
      return errorPage('invalid_scope: no scopes were requested.');
    const auto = firstString(q.fake_auto_approve)
      ? (firstString(q.fake_user) ?? true)
      : autoApprove;
    if (auto !== undefined) {
      const userId = auto === true ? [...ws.users.keys()][0] : auto;
      if (!userId || !ws.users.has(userId)) return errorPage('No such user is seeded.');
      return approve(res, install, userId);
    }
    const requestId = randomToken(12);
    pending.set(requestId, install);
    res.type('html').send(
      consentPage({
        provider: `Slack: ${team.name}`,
        clientName: target.name,
        scopes: [...install.scopes, ...install.userScopes.map((s) => `${s} (on your behalf)`)],
        action: `${baseUrl}/oauth/v2/authorize/decision`,
        requestId,
        choices: [...ws.users.values()].map((u) => ({
          value: u.id,
          label: `${u.realName} (@${u.name})`,
        })),
      }),
    );
  });

  app.post('/oauth/v2/authorize/decision', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const install = pending.get(firstString(body.request) ?? '');
    if (!install)
      return res
        .status(400)
        .type('html')
        .send('<!doctype html><p>This install request has expired or was already used.</p>');
    pending.delete(firstString(body.request)!);
    if (firstString(body.decision) !== 'allow')
      return res.redirect(
        302,
        redirectWith(install.redirectUri, { error: 'access_denied', state: install.state }),
      );
    const userId = firstString(body.account) ?? '';
    if (!ws.users.has(userId))
      return res.status(400).type('html').send('<!doctype html><p>Choose a user.</p>');
    approve(res, install, userId);
  });

  const oauthAccess = (req: Request, args: Args) => {
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [];
    const clientId = basicId ?? firstString(args.client_id);
    const clientSecret = basicSecret ?? firstString(args.client_secret);
    const target = clientId ? ws.apps.get(clientId) : undefined;
    if (!target) throw new SlackApiError('invalid_client_id');
    if (target.clientSecret !== clientSecret) throw new SlackApiError('bad_client_secret');
    const codeValue = firstString(args.code) ?? '';
    const code = codes.get(codeValue);
    codes.delete(codeValue);
    if (!code || code.app !== target || code.expiresAt <= now())
      throw new SlackApiError('invalid_code');
    const redirectUri = firstString(args.redirect_uri);
    if (redirectUri !== undefined && redirectUri !== code.redirectUri)
      throw new SlackApiError('bad_redirect_uri');
    const bot = code.scopes.length ? ws.issueToken(target, 'bot', code.scopes) : undefined;
    const user = code.userScopes.length
      ? ws.issueToken(target, 'user', code.userScopes, code.userId)
      : undefined;
    return {
      app_id: target.appId,
      authed_user: {
        id: code.userId,
        ...(user
          ? { scope: user.scopes.join(','), access_token: user.token, token_type: 'user' }
          : {}),
      },
      ...(bot
        ? {
            scope: bot.scopes.join(','),
            token_type: 'bot',
            access_token: bot.token,
            bot_user_id: target.botUserId,
          }
        : {}),
      team: { id: team.id, name: team.name },
      enterprise: null,
      is_enterprise_install: false,
    };
  };

  // ---- Web API --------------------------------------------------------------------------------

  type Method = {
    scopes?: (args: Args) => string[];
    run: (args: Args, caller: SlackToken) => object;
  };

  const channelForRead = (args: Args, caller: SlackToken): SlackChannel => {
    const channel = ws.findChannel(args.channel);
    if (!channel || (channel.isPrivate && caller.type === 'bot' && !channel.botIsMember))
      throw new SlackApiError('channel_not_found');
    if (caller.type === 'bot' && !channel.botIsMember) throw new SlackApiError('not_in_channel');
    return channel;
  };
  const historyScopes = (args: Args) => [
    ws.findChannel(args.channel)?.isPrivate ? 'groups:history' : 'channels:history',
  ];
  const withMetadata = (m: SlackMessage, args: Args, caller: SlackToken) => {
    // Metadata comes back for the caller's own app, or for everyone with include_all_metadata.
    if (!m.metadata || bool(args.include_all_metadata) || m.app_id === caller.appId) return m;
    const { metadata: _hidden, ...rest } = m;
    return rest;
  };
  const page = <T>(items: T[], args: Args, dflt: number, max: number) => {
    const offset = decodeCursor(args.cursor);
    const size = limitArg(args.limit, dflt, max);
    const more = offset + size < items.length;
    return {
      slice: items.slice(offset, offset + size),
      more,
      next_cursor: more ? encodeCursor(offset + size) : '',
    };
  };

  const methods: Record<string, Method> = {
    'auth.test': {
      run: (_args, caller) => {
        const name =
          caller.type === 'bot'
            ? ws.appById(caller.appId)?.name.toLowerCase()
            : ws.users.get(caller.userId)?.name;
        return {
          url: `https://${team.domain}.slack.com/`,
          team: team.name,
          user: name,
          team_id: team.id,
          user_id: caller.userId,
          ...(caller.botId ? { bot_id: caller.botId } : {}),
          is_enterprise_install: false,
        };
      },
    },
    'auth.revoke': {
      run: (args, caller) => {
        if (bool(args.test)) return { revoked: false };
        caller.revoked = true;
        return { revoked: true };
      },
    },
    'chat.postMessage': {
      scopes: () => ['chat:write'],
      run: (args, caller) => {
        const channel = ws.findChannel(args.channel);
        if (!channel || (channel.isPrivate && !channel.botIsMember))
          throw new SlackApiError('channel_not_found');
        if (channel.isArchived) throw new SlackApiError('is_archived');
        if (
          caller.type === 'bot' &&
          !channel.botIsMember &&
          !caller.scopes.includes('chat:write.public')
        )
          throw new SlackApiError('not_in_channel');
        const blocks = args.blocks === undefined ? undefined : jsonArg(args.blocks);
        if (blocks !== undefined && !Array.isArray(blocks))
          throw new SlackApiError('invalid_blocks');
        const text = typeof args.text === 'string' ? args.text : '';
        if (!text && !blocks?.length && args.attachments === undefined)
          throw new SlackApiError('no_text');
        if (text.length > 40_000) throw new SlackApiError('msg_too_long');
        let metadata: SlackMessage['metadata'];
        if (args.metadata !== undefined) {
          const parsed = jsonArg(args.metadata) as {
            event_type?: unknown;
            event_payload?: unknown;
          };
          if (!parsed || typeof parsed !== 'object')
            throw new SlackApiError('invalid_metadata_format');
          if (
            typeof parsed.event_type !== 'string' ||
            !parsed.event_payload ||
            typeof parsed.event_payload !== 'object'
          )
            throw new SlackApiError('invalid_metadata_schema');
          metadata = {
            event_type: parsed.event_type,
            event_payload: parsed.event_payload as Record<string, unknown>,
          };
        }
        const threadTs = firstString(args.thread_ts);
        const message = ws.post(channel, {
          text,
          user: caller.userId,
          ...(caller.type === 'bot' ? { bot_id: caller.botId, app_id: caller.appId } : {}),
          ...(blocks ? { blocks } : {}),
          ...(threadTs ? { thread_ts: threadTs } : {}),
          ...(metadata ? { metadata } : {}),
        });
        return { channel: channel.id, ts: message.ts, message };
      },
    },
    'chat.getPermalink': {
      run: (args) => {
        const channel = ws.findChannel(args.channel);
        if (!channel) throw new SlackApiError('channel_not_found');
        const message = ws.messages.get(channel.id)!.find((m) => m.ts === args.message_ts);
        if (!message) throw new SlackApiError('message_not_found');
        return { channel: channel.id, permalink: permalink(channel, message) };
      },
    },
    'conversations.list': {
      scopes: (args) => [
        ...new Set(
          String(args.types ?? 'public_channel')
            .split(',')
            .map((t) => TYPE_SCOPES[t.trim()])
            .filter(Boolean),
        ),
      ],
      run: (args, caller) => {
        const types = String(args.types ?? 'public_channel')
          .split(',')
          .map((t) => t.trim());
        if (types.some((t) => !ALL_TYPES.includes(t))) throw new SlackApiError('invalid_types');
        const visible = [...ws.channels.values()]
          .filter((c) =>
            c.isPrivate
              ? types.includes('private_channel') && (caller.type === 'user' || c.botIsMember)
              : types.includes('public_channel'),
          )
          .filter((c) => !(bool(args.exclude_archived) && c.isArchived));
        const { slice, next_cursor } = page(visible, args, 100, 1000);
        return { channels: slice.map(channelJson), response_metadata: { next_cursor } };
      },
    },
    'conversations.info': {
      scopes: (args) => [ws.findChannel(args.channel)?.isPrivate ? 'groups:read' : 'channels:read'],
      run: (args, caller) => {
        const channel = ws.findChannel(args.channel);
        if (!channel || (channel.isPrivate && caller.type === 'bot' && !channel.botIsMember))
          throw new SlackApiError('channel_not_found');
        return { channel: channelJson(channel) };
      },
    },
    'conversations.history': {
      scopes: historyScopes,
      run: (args, caller) => {
        const channel = channelForRead(args, caller);
        const oldest = Number(args.oldest ?? 0);
        const latest = args.latest === undefined ? Infinity : Number(args.latest);
        const inclusive = bool(args.inclusive);
        const inRange = (m: SlackMessage) => {
          const ts = Number(m.ts);
          return inclusive ? ts >= oldest && ts <= latest : ts > oldest && ts < latest;
        };
        const topLevel = ws.messages
          .get(channel.id)!
          .filter((m) => !m.thread_ts || m.thread_ts === m.ts)
          .filter(inRange)
          .reverse();
        const { slice, more, next_cursor } = page(topLevel, args, 100, 999);
        return {
          messages: slice.map((m) => withMetadata(m, args, caller)),
          has_more: more,
          pin_count: 0,
          ...(more ? { response_metadata: { next_cursor } } : {}),
        };
      },
    },
    'conversations.replies': {
      scopes: historyScopes,
      run: (args, caller) => {
        const channel = channelForRead(args, caller);
        const all = ws.messages.get(channel.id)!;
        const parent = all.find((m) => m.ts === args.ts);
        if (!parent) throw new SlackApiError('thread_not_found');
        const thread = [
          parent,
          ...all.filter((m) => m.thread_ts === parent.ts && m.ts !== parent.ts),
        ];
        const { slice, more, next_cursor } = page(thread, args, 100, 999);
        return {
          messages: slice.map((m) => withMetadata(m, args, caller)),
          has_more: more,
          ...(more ? { response_metadata: { next_cursor } } : {}),
        };
      },
    },
  };

  function channelJson(c: SlackChannel) {
    return {
      id: c.id,
      name: c.name,
      name_normalized: c.name,
      is_channel: !c.isPrivate,
      is_group: c.isPrivate,
      is_im: false,
      is_mpim: false,
      is_private: c.isPrivate,
      is_archived: c.isArchived,
      is_general: c.name === 'general',
      is_member: c.botIsMember,
      is_shared: false,
      is_org_shared: false,
      is_ext_shared: false,
      created: c.created,
      creator: [...ws.users.keys()][0] ?? '',
      topic: { value: c.topic, creator: '', last_set: 0 },
      purpose: { value: c.purpose, creator: '', last_set: 0 },
      num_members: ws.users.size + (c.botIsMember ? ws.apps.size : 0),
    };
  }

  const callMethod = (req: Request, res: Response) => {
    const method = String(req.params.method);
    const body = req.body && typeof req.body === 'object' ? (req.body as Args) : {};
    const args: Args = { ...(req.query as Args), ...body };
    const reply = (result: object) => res.json({ ok: true, ...result });
    const fail = (err: unknown) => {
      if (err instanceof SlackApiError)
        return res.json({ ok: false, error: err.error, ...err.extra });
      throw err;
    };
    try {
      if (method === 'oauth.v2.access') return reply(oauthAccess(req, args));
      const spec = methods[method];
      if (!spec) throw new SlackApiError('unknown_method', { req_method: method });
      const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const token = bearer ?? firstString(args.token);
      if (!token) throw new SlackApiError('not_authed');
      const caller = ws.tokens.get(token);
      if (!caller) throw new SlackApiError('invalid_auth');
      if (caller.revoked) throw new SlackApiError('token_revoked');
      res.setHeader('x-oauth-scopes', caller.scopes.join(','));
      const needed = spec.scopes?.(args) ?? [];
      if (needed.length) res.setHeader('x-accepted-oauth-scopes', needed.join(','));
      const missing = needed.filter((s) => !caller.scopes.includes(s));
      if (missing.length)
        throw new SlackApiError('missing_scope', {
          needed: missing.join(','),
          provided: caller.scopes.join(','),
        });
      reply(spec.run(args, caller));
    } catch (err) {
      fail(err);
    }
  };
  app.post('/api/:method', callMethod);
  app.get('/api/:method', callMethod);

  // What a permalink opens.
  app.get('/archives/:channel/:p', (req, res) => {
    const channel = ws.findChannel(String(req.params.channel));
    const ts = String(req.params.p).replace(/^p(\d+)(\d{6})$/, '$1.$2');
    const message = channel && ws.messages.get(channel.id)!.find((m) => m.ts === ts);
    if (!message)
      return res.status(404).type('html').send('<!doctype html><p>Message not found</p>');
    res
      .type('html')
      .send(
        `<!doctype html><html><body><h1>#${escapeHtml(channel.name)}</h1><p>${escapeHtml(message.text)}</p></body></html>`,
      );
  });

  app.use(CONTROL_PREFIX, controlRouter(fake));
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ ok: false, error: 'unknown_method' });
  });

  const started = await listenFake(app, options, (url) => {
    baseUrl = url;
  });
  return Object.assign(fake, started, { apiUrl: `${started.url}/api/` });
}

/** The control API over HTTP, for tests and tools in another process. */
function controlRouter(fake: FakeSlack): Router {
  const router = Router();
  const run =
    (fn: (body: Record<string, unknown>, req: Request) => unknown) =>
    async (req: Request, res: Response) => {
      try {
        res.json((await fn((req.body ?? {}) as Record<string, unknown>, req)) ?? { ok: true });
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
    '/channels',
    run((b) => fake.addChannel({ ...(b as object), name: str(b, 'name') })),
  );
  router.post(
    '/users',
    run((b) => fake.addUser({ ...(b as object), name: str(b, 'name') })),
  );
  router.post(
    '/tokens',
    run((b) => {
      if (!Array.isArray(b.scopes)) throw new Error('scopes is required');
      return {
        token: fake.issueToken({
          scopes: b.scopes.map(String),
          clientId: firstString(b.clientId),
          type: b.type === 'user' ? 'user' : 'bot',
          userId: firstString(b.userId),
        }),
      };
    }),
  );
  router.post(
    '/tokens/revoke',
    run((b) => ({ revoked: fake.revokeToken(str(b, 'token')) })),
  );
  router.post(
    '/auto-approve',
    run((b) => fake.setAutoApprove(b.userId === true ? true : firstString(b.userId))),
  );
  router.post(
    '/rate-limit',
    run((b) =>
      fake.forceRateLimit({
        method: firstString(b.method),
        retryAfterSeconds:
          typeof b.retryAfterSeconds === 'number' ? b.retryAfterSeconds : undefined,
        times: typeof b.times === 'number' ? b.times : undefined,
      }),
    ),
  );
  router.get(
    '/messages',
    run((_b, req) => fake.messages(firstString(req.query.channel) ?? '')),
  );
  router.get(
    '/calls',
    run((_b, req) => fake.calls(firstString(req.query.method))),
  );
  router.post(
    '/events',
    run((b) => {
      if (!b.event || typeof b.event !== 'object') throw new Error('event is required');
      return fake.sendEvent({
        event: b.event as Record<string, unknown>,
        url: firstString(b.url),
        clientId: firstString(b.clientId),
      });
    }),
  );
  router.post(
    '/url-verification',
    run((b) =>
      fake.sendUrlVerification({ url: firstString(b.url), clientId: firstString(b.clientId) }),
    ),
  );
  router.post(
    '/user-message',
    run((b) =>
      fake.userPostsMessage({
        channel: str(b, 'channel'),
        text: str(b, 'text'),
        user: firstString(b.user),
        threadTs: firstString(b.threadTs),
      }),
    ),
  );
  return router;
}
