import { decodeCursor, encodeCursor } from './cursor';
import { InvalidInputError } from './errors';

describe('list cursor', () => {
  const position = {
    updatedAt: new Date('2026-03-01T12:34:56.789Z'),
    id: '0b7e1c8e-4f1a-4b7e-9c51-1f2a3b4c5d6e',
  };

  it('round-trips a position', () => {
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('is opaque: URL-safe and without the raw values', () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(position.id);
  });

  it.each([
    ['not base64 json', 'hello'],
    ['an empty array', Buffer.from('[]').toString('base64url')],
    ['a bad date', Buffer.from(JSON.stringify(['yesterday', position.id])).toString('base64url')],
    [
      'a bad id',
      Buffer.from(JSON.stringify([position.updatedAt.toISOString(), "1' or 1=1"])).toString(
        'base64url',
      ),
    ],
  ])('rejects %s, naming the cursor field', (_label, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(InvalidInputError);
    try {
      decodeCursor(cursor);
    } catch (err) {
      expect((err as InvalidInputError).details).toEqual([
        expect.objectContaining({ path: 'cursor' }),
      ]);
    }
  });
});
