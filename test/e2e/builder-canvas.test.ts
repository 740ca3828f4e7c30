import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { fetch } from 'undici';
import { waitFor } from '@flowgenie/testing';
import type { E2eStack } from './support/stack';
import { BuilderPage, textContains, until } from './browser/builder-page';
import {
  createWorkflowFromList,
  startBrowserJourney,
  type BrowserJourney,
  SCREENSHOTS,
  signUp,
  withFailureScreenshot,
} from './browser/journey';

// The builder's canvas and workflow files in a real headless Chromium against the whole platform:
// placement and the "+" on outputs, sticky notes, export/import, duplicate, templates, version
// history with "activate this version", and a 200-step canvas measured (printed, not asserted).
jest.setTimeout(300_000);

/** An edge drawn on the canvas (a straight one has no height, so Playwright calls it hidden). */
const EDGE_ATTACHED = { state: 'attached' } as const;

/** The canvas viewport's pan and zoom, read from React Flow's transform. */
async function viewport(page: Page): Promise<{ x: number; y: number; zoom: number }> {
  const transform = await page
    .locator('.react-flow__viewport')
    .evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform);
  const m = /translate\(([-\d.]+)px,\s*([-\d.]+)px\)\s*scale\(([-\d.]+)\)/.exec(transform);
  if (!m) throw new Error(`unexpected viewport transform: ${transform}`);
  return { x: Number(m[1]), y: Number(m[2]), zoom: Number(m[3]) };
}

type Box = { x: number; y: number; width: number; height: number };
const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width &&
  inner.y + inner.height <= outer.y + outer.height;

/** A webhook followed by 199 transforms in a chain, laid out 20 to a row. */
function bigWorkflowFile(): Buffer {
  const nodes = Array.from({ length: 200 }, (_, i) => ({
    id: i === 0 ? 'hook' : `step_${i}`,
    type: i === 0 ? 'webhook' : 'transform',
    position: { x: (i % 20) * 300, y: Math.floor(i / 20) * 130 },
    config: i === 0 ? { method: 'POST' } : { expression: `{ "n": ${i} }` },
  }));
  const edges = nodes.slice(1).map((n, i) => ({
    id: `e${i}`,
    source: nodes[i].id,
    sourceHandle: 'main',
    target: n.id,
  }));
  const doc = {
    format: 'flowgenie.workflow',
    formatVersion: 1,
    name: 'Two hundred steps',
    graph: { nodes, edges },
  };
  return Buffer.from(JSON.stringify(doc));
}

describe('the builder canvas and workflow files, in a browser', () => {
  let ui: BrowserJourney;
  let e2e: E2eStack;
  let page: Page;
  let builder: BuilderPage;
  let origin: string;

  beforeAll(async () => {
    ui = await startBrowserJourney('builder_canvas');
    ({ e2e, page, builder, origin } = ui);
    await signUp(page, origin, 'grace@example.com');
  }, 300_000);

  afterAll(() => ui?.close());

  const journey = (name: string, act: () => Promise<void>) =>
    withFailureScreenshot(name, { page: () => page, logDir: e2e.logDir }, act);
  const hookPost = (url: string, body: unknown) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      dispatcher: e2e.client.dispatcher,
    });

  async function newWorkflow(name: string) {
    await page.goto(`${origin}/workflows`);
    await createWorkflowFromList(page, name);
  }

  it('places the first step fully on screen and adds connected steps with the "+" on outputs', async () => {
    await journey('canvas-plus', async () => {
      await newWorkflow('Plus buttons');
      // The toolbar fits a 1280 px wide screen: no label wraps onto a second line.
      const wrapped = await page
        .getByTestId('run-button')
        .locator('xpath=ancestor::div[contains(@class, "h-12")]')
        .locator('button, [data-testid="version-info"], [data-testid="save-state"]')
        .evaluateAll((els) =>
          els
            .filter((el) => {
              const e = el as unknown as {
                tagName: string;
                scrollHeight: number;
                clientHeight: number;
                textContent: string;
                getBoundingClientRect(): { height: number };
              };
              const h = e.getBoundingClientRect().height;
              return e.tagName === 'BUTTON'
                ? h > 30 || e.scrollHeight > e.clientHeight + 1
                : h > 24;
            })
            .map((el) => (el as unknown as { textContent: string }).textContent),
        );
      expect(wrapped).toEqual([]);
      await page.getByTestId('palette-item-webhook').click();
      const canvas = (await builder.canvas.boundingBox())!;
      const first = builder.node('webhook_1');
      await first.waitFor();
      // Brought into view after a frame: wait until it sits wholly inside the canvas.
      await until(
        'the first step wholly on screen',
        async () => (await first.boundingBox())!,
        (box) => inside(box, canvas),
      );

      // "+" on the trigger's output: the picker, then a transform connected from it.
      await page.getByTestId('add-after-webhook_1-main').click();
      await page.getByTestId('step-picker').waitFor();
      await page.getByTestId('step-picker-item-transform').click();
      await builder.node('transform_1').waitFor();
      await page.getByTestId('rf__edge-webhook_1:main->transform_1').waitFor(EDGE_ATTACHED);

      await page.getByTestId('add-after-transform_1-main').click();
      await page.getByTestId('step-picker-search').fill('if');
      await page.getByTestId('step-picker-search').press('Enter');
      await builder.node('if_1').waitFor();

      // Each output of If has its own "+": false gets a respond step wired to `false`.
      await page.getByTestId('add-after-if_1-false').click();
      await page.getByTestId('step-picker-item-respond_to_webhook').click();
      await page.getByTestId('rf__edge-if_1:false->respond_to_webhook_1').waitFor(EDGE_ATTACHED);
      await page.getByTestId('add-after-if_1-true').click();
      await page.getByTestId('step-picker-item-respond_to_webhook').click();
      await page.getByTestId('rf__edge-if_1:true->respond_to_webhook_2').waitFor(EDGE_ATTACHED);

      // Placed after the step it follows, and on screen.
      const ifBox = (await builder.node('if_1').boundingBox())!;
      for (const id of ['respond_to_webhook_1', 'respond_to_webhook_2']) {
        const box = await until(
          `${id} on screen`,
          async () => (await builder.node(id).boundingBox())!,
          (b) => inside(b, canvas),
        );
        expect(box.x).toBeGreaterThan(ifBox.x + ifBox.width * 0.5);
      }
      await builder.saved();
      await until(
        'the 4 connections drawn',
        () => page.locator('.react-flow__edge').count(),
        (n) => n === 4,
      );
      // Connected outputs no longer offer a "+" (the new steps' free outputs still do).
      for (const taken of ['webhook_1-main', 'transform_1-main', 'if_1-false', 'if_1-true'])
        expect(await page.getByTestId(`add-after-${taken}`).count()).toBe(0);
      await builder.restPointer();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'canvas-plus.png') });
    });
    expect(ui.pageErrors).toEqual([]);
  });

  it('keeps a sticky note across a reload, and exports and imports the workflow with it', async () => {
    await journey('canvas-notes-files', async () => {
      await page.getByTestId('add-note').click();
      const note = page.getByTestId('note-text-note-1');
      await note.fill('Callers send {"amount": n}; big means over 100.');
      await builder.saved();

      // Selected, the note resizes by its corner; the size is saved with the draft.
      const noteNode = page.locator('.react-flow__node[data-id="note-1"]');
      await page.getByTestId('note-note-1').getByText('Note', { exact: true }).click();
      const before = (await noteNode.boundingBox())!;
      const corner = noteNode.locator('.react-flow__resize-control.handle.bottom.right');
      const grip = (await corner.boundingBox())!;
      await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
      await page.mouse.down();
      await page.mouse.move(grip.x + 160, grip.y + 120, { steps: 8 });
      await page.mouse.up();
      const resized = (await noteNode.boundingBox())!;
      expect(resized.width).toBeGreaterThan(before.width + 100);
      expect(resized.height).toBeGreaterThan(before.height + 80);
      const sizeStyle = () =>
        noteNode.evaluate((el) => {
          const style = (el as unknown as { style: { width: string; height: string } }).style;
          return `${style.width} x ${style.height}`;
        });
      await builder.saved();

      await page.reload();
      await page.getByTestId('editor').waitFor();
      expect(await page.getByTestId('note-text-note-1').inputValue()).toBe(
        'Callers send {"amount": n}; big means over 100.',
      );
      // Reloaded at the size it was given (saved in whole pixels).
      const savedSize = await sizeStyle();
      const [w, h] = savedSize.split(' x ').map((v) => parseFloat(v));
      // Bigger than a new note (224 wide, about 110 high) by the drag.
      expect(w).toBeGreaterThan(280);
      expect(h).toBeGreaterThan(150);

      // Export downloads the file: the graph with the note, no ids of the workflow, no secrets.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('export-button').click(),
      ]);
      expect(download.suggestedFilename()).toBe('plus-buttons.flowgenie.json');
      const file = fs.readFileSync((await download.path())!, 'utf8');
      const doc = JSON.parse(file);
      expect(doc).toMatchObject({
        format: 'flowgenie.workflow',
        formatVersion: 2,
        name: 'Plus buttons',
      });
      expect(doc.graph.nodes).toHaveLength(5);
      expect(doc.graph.notes[0].text).toContain('big means over 100');
      expect(`${doc.graph.notes[0].width}px x ${doc.graph.notes[0].height}px`).toBe(savedSize);
      const editorUrl = page.url();
      expect(file).not.toContain(editorUrl.split('/').pop());

      // Import creates a new draft with the same steps and the note.
      await page.goto(`${origin}/workflows`);
      await page.getByTestId('import-file').setInputFiles({
        name: 'plus.json',
        mimeType: 'application/json',
        buffer: Buffer.from(file),
      });
      await page.waitForURL((u) => /\/workflows\/[^/]+$/.test(u.pathname) && u.href !== editorUrl);
      await page.getByTestId('editor').waitFor();
      expect((await builder.nodeIds()).sort()).toEqual(
        ['if_1', 'respond_to_webhook_1', 'respond_to_webhook_2', 'transform_1', 'webhook_1'].sort(),
      );
      expect(await page.getByTestId('note-text-note-1').inputValue()).toContain('over 100');
      expect(await sizeStyle()).toBe(savedSize);
      await until(
        'the 4 connections drawn',
        () => page.locator('.react-flow__edge').count(),
        (n) => n === 4,
      );

      // A bad file: nothing created, each problem located.
      await page.goto(`${origin}/workflows`);
      // The original and the imported copy, once the list has loaded.
      const rowsBefore = await until(
        'the two workflows listed',
        () => page.locator('[data-testid^="workflow-row-"]').count(),
        (n) => n === 2,
      );
      const bad = {
        ...doc,
        graph: { ...doc.graph, nodes: [{ ...doc.graph.nodes[0], id: '1st' }] },
      };
      await page.getByTestId('import-file').setInputFiles({
        name: 'bad.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(bad)),
      });
      await textContains(page.getByTestId('import-errors'), ['bad.json', 'graph.nodes.0.id']);
      await page.getByTestId('import-errors').getByRole('button', { name: 'Close' }).click();
      await page.getByTestId('import-file').setInputFiles({
        name: 'notes.txt',
        mimeType: 'application/json',
        buffer: Buffer.from('not json {'),
      });
      await textContains(page.getByTestId('import-errors'), 'not JSON');
      await page.getByTestId('import-errors').getByRole('button', { name: 'Close' }).click();
      expect(await page.locator('[data-testid^="workflow-row-"]').count()).toBe(rowsBefore);

      // Duplicate from the list.
      await page.getByRole('button', { name: 'Duplicate Plus buttons' }).first().click();
      await page.getByRole('link', { name: 'Plus buttons (copy)' }).waitFor();
      expect(await page.locator('[data-testid^="workflow-row-"]').count()).toBe(rowsBefore + 1);
    });
    expect(ui.pageErrors).toEqual([]);
  });

  it('starts from a template, and activating an older version makes the webhook run it', async () => {
    await journey('canvas-versions', async () => {
      await page.goto(`${origin}/workflows`);
      await page.getByTestId('workflow-from-template').click();
      await page.getByTestId('template-webhook-transform-respond').click();
      await page.getByTestId('editor').waitFor();
      expect((await builder.nodeIds()).sort()).toEqual(['reply', 'shape', 'webhook']);
      expect(await page.getByTestId('workflow-name').inputValue()).toBe(
        'Webhook → transform → respond',
      );

      await page.getByTestId('publish-button').click();
      await textContains(page.getByTestId('version-info'), 'latest v1');
      await builder.select('reply');
      await builder.configureTab();
      await builder.field('Status').fill('201');
      await builder.saved();
      await page.getByTestId('publish-button').click();
      await textContains(page.getByTestId('version-info'), 'latest v2');
      await page.getByTestId('activate-toggle').click();
      await textContains(page.getByTestId('version-info'), 'Active v2');

      await builder.select('webhook');
      await builder.configureTab();
      const hookUrl = (await page.getByTestId('webhook-url').textContent())!.trim();
      await waitFor(async () => (await hookPost(hookUrl, { name: 'Ada' })).status === 201, {
        timeoutMs: 20_000,
        message: 'version 2 answers 201',
      });

      // History: who and when, the change from v1, then activate v1.
      await page.getByTestId('history-button').click();
      const history = page.getByTestId('version-history');
      await textContains(history.getByTestId('version-1'), ['v1', 'by grace@example.com']);
      await textContains(history.getByTestId('version-2'), 'active');
      await history.getByTestId('version-compare-1').click();
      await textContains(history.getByTestId('version-diff'), [
        'From v1 to the draft',
        'config.status',
        '200',
        '201',
      ]);
      await history.getByTestId('version-activate-1').click();
      await textContains(page.getByTestId('version-info'), 'Active v1');
      await textContains(history.getByTestId('version-1'), 'active');

      // The trigger service now runs version 1: the same call answers 200.
      await waitFor(async () => (await hookPost(hookUrl, { name: 'Ada' })).status === 200, {
        timeoutMs: 20_000,
        message: 'version 1 answers 200',
      });
      await history.press('Escape');

      // Duplicate from the editor: an edit not yet saved goes into the copy, which opens, inactive
      // and never published, while the original keeps running version 1.
      await builder.select('reply');
      await builder.configureTab();
      await builder.field('Status').fill('202');
      const originalUrl = page.url();
      await page.getByTestId('duplicate-button').click();
      await page.waitForURL(
        (u) => /\/workflows\/[^/]+$/.test(u.pathname) && u.href !== originalUrl,
      );
      await page.getByTestId('editor').waitFor();
      await until(
        'the copy loaded',
        () => page.getByTestId('workflow-name').inputValue(),
        (v) => v === 'Webhook → transform → respond (copy)',
      );
      await textContains(page.getByTestId('version-info'), ['Inactive', 'never published']);
      await builder.select('reply');
      await builder.configureTab();
      expect(await builder.field('Status').inputValue()).toBe('202');
    });
    expect(ui.pageErrors).toEqual([]);
  });

  it('keeps 200 steps readable: Fit stops at a readable zoom; the keyboard pans and zooms (measured)', async () => {
    await journey('canvas-200', async () => {
      await page.goto(`${origin}/workflows`);
      await page.getByTestId('workflows-table').waitFor();
      const started = Date.now();
      await page.getByTestId('import-file').setInputFiles({
        name: 'big.json',
        mimeType: 'application/json',
        buffer: bigWorkflowFile(),
      });
      await page.getByTestId('editor').waitFor({ timeout: 90_000 });
      await until(
        '200 steps drawn',
        () => page.locator('.react-flow__node').count(),
        (n) => n === 200,
        60_000,
      );
      const importAndRenderMs = Date.now() - started;

      const reloadStarted = Date.now();
      const answered = page
        .waitForResponse((r) => /\/api\/workflows\/[^/]+$/.test(new URL(r.url()).pathname))
        .then((r) => {
          // From the request sent to its first byte back: the gateway and the catalog's own time,
          // apart from the page's reload before it.
          const t = r.request().timing();
          return { afterMs: Date.now() - reloadStarted, ttfbMs: t.responseStart - t.requestStart };
        });
      await page.reload();
      await until(
        '200 steps drawn again',
        () => page.locator('.react-flow__node').count(),
        (n) => n === 200,
        60_000,
      );
      const reloadRenderMs = Date.now() - reloadStarted;
      const workflowAnswered = await answered;

      await page.getByTestId('zoom-fit').click();
      await page.waitForTimeout(400);
      const fitted = await viewport(page);
      const titlePx = await builder
        .node('step_1')
        .locator('.text-sm')
        .first()
        .evaluate((el) =>
          parseFloat(
            (
              globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }
            ).getComputedStyle(el).fontSize,
          ),
        );
      expect(fitted.zoom).toBeGreaterThanOrEqual(0.75);
      expect(titlePx * fitted.zoom).toBeGreaterThanOrEqual(10);

      // Keyboard on the focused canvas: "-" never goes below the readable zoom, arrows pan.
      await page.getByTestId('flow-canvas').focus();
      for (let i = 0; i < 4; i++) await page.keyboard.press('-');
      await page.waitForTimeout(300);
      expect((await viewport(page)).zoom).toBeGreaterThanOrEqual(0.75);
      const before = await viewport(page);
      await page.keyboard.press('ArrowLeft');
      await until(
        'the view panned right',
        () => viewport(page),
        (v) => v.x > before.x + 40,
      );

      // Frames while dragging a step for about a second.
      // A step wholly on screen, grabbed by its title.
      const canvasBox = (await builder.canvas.boundingBox())!;
      let dragged = '';
      for (const id of await builder.nodeIds()) {
        const b = await builder.node(id).boundingBox();
        if (b && inside(b, { ...canvasBox, height: canvasBox.height - 200 })) {
          dragged = id;
          break;
        }
      }
      expect(dragged).not.toBe('');
      const box = (await builder.node(dragged).boundingBox())!;
      await page.evaluate(() => {
        const g = globalThis as unknown as {
          __frames: number;
          __counting: boolean;
          requestAnimationFrame(cb: () => void): void;
        };
        g.__frames = 0;
        g.__counting = true;
        const tick = () => {
          if (!g.__counting) return;
          g.__frames += 1;
          g.requestAnimationFrame(tick);
        };
        g.requestAnimationFrame(tick);
      });
      const dragStarted = Date.now();
      await page.mouse.move(box.x + 40, box.y + 15);
      await page.mouse.down();
      for (let i = 1; i <= 60; i++) {
        await page.mouse.move(box.x + 40 + i * 4, box.y + 15 + i * 2);
        await page.waitForTimeout(16);
      }
      await page.mouse.up();
      const dragMs = Date.now() - dragStarted;
      const moved = (await builder.node(dragged).boundingBox())!;
      expect(moved.x).toBeGreaterThan(box.x + 100);
      const frames = await page.evaluate(() => {
        const g = globalThis as unknown as { __frames: number; __counting: boolean };
        g.__counting = false;
        return g.__frames;
      });
      await builder.saved();
      console.log(
        [
          `200-step canvas (headless Chromium, 1280x800; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores):`,
          `  import + first render: ${importAndRenderMs} ms`,
          `  reload + render: ${reloadRenderMs} ms (GET /api/workflows/{id} answered after ${workflowAnswered.afterMs} ms, ${workflowAnswered.ttfbMs.toFixed(0)} ms of them from request sent to first byte)`,
          `  Fit zoom: ${fitted.zoom.toFixed(2)} (step title ${(titlePx * fitted.zoom).toFixed(1)} px)`,
          `  dragging a step: ${frames} frames in ${dragMs} ms = ${((frames * 1000) / dragMs).toFixed(1)} fps`,
        ].join('\n'),
      );
      await builder.restPointer();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'canvas-200.png') });
    });
    expect(ui.pageErrors).toEqual([]);
  });
});
