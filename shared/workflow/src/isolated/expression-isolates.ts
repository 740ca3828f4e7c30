import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import { isSmallData } from '../bounded-expression';
import { ExpressionError } from '../errors';
import {
  containsTemplate,
  DEFAULT_EXPRESSION_LIMITS,
  isBoundedConfig,
  isBoundedExpression,
  type ExpressionData,
  type ExpressionEvaluator,
  type ExpressionLimits,
  type ResolveOptions,
} from '../expressions';
import { runRequest, type IsolateReply, type IsolateRequest } from './protocol';

export interface ExpressionIsolatesOptions {
  /** Worker threads kept for evaluation; each runs one request at a time. @default 2 */
  size?: number;
  /** Heap of one isolate (old generation), in MiB: past it the isolate is stopped. @default 96 */
  maxHeapMb?: number;
  /** How long past the expression's own time limit the isolate may run before it is stopped. @default 250 */
  graceMs?: number;
  /** Largest result an evaluation may return, in characters of its JSON. @default 16 Mi */
  maxResultChars?: number;
  /**
   * Expressions of the bounded subset (`bounded-expression.ts`: paths, literals, arithmetic,
   * comparisons, no function calls) over an input this small run in the calling thread: they
   * cannot stall or exhaust it, and a round trip to an isolate would cost more than they do.
   * `false` sends every expression to an isolate.
   * @default { maxNodes: 2000, maxChars: 131072 }
   */
  inlineBounded?: { maxNodes: number; maxChars: number } | false;
}

type Pending = {
  request: IsolateRequest;
  resolve(value: unknown): void;
  reject(err: Error): void;
  wallMs: number;
};
type Slot = { worker: Worker; ready: boolean; current?: Pending; timer?: NodeJS.Timeout };

let workerSource: string | undefined;

/**
 * Expressions evaluated in worker threads that are terminated at a hard deadline or when they
 * exhaust their heap. JSONata's own `timeout` is cooperative (one catastrophic `$match` or a
 * `$pad` to 1e8 never yields), so only an isolate the executor can kill keeps it serving other
 * steps; the failing step gets a permanent {@link ExpressionError}.
 *
 * The time limit applies to one request: a whole step config (`resolveConfig`) or one expression.
 *
 * @example
 * const isolates = new ExpressionIsolates({ size: 2 });
 * await isolates.evaluate('a + 1', { trigger: {}, steps: {} }); // runs in a worker
 * await isolates.close();
 */
export class ExpressionIsolates implements ExpressionEvaluator {
  private readonly size: number;
  private readonly maxHeapMb: number;
  private readonly graceMs: number;
  private readonly maxResultChars: number;
  private readonly inlineBounded: { maxNodes: number; maxChars: number } | false;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: ExpressionIsolatesOptions = {}) {
    this.size = Math.max(1, options.size ?? 2);
    this.maxHeapMb = options.maxHeapMb ?? 96;
    this.graceMs = options.graceMs ?? 250;
    this.maxResultChars = options.maxResultChars ?? 16 * 1024 * 1024;
    this.inlineBounded = options.inlineBounded ?? { maxNodes: 2000, maxChars: 131072 };
  }

  /** Starts the isolates now rather than on the first evaluation. */
  warm(): void {
    while (this.slots.length < this.size) this.slots.push(this.spawn());
  }

  evaluate(
    source: string,
    data: ExpressionData,
    options: ExpressionLimits & { path?: string } = {},
  ): Promise<unknown> {
    const request: IsolateRequest = {
      id: this.nextId++,
      kind: 'evaluate',
      source,
      data,
      options,
      maxResultChars: this.maxResultChars,
    };
    if (this.runsInline(isBoundedExpression(source), data)) return runRequest(request);
    return this.submit(request, options);
  }

  resolveConfig<T>(config: T, data: ExpressionData, options: ResolveOptions = {}): Promise<T> {
    // Most configs hold no `{{ }}`: no round trip (and no copy of the step's input) for those.
    if (!containsTemplate(config, options.jsonKeys)) return Promise.resolve(config);
    const request: IsolateRequest = {
      id: this.nextId++,
      kind: 'resolveConfig',
      config,
      data,
      options,
      maxResultChars: this.maxResultChars,
    };
    const run = this.runsInline(isBoundedConfig(config), data)
      ? runRequest(request)
      : this.submit(request, options);
    return run as Promise<T>;
  }

  private runsInline(bounded: boolean, data: ExpressionData): boolean {
    return bounded && this.inlineBounded !== false && isSmallData(data, this.inlineBounded);
  }

  /** Stops every isolate; evaluations still waiting fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0))
      pending.reject(new Error('expression isolates closed'));
    await Promise.all(
      this.slots.splice(0).map(async (slot) => {
        clearTimeout(slot.timer);
        slot.current?.reject(new Error('expression isolates closed'));
        await slot.worker.terminate();
      }),
    );
  }

  private submit(request: IsolateRequest, limits: ExpressionLimits): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('expression isolates closed'));
    const wallMs = (limits.timeoutMs ?? DEFAULT_EXPRESSION_LIMITS.timeoutMs) + this.graceMs;
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject, wallMs });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      if (this.slots.length < this.size && !this.slots.some((s) => !s.ready || !s.current)) {
        // Every isolate is busy: start another; it takes work once it says it is ready.
        this.slots.push(this.spawn());
      }
      const slot = this.slots.find((s) => s.ready && !s.current);
      if (!slot) return;
      const pending = this.queue.shift()!;
      slot.current = pending;
      slot.timer = setTimeout(
        () =>
          this.kill(
            slot,
            stopped(pending, `ran past its time limit and was stopped after ${pending.wallMs} ms`),
          ),
        pending.wallMs,
      );
      slot.worker.postMessage(pending.request);
    }
  }

  private spawn(): Slot {
    const [entry, mode] = workerEntry();
    const worker = new Worker(entry, {
      ...mode,
      resourceLimits: {
        maxOldGenerationSizeMb: this.maxHeapMb,
        maxYoungGenerationSizeMb: 16,
        stackSizeMb: 4,
      },
    });
    worker.unref();
    const slot: Slot = { worker, ready: false };
    worker.on('message', (reply: IsolateReply | { ready: true }) => {
      if ('ready' in reply) {
        slot.ready = true;
        this.dispatch();
        return;
      }
      const pending = slot.current;
      if (!pending || pending.request.id !== reply.id) return;
      this.finish(slot);
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(new ExpressionError(reply.error.message, reply.error));
      this.dispatch();
    });
    worker.on('error', (err: Error & { code?: string }) => {
      const pending = slot.current;
      const reason =
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `ran out of memory (limit ${this.maxHeapMb} MiB) and was stopped`
          : `crashed its isolate: ${err.message}`;
      this.kill(
        slot,
        pending &&
          stopped(pending, reason, err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'isolate'),
      );
    });
    worker.on('exit', () => {
      if (this.slots.includes(slot))
        this.kill(slot, slot.current && stopped(slot.current, 'crashed its isolate', 'isolate'));
    });
    return slot;
  }

  /** Drops an isolate (terminating it) and fails the request it was running. */
  private kill(slot: Slot, error?: ExpressionError): void {
    const pending = slot.current;
    this.finish(slot);
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    void slot.worker.terminate();
    if (pending && error) pending.reject(error);
    if (!this.closed) this.dispatch();
  }

  private finish(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.current = undefined;
  }
}

function stopped(pending: Pending, reason: string, code = 'D1012'): ExpressionError {
  const { request } = pending;
  if (request.kind === 'evaluate') {
    const where = request.options.path ? ` in ${request.options.path}` : '';
    return new ExpressionError(`expression "${request.source}"${where}: ${reason}`, {
      code,
      expression: request.source,
      path: request.options.path,
      reason,
    });
  }
  return new ExpressionError(`this step's expressions ${reason}`, { code, expression: '', reason });
}

/**
 * The worker's code: the built `expression-worker.js` beside this file or beside the process's
 * bundled entry (`dist/`, see local/dev/src/build.ts) when there is one, else the TypeScript
 * source bundled once per process with esbuild (development, tests).
 */
function workerEntry(): [string, { eval: boolean }] {
  const mainDir = require.main?.filename ? path.dirname(require.main.filename) : undefined;
  for (const dir of [__dirname, mainDir]) {
    const built = dir && path.join(dir, 'expression-worker.js');
    if (built && fs.existsSync(built)) return [built, { eval: false }];
  }
  workerSource ??= buildSync({
    entryPoints: [path.join(__dirname, 'expression-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  }).outputFiles[0].text;
  return [workerSource, { eval: true }];
}
