import { gmail as gmailApi, type gmail_v1 } from 'googleapis/build/src/apis/gmail';
import type { GmailMessagePayload, GmailNewMessageConfig } from '@flowgenie/integrations/triggers';
import type { PollInput, PollResult, PollSource, PolledItem } from '../../ports/provider-sources';
import { googleStatus } from '@flowgenie/integrations/actions';
import { gmailBodies } from '@flowgenie/integrations';
import { providerError } from './google-errors';

/** New messages looked at per poll (each is one messages.get); the rest waits for the next poll. */
const MAX_CANDIDATES = 100;
const HISTORY_PAGE_SIZE = 100;
/** Messages listed when the history is too old to read (404): newest first, deduped by key. */
const FALLBACK_MAX_MESSAGES = 100;

interface GmailCursor {
  historyId: string;
  /** When the cursor was saved: a fallback search looks back to it. */
  since: string;
}

/**
 * New Gmail messages through googleapis: the first poll records the mailbox's current historyId
 * (users.getProfile) so older mail never fires; later polls read users.history.list
 * (messageAdded) from the stored historyId. With a search, the added messages are matched
 * through messages.list (`q` plus `after:` the oldest candidate); without one, messages landing
 * in INBOX count. When the history is too old (404), a bounded messages.list search since the
 * last poll replaces it and the firing keys dedupe what was already seen.
 */
export class GmailPollSource implements PollSource<GmailNewMessageConfig> {
  constructor(private readonly opts: { rootUrl: string; fetch?: typeof fetch }) {}

  private client(token: string): gmail_v1.Gmail {
    return gmailApi({
      version: 'v1',
      rootUrl: this.opts.rootUrl,
      retry: false,
      headers: { Authorization: `Bearer ${token}` },
      fetchImplementation: this.opts.fetch ?? fetch,
    });
  }

  async poll(input: PollInput<GmailNewMessageConfig>): Promise<PollResult> {
    const gmail = this.client(input.token);
    const cursor = input.cursor as Partial<GmailCursor> | null;
    const now = input.now.toISOString();
    try {
      if (!cursor?.historyId) {
        const profile = await gmail.users.getProfile({ userId: 'me' });
        return { items: [], cursor: { historyId: String(profile.data.historyId), since: now } };
      }
      let added: Map<string, string[]>;
      let historyId: string;
      try {
        ({ added, historyId } = await this.history(gmail, cursor.historyId));
      } catch (err) {
        if (googleStatus(err) !== 404) throw err;
        return await this.fallback(gmail, input, cursor.since ?? now);
      }
      // Without a search only inbox mail counts: the history already names each message's
      // labels, so mail that never reached the inbox (sent, filtered away) is not fetched.
      const ids = [...added]
        .filter(([, labels]) => input.settings.query || !labels.length || labels.includes('INBOX'))
        .map(([id]) => id);
      if (ids.length === 0) return { items: [], cursor: { historyId, since: now } };
      const messages = await this.metadataOf(gmail, ids);
      const matching = input.settings.query
        ? await this.matchingQuery(gmail, input.settings.query, messages)
        : messages.filter((m) => (m.labelIds ?? []).includes('INBOX'));
      return { items: matching.map(toItem), cursor: { historyId, since: now } };
    } catch (err) {
      throw providerError(err, 'Gmail');
    }
  }

  private async history(
    gmail: gmail_v1.Gmail,
    startHistoryId: string,
  ): Promise<{ added: Map<string, string[]>; historyId: string }> {
    const added = new Map<string, string[]>();
    let pageToken: string | undefined;
    let historyId = startHistoryId;
    for (;;) {
      const res = await gmail.users.history.list({
        userId: 'me',
        startHistoryId,
        historyTypes: ['messageAdded'],
        maxResults: HISTORY_PAGE_SIZE,
        ...(pageToken ? { pageToken } : {}),
      });
      let lastRecord: string | undefined;
      for (const record of res.data.history ?? []) {
        lastRecord = record.id ?? lastRecord;
        for (const a of record.messagesAdded ?? [])
          if (a.message?.id) added.set(a.message.id, a.message.labelIds ?? []);
      }
      pageToken = res.data.nextPageToken ?? undefined;
      if (!pageToken) return { added, historyId: String(res.data.historyId ?? historyId) };
      historyId = lastRecord ?? historyId;
      // Enough for one poll: the next one continues after the last record read (records are in order).
      if (added.size >= MAX_CANDIDATES) return { added, historyId };
    }
  }

  private async metadataOf(
    gmail: gmail_v1.Gmail,
    ids: string[],
  ): Promise<gmail_v1.Schema$Message[]> {
    const out: gmail_v1.Schema$Message[] = [];
    for (const id of ids) {
      try {
        const res = await gmail.users.messages.get({
          userId: 'me',
          id,
          // `full`: headers and the bodies the workflow gets as `trigger.text` / `trigger.html`.
          format: 'full',
        });
        out.push(res.data);
      } catch (err) {
        // Deleted since it arrived: nothing to fire.
        if (googleStatus(err) !== 404) throw err;
      }
    }
    return out;
  }

  /** The candidates that Gmail's own search matches (listed since the oldest of them). */
  private async matchingQuery(
    gmail: gmail_v1.Gmail,
    query: string,
    candidates: gmail_v1.Schema$Message[],
  ): Promise<gmail_v1.Schema$Message[]> {
    const oldest = Math.min(...candidates.map((m) => Number(m.internalDate ?? Date.now())));
    const q = `${query} after:${Math.floor(oldest / 1000) - 1}`;
    const wanted = new Set(candidates.map((m) => m.id));
    const found = new Set<string>();
    let pageToken: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const res = await gmail.users.messages.list({
        userId: 'me',
        q,
        maxResults: 500,
        ...(pageToken ? { pageToken } : {}),
      });
      for (const m of res.data.messages ?? []) if (m.id && wanted.has(m.id)) found.add(m.id);
      pageToken = res.data.nextPageToken ?? undefined;
      if (!pageToken || found.size === wanted.size) break;
    }
    return candidates.filter((m) => m.id && found.has(m.id));
  }

  private async fallback(
    gmail: gmail_v1.Gmail,
    input: PollInput<GmailNewMessageConfig>,
    since: string,
  ): Promise<PollResult> {
    // The new baseline first: mail arriving while we search is in the next history read.
    const profile = await gmail.users.getProfile({ userId: 'me' });
    const sinceMs = Date.parse(since);
    const q = `${input.settings.query || 'in:inbox'} after:${Math.floor(sinceMs / 1000) - 1}`;
    const res = await gmail.users.messages.list({
      userId: 'me',
      q,
      maxResults: FALLBACK_MAX_MESSAGES,
    });
    const ids = (res.data.messages ?? []).flatMap((m) => (m.id ? [m.id] : []));
    // `after:` counts in seconds: keep what Gmail received since the last poll began.
    const messages = (await this.metadataOf(gmail, ids.reverse())).filter(
      (m) => Number(m.internalDate ?? 0) >= sinceMs,
    );
    return {
      items: messages.map(toItem),
      cursor: { historyId: String(profile.data.historyId), since: input.now.toISOString() },
    };
  }
}

function header(m: gmail_v1.Schema$Message, name: string): string {
  return m.payload?.headers?.find((h) => h.name?.toLowerCase() === name.toLowerCase())?.value ?? '';
}

function toItem(m: gmail_v1.Schema$Message): PolledItem {
  const payload: GmailMessagePayload = {
    id: m.id ?? '',
    threadId: m.threadId ?? m.id ?? '',
    from: header(m, 'From'),
    to: header(m, 'To'),
    subject: header(m, 'Subject'),
    snippet: m.snippet ?? '',
    date: header(m, 'Date'),
    receivedAt: new Date(Number(m.internalDate ?? 0)).toISOString(),
    labelIds: m.labelIds ?? [],
    link: `https://mail.google.com/mail/u/0/#all/${m.id ?? ''}`,
    ...gmailBodies(m.payload),
  };
  return { key: payload.id, payload };
}
