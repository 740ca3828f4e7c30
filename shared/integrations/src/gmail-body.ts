/** The parts of a Gmail message (users.messages.get, format `full`) that this module reads. */
export interface GmailMessagePart {
  mimeType?: string | null;
  filename?: string | null;
  body?: { data?: string | null } | null;
  parts?: GmailMessagePart[] | null;
}

/** Bodies longer than this are cut (the step output and the trigger payload stay reasonable). */
export const GMAIL_BODY_MAX_CHARS = 100_000;

/**
 * The readable bodies of a Gmail message: its first `text/plain` and first `text/html` parts that
 * are not attachments, decoded (Gmail sends them base64url), each cut at GMAIL_BODY_MAX_CHARS.
 *
 * @example
 * const { text, html } = gmailBodies(message.payload);
 */
export function gmailBodies(payload: GmailMessagePart | null | undefined): {
  text: string;
  html: string;
} {
  const found: { text?: string; html?: string } = {};
  const visit = (part: GmailMessagePart | null | undefined): void => {
    if (!part || (found.text !== undefined && found.html !== undefined)) return;
    const type = (part.mimeType ?? '').toLowerCase();
    const data = part.body?.data;
    if (data && !part.filename) {
      if (type === 'text/plain' && found.text === undefined) found.text = decode(data);
      else if (type === 'text/html' && found.html === undefined) found.html = decode(data);
    }
    for (const child of part.parts ?? []) visit(child);
  };
  visit(payload);
  return { text: found.text ?? '', html: found.html ?? '' };
}

function decode(data: string): string {
  return Buffer.from(data, 'base64url').toString('utf8').slice(0, GMAIL_BODY_MAX_CHARS);
}
