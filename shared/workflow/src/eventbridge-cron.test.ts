import { eventBridgeCronError, toEventBridgeCron, UnsupportedCronError } from './eventbridge-cron';

describe('toEventBridgeCron', () => {
  it.each([
    ['0 9 * * 1-5', 'cron(0 9 ? * MON,TUE,WED,THU,FRI *)'],
    ['*/15 * * * *', 'cron(0/15 * * * ? *)'],
    ['0 0 1 1 *', 'cron(0 0 1 1 ? *)'],
    ['30 6 * * 0', 'cron(30 6 ? * SUN *)'],
    ['30 6 * * 7', 'cron(30 6 ? * SUN *)'],
    ['0 18 * * 5-7', 'cron(0 18 ? * SUN,FRI,SAT *)'],
    ['0 8 * * sat,sun', 'cron(0 8 ? * SUN,SAT *)'],
    ['0 8 * * */2', 'cron(0 8 ? * SUN,TUE,THU,SAT *)'],
    ['0 12 1,15 * ?', 'cron(0 12 1,15 * ? *)'],
    ['0 0 */2 JAN-MAR *', 'cron(0 0 1/2 JAN-MAR ? *)'],
    ['0 0 9 * * *', 'cron(0 9 * * ? *)'],
    ['0 5,35 8-17 * * MON-FRI', 'cron(5,35 8-17 ? * MON,TUE,WED,THU,FRI *)'],
  ])('converts "%s" to %s', (cron, expected) => {
    expect(toEventBridgeCron(cron)).toBe(expected);
  });

  it.each([
    ['* * * * * *', /seconds field must be 0 \(got "\*"\)/],
    ['*/5 * * * * *', /at most once a minute/],
    ['0 9 1 * 1', /cannot combine a day of the month \("1"\) with a weekday \("1"\)/],
    ['0 9 * * 5L', /weekday "5L" is not supported/],
    ['0 9 * * 1#2', /weekday "1#2" is not supported/],
    ['0 9 * *', /must have 5 fields/],
  ])('refuses "%s" with a message naming the field', (cron, message) => {
    expect(() => toEventBridgeCron(cron)).toThrow(UnsupportedCronError);
    expect(() => toEventBridgeCron(cron)).toThrow(message);
    expect(eventBridgeCronError(cron)).toMatch(message);
  });

  it('finds nothing wrong with a cron it converts', () => {
    expect(eventBridgeCronError('0 9 * * 1-5')).toBeUndefined();
  });
});
