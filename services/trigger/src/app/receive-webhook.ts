import {
  WEBHOOK_REPLAY_WINDOW_SECONDS,
  WEBHOOK_SIGNATURE_HEADER,
  type WebhookResponseMessage,
} from '@flowgenie/contracts';
import { inForeground, type Logger } from '@flowgenie/platform';
import type { SecretOpener } from '../ports/secret-opener';
import {
  HookNotFoundError,
  HookRateLimitedError,
  InvalidSignatureError,
  MethodNotAllowedError,
  ReplayedRequestError,
} from '../domain/errors';
import { webhookFiringKey } from '../domain/idempotency';
import { allowedMethods, type Trigger } from '../domain/trigger';
import { buildWebhookPayload } from '../domain/webhook-request';
import { verifySignature } from '../domain/webhook-signature';
import type { FiringStore, Firing, FiringOutcome } from '../ports/firing-store';
import type { TriggerRepository } from '../ports/trigger-repository';
import type {
  PendingWebhookResponse,
  WebhookResponseWaiter,
} from '../ports/webhook-response-waiter';
import type { HookOutcome, TriggerMetrics } from '../ports/trigger-metrics';
import type { PayloadClaims } from '../ports/payload-claims';
import { checkInFiring } from './claim-check';
import type { SignatureReplayGuard, WebhookRateLimiter } from '../ports/webhook-guards';
import { triggerOf, webhookSettings, type WebhookSettings } from './trigger-settings';

export interface WebhookRequest {
  hookId: string;
  method: string;
  /** Request headers as received (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
  query: unknown;
  /** The exact bytes received (the HMAC covers them); empty when there was no body. */
  rawBody: Buffer;
  /** The body as the workflow sees it: parsed JSON, text, or null. */
  body: unknown;
  /** The caller's Idempotency-Key (checked), else undefined. */
  idempotencyKey?: string;
  /** The caller's address (the per-IP rate limit). */
  clientIp: string;
  /** A fresh id of this request, the firing key when the caller sent no Idempotency-Key. */
  requestId: string;
  /** Aborts when the caller hangs up; a waiting webhook stops waiting. */
  signal?: AbortSignal;
}

export type WebhookOutcome =
  /** Fired; answer at once (responseMode immediately). */
  | { kind: 'accepted'; executionId: string }
  /** The Idempotency-Key was used before: the first execution, nothing new fired. */
  | { kind: 'duplicate'; executionId: string }
  /** The executor answered (a respond step, or the execution's end). */
  | { kind: 'answered'; executionId: string; message: WebhookResponseMessage }
  /** Still running after the wait limit (or the wait was cut short). */
  | { kind: 'timed_out'; executionId: string };

/** Hooks whose reads are kept at once (a cache, not a registry: past this it is emptied). */
const HOOK_CACHE_ENTRIES = 10_000;

/** What a caller with a bad signature is told, by the reason verifySignature gives. */
const SIGNATURE_MESSAGES = {
  missing: `missing ${WEBHOOK_SIGNATURE_HEADER} header`,
  malformed: `malformed ${WEBHOOK_SIGNATURE_HEADER} header (expected t=<unix>,v1=<hex>)`,
  expired: `signature timestamp is outside the ${WEBHOOK_REPLAY_WINDOW_SECONDS / 60}-minute window`,
  mismatch: 'signature does not match the body',
} as const;

/** The metrics outcome of a webhook call that ended in an error. */
function rejectionOutcome(err: unknown): HookOutcome {
  if (err instanceof HookNotFoundError) return 'not_found';
  if (err instanceof MethodNotAllowedError) return 'method_not_allowed';
  if (err instanceof InvalidSignatureError) return 'bad_signature';
  if (err instanceof ReplayedRequestError) return 'replayed';
  if (err instanceof HookRateLimitedError) return 'rate_limited';
  return 'error';
}

/**
 * A call to `/hooks/{hookId}`: checks the hook, the method, the rate limits, the signature and that
 * a signed request is not a replay before anything is written, records the firing with its workflow.triggered event in one transaction and, in
 * respond_node mode, waits for the executor's answer (registered before the commit).
 */
export class ReceiveWebhook {
  constructor(
    private readonly deps: {
      triggers: TriggerRepository;
      firings: FiringStore;
      waiter: WebhookResponseWaiter;
      metrics: TriggerMetrics;
      logger: Logger;
      waitTimeoutMs: number;
      newId: () => string;
      now: () => Date;
      secrets: SecretOpener;
      rateLimiter: WebhookRateLimiter;
      replays: SignatureReplayGuard;
      /** Default calls per minute per hook (a node's rateLimitPerMinute overrides it) and per client IP. */
      rateLimits: { perHook: number; perIp: number };
      /** Large payloads are stored once and the event carries a reference. @default all inline */
      payloads?: PayloadClaims;
      /**
       * How long a hook's row, once read, answers the first checks of the calls after it (only
       * with a firing store whose one-statement firing confirms the row is unchanged; a stale
       * read is then read again, so only the rate-limit values may lag by this). 0 = read each call.
       * @default 1000
       */
      hookCacheMs?: number;
    },
  ) {
    this.hookCacheMs = deps.hookCacheMs ?? 1000;
  }

  private readonly hookCacheMs: number;
  private readonly hooks = new Map<string, { trigger: Trigger; at: number }>();
  private readonly readOf = new WeakMap<Trigger, { nodeId: string; settings: WebhookSettings }>();

  async execute(req: WebhookRequest): Promise<WebhookOutcome> {
    try {
      return await this.run(req);
    } catch (err) {
      this.deps.metrics.hookReceived(rejectionOutcome(err));
      throw err;
    }
  }

  private async run(req: WebhookRequest): Promise<WebhookOutcome> {
    const state = { rateTaken: false };
    const cached = this.recall(req.hookId);
    if (cached) {
      const outcome = await this.attempt(req, cached, state, true);
      if (outcome) return outcome;
      // The cached row was stale (nothing was decided on it, nothing written): read it afresh.
      this.hooks.delete(req.hookId);
    }
    const fresh = await this.deps.triggers.findByHookId(req.hookId);
    this.remember(req.hookId, fresh);
    return (await this.attempt(req, fresh, state, false)) as WebhookOutcome;
  }

  /**
   * Checks, rate-limits, verifies and fires on one read of the trigger. On a cached read it only
   * decides what the row as stored confirms: anything it would refuse, and a row changed since
   * (the one-statement firing finds another version), resolve undefined, any claim released.
   */
  private async attempt(
    req: WebhookRequest,
    read: Trigger | undefined,
    state: { rateTaken: boolean },
    cached: boolean,
  ): Promise<WebhookOutcome | undefined> {
    // Cheap rejection first, without a transaction: unknown hooks, wrong methods, bad signatures.
    let first;
    try {
      first = this.check(read, req);
    } catch (err) {
      if (cached) return undefined;
      throw err;
    }
    if (!state.rateTaken) {
      state.rateTaken = true;
      await this.limitRate(first.settings, req);
    }
    let replayKey;
    try {
      replayKey = await this.verify(first.settings, req);
    } catch (err) {
      // A secret changed since the cached read: the fresh read decides.
      if (cached && err instanceof InvalidSignatureError) return undefined;
      throw err;
    }
    try {
      const outcome = await this.fire(req, first.trigger, first.settings, first.nodeId, cached);
      if (!outcome && replayKey) await this.forgetSignature(replayKey);
      return outcome;
    } catch (err) {
      // Nothing was recorded: the sender may send the same signed request again.
      if (replayKey) await this.forgetSignature(replayKey);
      throw err;
    }
  }

  /** A recent read of an active hook, when the firing store can confirm it in its one statement. */
  private recall(hookId: string): Trigger | undefined {
    if (!this.deps.firings.recordIfUnchanged) return undefined;
    const entry = this.hooks.get(hookId);
    if (!entry) return undefined;
    if (this.deps.now().getTime() - entry.at > this.hookCacheMs) {
      this.hooks.delete(hookId);
      return undefined;
    }
    return entry.trigger;
  }

  private remember(hookId: string, trigger: Trigger | undefined): void {
    if (!this.deps.firings.recordIfUnchanged || this.hookCacheMs <= 0) return;
    if (!trigger?.active || trigger.revision === undefined) return;
    // Bounded: past the limit it starts afresh rather than keeping an LRU on the hot path.
    if (this.hooks.size >= HOOK_CACHE_ENTRIES) this.hooks.clear();
    this.hooks.set(hookId, { trigger, at: this.deps.now().getTime() });
  }

  private async fire(
    req: WebhookRequest,
    first: Trigger,
    firstSettings: WebhookSettings,
    firstNodeId: string,
    cached = false,
  ): Promise<WebhookOutcome | undefined> {
    const executionId = this.deps.newId();
    const payload = buildWebhookPayload({
      method: req.method,
      headers: req.headers,
      query: req.query,
      body: req.body,
    });
    // A large payload (or graph) is durable in the payload store before the firing commits, and
    // so before the caller's answer; the event carries its reference.
    const checked = await checkInFiring(this.deps.payloads, this.deps.logger, {
      executionId,
      payload,
      graph: first.graph,
    });
    const unused = () => checked.release();
    let pending: PendingWebhookResponse | undefined;
    const firingOf = (trigger: Trigger, nodeId: string): Firing => ({
      executionId,
      workflowId: trigger.workflowId,
      ownerId: trigger.ownerId,
      version: trigger.version,
      mode: 'webhook',
      triggerNodeId: nodeId,
      idempotencyKey: webhookFiringKey(trigger.workflowId, req.idempotencyKey ?? req.requestId),
      ...checked.payload,
      // The graph checked in is the first read's; a version activated since travels inline.
      ...(trigger.version === first.version ? checked.graph : { graph: trigger.graph }),
      triggeredAt: this.deps.now().toISOString(),
    });
    // The recording, in one statement when the row is unchanged since the first read; 'stale'
    // when a cached read no longer matches it (nothing decided, nothing written).
    const record = async (): Promise<FiringOutcome | 'stale' | undefined> => {
      let recorded: FiringOutcome | 'seen' | undefined;
      if (this.deps.firings.recordIfUnchanged && first.revision !== undefined) {
        if (firstSettings.responseMode === 'respond_node')
          pending = this.deps.waiter.register(executionId);
        recorded = await this.deps.firings.recordIfUnchanged(first, firingOf(first, firstNodeId));
        if (recorded === undefined && cached) return 'stale';
        // A repeated key on the row as read: the transaction below answers its first execution.
        if (recorded !== 'seen' && recorded !== undefined) return recorded;
      }
      return this.deps.firings.recordForTrigger({ hookId: req.hookId }, (locked) => {
        // The row may have changed since the first read (a new version, a deactivation): decide on this one.
        const { trigger, settings, nodeId } = this.check(locked, req);
        // The signature was checked against the secret read first; a secret changed since then does not count.
        if (settings.hmacSecret !== firstSettings.hmacSecret)
          throw new InvalidSignatureError('the webhook secret changed; sign the call again');
        if (settings.responseMode === 'respond_node')
          pending ??= this.deps.waiter.register(executionId);
        else {
          // Registered for the first read's mode, which the row no longer has.
          pending?.cancel();
          pending = undefined;
        }
        return firingOf(trigger, nodeId);
      });
    };
    let outcome;
    try {
      // An immediate answer is all the caller waits for, so its recording is foreground work: in
      // one process the outbox relay starts executions from the backlog in the gaps between
      // such recordings (at least a batch every FOREGROUND_MAX_WAIT_MS), and a burst is
      // acknowledged at the intake's own speed. A respond_node caller waits for its execution.
      outcome =
        firstSettings.responseMode === 'respond_node' ? await record() : await inForeground(record);
    } catch (err) {
      pending?.cancel();
      await unused();
      throw err;
    }
    if (outcome === 'stale') {
      // A cached read that no longer matches the row decides nothing: the caller reads again.
      pending?.cancel();
      await unused();
      return undefined;
    }
    if (!outcome) {
      pending?.cancel();
      await unused();
      throw new HookNotFoundError();
    }
    if (outcome.duplicate) {
      pending?.cancel();
      await unused();
      this.deps.metrics.hookReceived('duplicate');
      return { kind: 'duplicate', executionId: outcome.executionId };
    }
    this.deps.metrics.firingEmitted('webhook');
    if (!pending) {
      this.deps.metrics.hookReceived('accepted');
      return { kind: 'accepted', executionId };
    }
    const message = await pending.wait(this.deps.waitTimeoutMs, req.signal);
    if (!message) {
      this.deps.metrics.hookReceived('timed_out');
      return { kind: 'timed_out', executionId };
    }
    this.deps.metrics.hookReceived('responded');
    return { kind: 'answered', executionId, message };
  }

  private check(
    trigger: Trigger | undefined,
    req: WebhookRequest,
  ): { trigger: Trigger; settings: WebhookSettings; nodeId: string } {
    if (!trigger || !trigger.active || trigger.type !== 'webhook') throw new HookNotFoundError();
    // A cached read is checked once: its node and settings (a schema parse) serve the calls after.
    let read = this.readOf.get(trigger);
    if (!read) {
      const node = triggerOf(trigger.graph);
      if (!node) throw new HookNotFoundError();
      read = { nodeId: node.id, settings: webhookSettings(trigger.config) };
      this.readOf.set(trigger, read);
    }
    const { settings, nodeId } = read;
    const allowed = allowedMethods(settings.method);
    if (!(allowed as string[]).includes(req.method.toUpperCase()))
      throw new MethodNotAllowedError(req.method.toUpperCase(), allowed);
    return { trigger, settings, nodeId };
  }

  /** Per-hook and per-IP budgets; Redis unreachable: the call goes through (fail open) with a warning. */
  private async limitRate(settings: WebhookSettings, req: WebhookRequest): Promise<void> {
    const perHook = settings.rateLimitPerMinute ?? this.deps.rateLimits.perHook;
    let verdict;
    try {
      verdict = await this.deps.rateLimiter.take({
        hookId: req.hookId,
        ip: req.clientIp,
        perHook,
        perIp: this.deps.rateLimits.perIp,
      });
    } catch (err) {
      this.deps.logger.warn(
        { err: (err as Error).message, hookId: req.hookId },
        'webhook rate limit not checked (redis unavailable); call let through',
      );
      return;
    }
    if (verdict.allowed) return;
    const who = verdict.scope === 'hook' ? 'this webhook' : 'your address';
    throw new HookRateLimitedError(
      `too many calls to ${who}: at most ${verdict.limit} per minute; retry in ${verdict.retryAfterSeconds} s`,
      verdict.retryAfterSeconds,
    );
  }

  /**
   * The HMAC signature, when the webhook has a secret (stored sealed: opened here, never logged),
   * then the replay guard: a signature is accepted once within its window. A repeat that carries the
   * same Idempotency-Key as the first is a retry and goes on (the firing store answers it with the
   * first execution); any other repeat is a replay. Returns the guard's key, to forget on failure.
   */
  private async verify(
    settings: WebhookSettings,
    req: WebhookRequest,
  ): Promise<string | undefined> {
    if (!settings.hmacSecret) return undefined;
    const header = req.headers[WEBHOOK_SIGNATURE_HEADER];
    const now = this.deps.now();
    const result = verifySignature({
      secret: await this.deps.secrets.open(settings.hmacSecret),
      header: Array.isArray(header) ? header[0] : header,
      rawBody: req.rawBody,
      now,
      windowSeconds: WEBHOOK_REPLAY_WINDOW_SECONDS,
    });
    if (!result.ok) throw new InvalidSignatureError(SIGNATURE_MESSAGES[result.reason]);

    const key = `${req.hookId}:${result.signature}`;
    // Remembered a little past the moment the signature stops being accepted anyway.
    const ttlSeconds = result.validUntil - Math.floor(now.getTime() / 1000) + 5;
    const tag = req.idempotencyKey ? `key:${req.idempotencyKey}` : '-';
    let claim;
    try {
      claim = await this.deps.replays.claim(key, tag, ttlSeconds);
    } catch (err) {
      this.deps.logger.warn(
        { err: (err as Error).message, hookId: req.hookId },
        'webhook replay guard not checked (redis unavailable); call let through',
      );
      return undefined;
    }
    if (claim.first) return key;
    if (req.idempotencyKey && claim.tag === tag) return undefined;
    throw new ReplayedRequestError();
  }

  private async forgetSignature(key: string): Promise<void> {
    try {
      await this.deps.replays.release(key);
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'webhook replay claim not released');
    }
  }
}
