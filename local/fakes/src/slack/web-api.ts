import { randomBytes } from 'node:crypto';
import { randomToken } from '../common';

export interface SlackTeam {
  id: string;
  name: string;
  domain: string;
}

export interface SlackAppSeed {
  clientId: string;
  clientSecret: string;
  signingSecret: string;
  redirectUris: string[];
  appId?: string;
  name?: string;
  botUserId?: string;
  botId?: string;
  /** The Events API request URL; userPostsMessage delivers `message` events there. */
  eventsUrl?: string;
}

export type SlackApp = Required<Omit<SlackAppSeed, 'eventsUrl'>> & {
  eventsUrl?: string;
  verificationToken: string;
};

export interface SlackUserSeed {
  id?: string;
  name: string;
  realName?: string;
  email?: string;
}

export type SlackUser = Required<SlackUserSeed>;

export interface SlackChannelSeed {
  id?: string;
  name: string;
  isPrivate?: boolean;
  isArchived?: boolean;
  /** Whether the apps' bot users are members; default true. */
  botIsMember?: boolean;
  topic?: string;
  purpose?: string;
}

export interface SlackChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  botIsMember: boolean;
  topic: string;
  purpose: string;
  created: number;
}

export interface SlackToken {
  token: string;
  type: 'bot' | 'user';
  appId: string;
  userId: string;
  botId?: string;
  scopes: string[];
  revoked: boolean;
}

export interface SlackMessage {
  type: 'message';
  ts: string;
  text: string;
  user: string;
  team: string;
  bot_id?: string;
  app_id?: string;
  blocks?: unknown[];
  thread_ts?: string;
  reply_count?: number;
  latest_reply?: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

/** A Web API failure: `{ ok: false, error, ...extra }` with HTTP 200, as Slack answers. */
export class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
  }
}

function id(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return prefix + [...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join('');
}

export class SlackWorkspace {
  readonly apps = new Map<string, SlackApp>();
  readonly users = new Map<string, SlackUser>();
  readonly channels = new Map<string, SlackChannel>();
  readonly tokens = new Map<string, SlackToken>();
  readonly messages = new Map<string, SlackMessage[]>();
  private lastMicros = 0;

  constructor(
    readonly team: SlackTeam,
    private readonly now: () => number,
  ) {}

  addApp(seed: SlackAppSeed): SlackApp {
    const app: SlackApp = {
      appId: seed.appId ?? id('A'),
      name: seed.name ?? 'FlowGenie',
      botUserId: seed.botUserId ?? id('U'),
      botId: seed.botId ?? id('B'),
      verificationToken: randomToken(18),
      ...Object.fromEntries(Object.entries(seed).filter(([, v]) => v !== undefined)),
    } as SlackApp;
    this.apps.set(app.clientId, app);
    return app;
  }

  appById(appId: string): SlackApp | undefined {
    return [...this.apps.values()].find((a) => a.appId === appId);
  }

  addUser(seed: SlackUserSeed): SlackUser {
    const user: SlackUser = {
      id: seed.id ?? id('U'),
      name: seed.name,
      realName: seed.realName ?? seed.name,
      email: seed.email ?? `${seed.name}@example.com`,
    };
    this.users.set(user.id, user);
    return user;
  }

  addChannel(seed: SlackChannelSeed): SlackChannel {
    const channel: SlackChannel = {
      id: seed.id ?? id(seed.isPrivate ? 'G' : 'C'),
      name: seed.name.replace(/^#/, ''),
      isPrivate: seed.isPrivate ?? false,
      isArchived: seed.isArchived ?? false,
      botIsMember: seed.botIsMember ?? true,
      topic: seed.topic ?? '',
      purpose: seed.purpose ?? '',
      created: Math.floor(this.now() / 1000),
    };
    this.channels.set(channel.id, channel);
    this.messages.set(channel.id, []);
    return channel;
  }

  issueToken(app: SlackApp, type: 'bot' | 'user', scopes: string[], userId?: string): SlackToken {
    const prefix = type === 'bot' ? 'xoxb' : 'xoxp';
    const token: SlackToken = {
      token: `${prefix}-${Date.now()}-${randomBytes(6).readUIntBE(0, 6)}-${randomToken(18)}`,
      type,
      appId: app.appId,
      userId: type === 'bot' ? app.botUserId : userId!,
      botId: type === 'bot' ? app.botId : undefined,
      scopes,
      revoked: false,
    };
    this.tokens.set(token.token, token);
    return token;
  }

  /** Channel by id, or by name with or without '#'. */
  findChannel(ref: unknown): SlackChannel | undefined {
    if (typeof ref !== 'string' || ref === '') return undefined;
    const byId = this.channels.get(ref);
    if (byId) return byId;
    const name = ref.replace(/^#/, '');
    return [...this.channels.values()].find((c) => c.name === name);
  }

  /** Message timestamps are unique and increasing, like Slack's "seconds.micros". */
  nextTs(): string {
    this.lastMicros = Math.max(this.now() * 1000, this.lastMicros + 1);
    return `${Math.floor(this.lastMicros / 1e6)}.${String(this.lastMicros % 1e6).padStart(6, '0')}`;
  }

  post(channel: SlackChannel, message: Omit<SlackMessage, 'ts' | 'type' | 'team'>): SlackMessage {
    const list = this.messages.get(channel.id)!;
    if (message.thread_ts && !list.some((m) => m.ts === message.thread_ts))
      throw new SlackApiError('thread_not_found');
    const stored: SlackMessage = {
      type: 'message',
      ts: this.nextTs(),
      team: this.team.id,
      ...message,
    };
    list.push(stored);
    if (stored.thread_ts) {
      const parent = list.find((m) => m.ts === stored.thread_ts)!;
      parent.thread_ts = parent.ts;
      parent.reply_count = (parent.reply_count ?? 0) + 1;
      parent.latest_reply = stored.ts;
    }
    return stored;
  }
}

// ---- argument helpers -------------------------------------------------------------------------

export type Args = Record<string, unknown>;

export function bool(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

/** Web API clients send objects as JSON strings in form bodies. */
export function jsonArg(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return Symbol.for('invalid');
  }
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64');
}

export function decodeCursor(cursor: unknown): number {
  if (cursor === undefined || cursor === '') return 0;
  const m = /^offset:(\d+)$/.exec(Buffer.from(String(cursor), 'base64').toString());
  if (!m) throw new SlackApiError('invalid_cursor');
  return Number(m[1]);
}

export function limitArg(value: unknown, dflt: number, max: number): number {
  const n = Number(value ?? dflt);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : dflt;
}
