import { matchesQuery, parseQuery, type SearchableMessage } from './gmail-search';
import {
  buildMessage,
  findPart,
  headerValue,
  parseAddressList,
  parseMessage,
  plainText,
} from './mime';

describe('MIME parsing', () => {
  it('reads nested multiparts, quoted-printable bodies, attachments and encoded headers', () => {
    const raw = [
      'From: =?UTF-8?Q?J=C3=BCrgen?= <jurgen@example.com>',
      'To: "Doe, Jane" <Jane@Example.com>, bob@example.com',
      'Subject: =?UTF-8?B?w4RwZmVs?=',
      '  und Birnen',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary=inner',
      '',
      '--inner',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Gr=C3=BC=C3=9Fe, soft=',
      'break',
      '--inner',
      'Content-Type: text/html',
      '',
      '<p>Hi</p>',
      '--inner--',
      '--outer',
      'Content-Type: application/pdf; name="a.pdf"',
      'Content-Disposition: attachment; filename="a.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF').toString('base64'),
      '--outer--',
    ].join('\r\n');
    const message = parseMessage(Buffer.from(raw));
    expect(headerValue(message.headers, 'from')).toBe('Jürgen <jurgen@example.com>');
    expect(headerValue(message.headers, 'Subject')).toBe('Äpfel und Birnen');
    expect(parseAddressList(headerValue(message.headers, 'To'))).toEqual([
      'jane@example.com',
      'bob@example.com',
    ]);
    expect(message.parts.map((p) => p.mimeType)).toEqual([
      'multipart/alternative',
      'application/pdf',
    ]);
    expect(message.parts[1]).toMatchObject({ filename: 'a.pdf', body: Buffer.from('%PDF') });
    expect(plainText(message)).toBe('Grüße, softbreak');
    expect(findPart(message, 'text/html')!.body.toString()).toBe('<p>Hi</p>');
  });

  it('builds messages it can read back', () => {
    const raw = buildMessage({
      from: 'a@x.com',
      to: ['b@y.com'],
      subject: 'Grüße',
      text: 'plain',
      html: '<b>rich</b>',
    });
    const message = parseMessage(Buffer.from(raw));
    expect(headerValue(message.headers, 'Subject')).toBe('Grüße');
    expect(plainText(message)).toBe('plain');
  });
});

describe('Gmail search', () => {
  const message: SearchableMessage = {
    from: 'Shop <orders@shop.example>',
    to: 'me@example.com',
    cc: '',
    bcc: '',
    subject: 'Your order shipped',
    text: 'Tracking number 123',
    labelIds: ['INBOX', 'UNREAD'],
    internalDate: Date.UTC(2030, 0, 10),
    hasAttachment: false,
    messageId: '<abc.123@shop.example>',
  };
  const now = Date.UTC(2030, 0, 12);
  it.each([
    ['from:shop.example subject:"order shipped"', true],
    ['tracking -from:shop.example', false],
    ['is:unread in:inbox label:inbox', true],
    ['is:read', false],
    ['newer_than:3d', true],
    ['newer_than:1d', false],
    ['after:2030/01/09 before:2030/01/11', true],
    ['has:attachment', false],
    ['unknown:thing', false],
    ['rfc822msgid:abc.123@shop.example', true],
    ['rfc822msgid:<abc.123@shop.example> in:inbox', true],
    ['rfc822msgid:abc.124@shop.example', false],
  ])('%s -> %s', (q, expected) => {
    expect(matchesQuery(message, parseQuery(q), now)).toBe(expected);
  });
});
