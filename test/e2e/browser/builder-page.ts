import type { Locator, Page } from 'playwright-core';

/**
 * Polls `read` until `ok(value)`, throwing after `timeoutMs` with the last value seen (what the
 * user would have been looking at). For waits on attributes and text that change with time.
 */
export async function until<T>(
  what: string,
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      lastError = undefined;
      if (ok(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const seen = lastError ? `error: ${(lastError as Error).message}` : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last seen: ${seen})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the element's attribute has one of `values`; returns it. */
export function attributeBecomes(
  locator: Locator,
  name: string,
  values: string | string[],
  timeoutMs?: number,
): Promise<string | null> {
  const wanted = Array.isArray(values) ? values : [values];
  return until(
    `${locator} [${name}] to be ${wanted.join(' or ')}`,
    () => locator.getAttribute(name, { timeout: 1000 }),
    (v) => v !== null && wanted.includes(v),
    timeoutMs,
  );
}

/** Waits until the element's text contains every one of `parts`; returns the text. */
export function textContains(
  locator: Locator,
  parts: string | string[],
  timeoutMs?: number,
): Promise<string> {
  const wanted = Array.isArray(parts) ? parts : [parts];
  return until(
    `${locator} to contain ${JSON.stringify(wanted)}`,
    async () => (await locator.textContent({ timeout: 1000 })) ?? '',
    (t) => wanted.every((p) => t.includes(p)),
    timeoutMs,
  );
}

/** The builder screen (features/workflow-editor), driven through its documented test ids. */
export class BuilderPage {
  constructor(readonly page: Page) {}

  byTestId = (id: string) => this.page.getByTestId(id);
  get canvas() {
    return this.byTestId('canvas');
  }
  get panel() {
    return this.byTestId('node-panel');
  }
  node = (id: string) => this.byTestId(`node-${id}`);

  /** Ids of the steps drawn on the canvas. */
  async nodeIds(): Promise<string[]> {
    return this.canvas
      .locator('[data-testid^="node-"][data-kind]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('node-'.length)));
  }

  /**
   * Drags a step type from the palette (HTML5 drag and drop) and drops it at `at`, relative to
   * the canvas' top-left corner. Returns the new node's id.
   */
  async dropFromPalette(type: string, at: { x: number; y: number }): Promise<string> {
    const before = new Set(await this.nodeIds());
    await this.byTestId(`palette-item-${type}`).dragTo(this.canvas, { targetPosition: at });
    const ids = await until(
      `a new ${type} node on the canvas`,
      () => this.nodeIds(),
      (now) => now.some((id) => !before.has(id)),
    );
    const id = ids.find((x) => !before.has(x))!;
    // dropped where it was released: the node's box contains the drop point
    const box = (await this.node(id).boundingBox())!;
    const canvas = (await this.canvas.boundingBox())!;
    const drop = { x: canvas.x + at.x, y: canvas.y + at.y };
    if (
      drop.x < box.x ||
      drop.x > box.x + box.width ||
      drop.y < box.y ||
      drop.y > box.y + box.height
    ) {
      throw new Error(
        `${id} was not dropped under the pointer: drop ${JSON.stringify(drop)}, node ${JSON.stringify(box)}`,
      );
    }
    await this.viewportSettled();
    return id;
  }

  /**
   * Waits until the canvas stops moving: a step added near an edge is panned into view with a
   * short animation, and a pointer aimed at a handle mid-pan misses it.
   */
  async viewportSettled(): Promise<void> {
    const transform = () =>
      this.canvas
        .locator('.react-flow__viewport')
        .evaluate((el) => (el as { style: { transform: string } }).style.transform);
    let seen: string[] = [];
    await until(
      'the canvas to stop panning',
      async () => (seen = [...seen.slice(-2), await transform()]),
      (last) => last.length === 3 && last.every((t) => t === last[0]),
    );
  }

  /** Drags a wire with the mouse from `source`'s output handle to `target`'s input handle. */
  async connect(source: string, target: string, sourceHandle = 'main'): Promise<void> {
    const from = this.canvas.locator(
      `.react-flow__handle.source[data-nodeid="${source}"][data-handleid="${sourceHandle}"]`,
    );
    const to = this.canvas.locator(`.react-flow__handle.target[data-nodeid="${target}"]`);
    await this.viewportSettled();
    const a = center((await from.boundingBox())!);
    const b = center((await to.boundingBox())!);
    const mouse = this.page.mouse;
    await mouse.move(a.x, a.y);
    await mouse.down();
    await mouse.move(b.x, b.y, { steps: 10 });
    await mouse.up();
    await this.canvas
      .locator(`.react-flow__edge[data-testid^="rf__edge-${source}"][data-testid$="${target}"]`)
      .waitFor();
  }

  /** Selects a step by clicking it on the canvas; its panel opens on the right. */
  async select(id: string): Promise<void> {
    await this.node(id).click();
    await until(
      `the panel of ${id}`,
      () => this.panel.locator('#node-id').inputValue({ timeout: 1000 }),
      (v) => v === id,
    );
  }

  async configureTab(): Promise<void> {
    await this.panel.getByRole('tab', { name: 'Parameters' }).click();
    await this.byTestId('config-form').waitFor();
  }

  /** A configuration field of the selected step, by its label (required or not). */
  field(label: string): Locator {
    const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // a required field's label reads "URL* (required)" (the star is hidden from screen readers)
    return this.panel.getByLabel(new RegExp(`^${escaped}\\*?\\s*(\\(required\\))?$`));
  }

  /** Waits for autosave to have stored every edit. */
  async saved(timeoutMs = 20_000): Promise<void> {
    await attributeBecomes(this.byTestId('save-state'), 'data-state', 'saved', timeoutMs);
  }

  /** "Run once" with a sample payload. */
  async runOnce(payload: unknown): Promise<void> {
    await this.byTestId('run-button').click();
    await this.byTestId('run-payload').fill(JSON.stringify(payload, null, 2));
    await this.byTestId('run-submit').click();
    await this.byTestId('run-dialog').waitFor({ state: 'hidden' });
  }

  /**
   * Starts recording every change of a step's `data-status` on the canvas, so a test can tell
   * that the page showed a run's progress as it happened (not only its final state).
   */
  async recordStatuses(): Promise<void> {
    // Runs in the page; this project's TypeScript has no DOM library, hence the local types.
    await this.canvas.evaluate((canvas) => {
      type El = { getAttribute(name: string): string | null };
      const page = globalThis as unknown as StatusLog & {
        MutationObserver: new (cb: (records: { target: El }[]) => void) => {
          observe(node: unknown, options: object): void;
        };
      };
      page.__fgStatuses = [];
      new page.MutationObserver((records) => {
        for (const r of records) {
          const id = r.target.getAttribute('data-testid')?.replace(/^node-/, '');
          const status = r.target.getAttribute('data-status');
          if (id && status) page.__fgStatuses.push({ id, status });
        }
      }).observe(canvas, { subtree: true, attributes: true, attributeFilter: ['data-status'] });
    });
  }

  /** The statuses a step showed since recordStatuses(), in order, without repeats. */
  async statusHistory(id: string): Promise<string[]> {
    const log = await this.page.evaluate(() => (globalThis as unknown as StatusLog).__fgStatuses);
    return log
      .filter((e) => e.id === id)
      .map((e) => e.status)
      .filter((s, i, all) => s !== all[i - 1]);
  }

  /** Moves the pointer off the canvas so no hover state shows in screenshots. */
  async restPointer(): Promise<void> {
    await this.page.mouse.move(5, 795);
  }
}

type StatusLog = { __fgStatuses: { id: string; status: string }[] };

const center = (b: { x: number; y: number; width: number; height: number }) => ({
  x: b.x + b.width / 2,
  y: b.y + b.height / 2,
});
