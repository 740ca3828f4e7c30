/**
 * A subset of Gmail's search syntax for messages.list `q`: from:, to:, cc:, bcc:, subject:,
 * label:, in:, is:, has:attachment, rfc822msgid:, newer_than:, older_than:, after:, before:, quoted phrases,
 * free words and `-` negation. No OR, braces or parentheses. Pure functions, no I/O.
 */

export interface SearchableMessage {
  from: string;
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  text: string;
  labelIds: string[];
  internalDate: number;
  hasAttachment: boolean;
  /** The Message-ID header, as written (with its angle brackets). */
  messageId: string;
}

export interface SearchTerm {
  negate: boolean;
  key?: string;
  value: string;
}

const KEYS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'label',
  'in',
  'is',
  'has',
  'newer_than',
  'older_than',
  'after',
  'before',
  'rfc822msgid',
]);

export function parseQuery(q: string | undefined): SearchTerm[] {
  const terms: SearchTerm[] = [];
  const pattern = /(-)?(?:([a-z0-9_]+):)?(?:"([^"]*)"|(\S+))/gi;
  for (const m of (q ?? '').matchAll(pattern)) {
    const key = m[2]?.toLowerCase();
    const value = m[3] ?? m[4] ?? '';
    if (key && !KEYS.has(key)) {
      terms.push({ negate: !!m[1], value: `${m[2]}:${value}` });
    } else {
      terms.push({ negate: !!m[1], key, value });
    }
  }
  return terms;
}

const DAY = 86_400_000;
const UNIT_MS: Record<string, number> = { h: 3_600_000, d: DAY, m: 30 * DAY, y: 365 * DAY };

function relativeMs(value: string): number | undefined {
  const m = /^(\d+)([hdmy])$/i.exec(value);
  return m ? Number(m[1]) * UNIT_MS[m[2].toLowerCase()] : undefined;
}

/** after:/before: take yyyy/mm/dd (UTC here) or seconds since the epoch. */
function absoluteMs(value: string): number | undefined {
  if (/^\d{9,}$/.test(value)) return Number(value) * 1000;
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(value);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : undefined;
}

const IN_LABELS: Record<string, string> = {
  inbox: 'INBOX',
  sent: 'SENT',
  trash: 'TRASH',
  spam: 'SPAM',
  draft: 'DRAFT',
  drafts: 'DRAFT',
  starred: 'STARRED',
  important: 'IMPORTANT',
};

function includes(haystack: string, needle: string): boolean {
  return haystack.toLowerCase().includes(needle.toLowerCase());
}

function matchesTerm(m: SearchableMessage, term: SearchTerm, now: number): boolean {
  const hasLabel = (label: string) =>
    m.labelIds.some((l) => l.toLowerCase() === label.toLowerCase());
  switch (term.key) {
    case 'from':
      return includes(m.from, term.value);
    case 'to':
      return includes(`${m.to} ${m.cc} ${m.bcc}`, term.value);
    case 'cc':
      return includes(m.cc, term.value);
    case 'bcc':
      return includes(m.bcc, term.value);
    case 'subject':
      return includes(m.subject, term.value);
    case 'label':
      return hasLabel(term.value) || hasLabel(term.value.replace(/-/g, ' '));
    case 'in':
      return (
        term.value.toLowerCase() === 'anywhere' ||
        hasLabel(IN_LABELS[term.value.toLowerCase()] ?? term.value)
      );
    case 'is': {
      const v = term.value.toLowerCase();
      if (v === 'read') return !hasLabel('UNREAD');
      return hasLabel(v === 'unread' ? 'UNREAD' : (IN_LABELS[v] ?? v));
    }
    case 'has':
      return term.value.toLowerCase() === 'attachment' ? m.hasAttachment : false;
    case 'newer_than': {
      const ms = relativeMs(term.value);
      return ms !== undefined && m.internalDate > now - ms;
    }
    case 'older_than': {
      const ms = relativeMs(term.value);
      return ms !== undefined && m.internalDate < now - ms;
    }
    case 'after': {
      const ms = absoluteMs(term.value);
      return ms !== undefined && m.internalDate >= ms;
    }
    case 'before': {
      const ms = absoluteMs(term.value);
      return ms !== undefined && m.internalDate < ms;
    }
    case 'rfc822msgid':
      // Exact Message-ID, with or without its angle brackets.
      return m.messageId.replace(/^<|>$/g, '') === term.value.replace(/^<|>$/g, '');
    default:
      return includes(`${m.subject}\n${m.text}\n${m.from}\n${m.to}\n${m.cc}`, term.value);
  }
}

export function matchesQuery(m: SearchableMessage, terms: SearchTerm[], now: number): boolean {
  return terms.every((t) => matchesTerm(m, t, now) !== t.negate);
}

/** Gmail leaves spam and trash out unless the query or includeSpamTrash asks for them. */
export function queryReachesSpamOrTrash(terms: SearchTerm[]): boolean {
  return terms.some(
    (t) =>
      !t.negate &&
      ((t.key === 'in' && ['anywhere', 'spam', 'trash'].includes(t.value.toLowerCase())) ||
        (t.key === 'label' && ['spam', 'trash'].includes(t.value.toLowerCase()))),
  );
}
