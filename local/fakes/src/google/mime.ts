/**
 * Just enough RFC 2822 / MIME to store what Gmail clients send and answer messages.get the way
 * Gmail does: headers (folded, RFC 2047 encoded words), nested multiparts, base64 and
 * quoted-printable bodies. Pure functions, no I/O.
 */

export interface MimeHeader {
  name: string;
  value: string;
}

export interface MimePart {
  headers: MimeHeader[];
  mimeType: string;
  filename: string;
  /** The decoded body; empty for a multipart. */
  body: Buffer;
  parts: MimePart[];
}

export function headerValue(headers: MimeHeader[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

/** Splits "a@x.com, \"Doe, Jane\" <jane@y.com>" into lower-case addresses. */
export function parseAddressList(value: string | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  // Drop quoted display names first: they may contain commas and at-signs.
  const unquoted = value.replace(/"(?:[^"\\]|\\.)*"/g, '');
  for (const item of unquoted.split(',')) {
    const angle = /<([^>]+)>/.exec(item);
    const address = (angle ? angle[1] : item).trim().toLowerCase();
    if (address.includes('@')) out.push(address);
  }
  return out;
}

/** Decodes RFC 2047 encoded words (=?UTF-8?B?...?= and =?UTF-8?Q?...?=). */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[bBqQ]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(
      /=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g,
      (_m, charset: string, enc: string, text: string) => {
        const bytes =
          enc.toUpperCase() === 'B'
            ? Buffer.from(text, 'base64')
            : decodeQuotedPrintable(text.replace(/_/g, ' '));
        try {
          return new TextDecoder(charset).decode(bytes);
        } catch {
          return bytes.toString('latin1');
        }
      },
    );
}

export function decodeQuotedPrintable(text: string): Buffer {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i];
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

function splitHeaderAndBody(raw: string): { head: string; body: string } {
  const match = /\r?\n\r?\n/.exec(raw);
  if (!match) return { head: raw, body: '' };
  return { head: raw.slice(0, match.index), body: raw.slice(match.index + match[0].length) };
}

function parseHeaders(head: string): MimeHeader[] {
  const headers: MimeHeader[] = [];
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      headers[headers.length - 1].value += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  // Raw 8-bit header bytes are UTF-8 (RFC 6532); encoded words cover the rest.
  return headers.map((h) => ({
    name: h.name,
    value: decodeEncodedWords(Buffer.from(h.value, 'latin1').toString('utf8')),
  }));
}

/** "text/plain; charset=utf-8; name=\"a.txt\"" -> { value: 'text/plain', params: {...} } */
function parseParams(value: string | undefined): { value: string; params: Record<string, string> } {
  if (!value) return { value: '', params: {} };
  const [first, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const item of rest) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    params[item.slice(0, eq).trim().toLowerCase()] = item
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return { value: first.trim().toLowerCase(), params };
}

function decodeBody(body: string, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return Buffer.from(body, 'latin1');
  }
}

function parsePart(raw: string): MimePart {
  const { head, body } = splitHeaderAndBody(raw);
  const headers = parseHeaders(head);
  const contentType = parseParams(headerValue(headers, 'Content-Type'));
  const mimeType = contentType.value || 'text/plain';
  const disposition = parseParams(headerValue(headers, 'Content-Disposition'));
  const filename = disposition.params.filename ?? contentType.params.name ?? '';
  const boundary = contentType.params.boundary;
  if (mimeType.startsWith('multipart/') && boundary) {
    return {
      headers,
      mimeType,
      filename,
      body: Buffer.alloc(0),
      parts: splitMultipart(body, boundary).map(parsePart),
    };
  }
  return {
    headers,
    mimeType,
    filename,
    body: decodeBody(body, headerValue(headers, 'Content-Transfer-Encoding')),
    parts: [],
  };
}

function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const lines = body.split(/\r?\n/);
  const parts: string[] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    if (line.trimEnd() === `${delimiter}--`) break;
    if (line.trimEnd() === delimiter) {
      if (current) parts.push(current.join('\r\n'));
      current = [];
      continue;
    }
    current?.push(line);
  }
  if (current) parts.push(current.join('\r\n'));
  return parts;
}

/**
 * Parses a raw message. The bytes are read as latin1 so that 8-bit bodies survive until their
 * part's charset decodes them.
 */
export function parseMessage(raw: Buffer): MimePart {
  return parsePart(raw.toString('latin1'));
}

function charsetOf(part: MimePart): string {
  return parseParams(headerValue(part.headers, 'Content-Type')).params.charset ?? 'utf-8';
}

function decodeText(part: MimePart): string {
  try {
    return new TextDecoder(charsetOf(part)).decode(part.body);
  } catch {
    return part.body.toString('utf8');
  }
}

/** The first part of the given type, depth first. */
export function findPart(part: MimePart, mimeType: string): MimePart | undefined {
  if (part.mimeType === mimeType && part.filename === '') return part;
  for (const child of part.parts) {
    const found = findPart(child, mimeType);
    if (found) return found;
  }
  return undefined;
}

/** The readable text of a message: text/plain, or text/html with the tags removed. */
export function plainText(message: MimePart): string {
  const text = findPart(message, 'text/plain');
  if (text) return decodeText(text);
  const html = findPart(message, 'text/html');
  return html ? decodeText(html).replace(/<[^>]*>/g, ' ') : '';
}

export function hasAttachment(part: MimePart): boolean {
  return part.filename !== '' || part.parts.some(hasAttachment);
}

export interface NewMessage {
  from: string;
  to: string | string[];
  cc?: string | string[];
  subject: string;
  text?: string;
  html?: string;
  date?: Date;
  messageId?: string;
  inReplyTo?: string;
  headers?: Record<string, string>;
}

function encodeHeaderValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(value)
    ? value
    : `=?UTF-8?B?${Buffer.from(value).toString('base64')}?=`;
}

function joinAddresses(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Builds an RFC 2822 message (text, html or both as multipart/alternative). */
export function buildMessage(message: NewMessage): string {
  const headers: [string, string | undefined][] = [
    ['From', message.from],
    ['To', joinAddresses(message.to)],
    ['Cc', joinAddresses(message.cc)],
    ['Subject', encodeHeaderValue(message.subject)],
    ['Date', (message.date ?? new Date()).toUTCString().replace('GMT', '+0000')],
    ['Message-ID', message.messageId],
    ['In-Reply-To', message.inReplyTo],
    ['MIME-Version', '1.0'],
    ...Object.entries(message.headers ?? {}),
  ];
  const head = headers
    .filter((h): h is [string, string] => h[1] !== undefined)
    .map(([name, value]) => `${name}: ${value}`);
  const textPart = (type: string, body: string) =>
    [
      `Content-Type: ${type}; charset="UTF-8"`,
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(body).toString('base64'),
    ].join('\r\n');
  if (message.html !== undefined && message.text !== undefined) {
    const boundary = `fake-${Math.random().toString(36).slice(2)}`;
    return [
      ...head,
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      textPart('text/plain', message.text),
      `--${boundary}`,
      textPart('text/html', message.html),
      `--${boundary}--`,
      '',
    ].join('\r\n');
  }
  return [
    ...head,
    textPart(
      message.html !== undefined ? 'text/html' : 'text/plain',
      message.html ?? message.text ?? '',
    ),
  ].join('\r\n');
}
