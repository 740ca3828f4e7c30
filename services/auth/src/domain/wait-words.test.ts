import { waitInWords } from './wait-words';

describe('waitInWords', () => {
  it('says seconds under a minute and whole minutes, rounded up, from a minute on', () => {
    expect(waitInWords(1)).toBe('1 second');
    expect(waitInWords(59)).toBe('59 seconds');
    expect(waitInWords(60)).toBe('1 minute');
    expect(waitInWords(61)).toBe('2 minutes');
    expect(waitInWords(900)).toBe('15 minutes');
  });
});
