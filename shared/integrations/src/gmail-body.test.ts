import { gmailBodies, GMAIL_BODY_MAX_CHARS } from './gmail-body';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

describe('gmailBodies', () => {
  it('finds the text and HTML bodies in a multipart message, skipping attachments', () => {
    const payload = {
      mimeType: 'multipart/mixed',
      parts: [
        {
          mimeType: 'multipart/alternative',
          parts: [
            { mimeType: 'text/plain', body: { data: b64('Hello Bob — see you') } },
            { mimeType: 'text/html', body: { data: b64('<p>Hello <b>Bob</b></p>') } },
          ],
        },
        { mimeType: 'text/plain', filename: 'notes.txt', body: { data: b64('attachment') } },
      ],
    };
    expect(gmailBodies(payload)).toEqual({
      text: 'Hello Bob — see you',
      html: '<p>Hello <b>Bob</b></p>',
    });
  });

  it('reads a single-part message and answers empty strings for what is missing', () => {
    expect(gmailBodies({ mimeType: 'text/plain', body: { data: b64('only text') } })).toEqual({
      text: 'only text',
      html: '',
    });
    expect(gmailBodies(undefined)).toEqual({ text: '', html: '' });
  });

  it('cuts a very long body', () => {
    const long = 'x'.repeat(GMAIL_BODY_MAX_CHARS + 10);
    expect(gmailBodies({ mimeType: 'text/plain', body: { data: b64(long) } }).text).toHaveLength(
      GMAIL_BODY_MAX_CHARS,
    );
  });
});
