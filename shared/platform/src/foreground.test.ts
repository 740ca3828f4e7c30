import { afterForeground, inForeground } from './foreground';

describe('foreground work', () => {
  it('lets background work start only once every foreground task has finished', async () => {
    // Prepare: two foreground tasks, released by hand
    const order: string[] = [];
    let finishFirst!: () => void;
    let finishSecond!: () => void;
    const task = (name: string, release: (r: () => void) => void) =>
      inForeground(async () => {
        await new Promise<void>(release);
        order.push(`${name} done`);
      });
    const first = task('first', (r) => (finishFirst = r));
    const second = task('second', (r) => (finishSecond = r));

    // Act: background work asks to go while both run
    const background = afterForeground().then(() => order.push('background'));
    finishFirst();
    await first;
    finishSecond();
    await Promise.all([second, background]);

    // Assess
    expect(order).toEqual(['first done', 'second done', 'background']);
  });

  it('waits only for the foreground work running when it asked, not for work that starts later', async () => {
    // Prepare: one task runs; background work asks; a second task starts after that
    let finishFirst!: () => void;
    let finishSecond!: () => void;
    const first = inForeground(() => new Promise<void>((r) => (finishFirst = r)));
    let went = false;
    const background = afterForeground(60_000).then(() => (went = true));
    const second = inForeground(() => new Promise<void>((r) => (finishSecond = r)));

    // Act: the first ends while the second still runs
    finishFirst();
    await first;
    await background;

    // Assess: a steady stream of foreground work cannot starve the background
    expect(went).toBe(true);
    finishSecond();
    await second;
  });

  it('with untilQuiet, waits until no foreground work runs at all, work started later included', async () => {
    let finishFirst!: () => void;
    let finishSecond!: () => void;
    const first = inForeground(() => new Promise<void>((r) => (finishFirst = r)));
    let went = false;
    const background = afterForeground(60_000, { untilQuiet: true }).then(() => (went = true));
    const second = inForeground(() => new Promise<void>((r) => (finishSecond = r)));

    finishFirst();
    await first;
    await new Promise((r) => setTimeout(r, 20));
    expect(went).toBe(false);
    finishSecond();
    await Promise.all([second, background]);
    expect(went).toBe(true);
  });

  it('does not hold background work back when nothing is in the foreground', async () => {
    // Act / Assess: resolves without waiting for a timer
    await expect(afterForeground(60_000)).resolves.toBeUndefined();
  });

  it('lets background work go after the longest wait even if foreground work never ends', async () => {
    // Prepare
    const stuck = inForeground(() => new Promise<void>(() => undefined));
    void stuck;

    // Act
    const started = Date.now();
    await afterForeground(50);

    // Assess
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});
