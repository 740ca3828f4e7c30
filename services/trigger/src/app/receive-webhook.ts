import { WEBHOOK_REPLAY_WINDOW_SECONDS, WEBHOOK_SIGNATURE_HEADER, type WebhookResponseMessage } from '@flowgenie/contracts';
import type { Logger } from '@flowgenie/platform';
import type { SecretOpener } from '../ports/secret-opener';
import { HookNotFoundError, InvalidSignatureError, MethodNotAllowedError } from '../domain/errors';
import { webhookFiringKey } from '../domain/idempotency';
import { allowedMethods, type Trigger } from '../domain/trigger';
import { buildWebhookPayload } from '../domain/webhook-request';
import { verifySignature } from '../domain/webhook-signature';
import type { FiringStore, Firing } from '../ports/firing-store';
import type { TriggerRepository } from '../ports/trigger-repository';
import type { PendingWebhookResponse, WebhookResponseWaiter } from '../ports/webhook-response-waiter';
import type { HookOutcome, TriggerMetrics } from '../ports/trigger-metrics';
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
  return 'error';
}

/**
 * A call to `/hooks/{hookId}`: checks the hook, the method and the signature before anything is
 * written, records the firing with its workflow.triggered event in one transaction and, in
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
    },
  ) {}

  async execute(req: WebhookRequest): Promise<WebhookOutcome> {
    try {
      return await this.run(req);
    } catch (err) {
      this.deps.metrics.hookReceived(rejectionOutcome(err));
      throw err;
    }
  }

  private async run(req: WebhookRequest): Promise<WebhookOutcome> {
    // Cheap rejection first, without a transaction: unknown hooks, wrong methods, bad signatures.
    const first = this.check(await this.deps.triggers.findByHookId(req.hookId), req);
    await this.verify(first.settings, req);

    const executionId = this.deps.newId();
    const payload = buildWebhookPayload({ method: req.method, headers: req.headers, query: req.query, body: req.body });
    let pending: PendingWebhookResponse | undefined;
    let outcome;
    try {
      outcome = await this.deps.firings.recordForTrigger({ hookId: req.hookId }, (locked) => {
        // The row may have changed since the first read (a new version, a deactivation): decide on this one.
        const { trigger, settings, nodeId } = this.check(locked, req);
        // The signature was checked against the secret read first; a secret changed since then does not count.
        if (settings.hmacSecret !== first.settings.hmacSecret) throw new InvalidSignatureError('the webhook secret changed; sign the call again');
        if (settings.responseMode === 'respond_node' && !pending) pending = this.deps.waiter.register(executionId);
        const firing: Firing = {
          executionId,
          workflowId: trigger.workflowId,
          ownerId: trigger.ownerId,
          version: trigger.version,
          mode: 'webhook',
          triggerNodeId: nodeId,
          idempotencyKey: webhookFiringKey(trigger.workflowId, req.idempotencyKey ?? req.requestId),
          payload,
          graph: trigger.graph,
          triggeredAt: this.deps.now().toISOString(),
        };
        return firing;
      });
    } catch (err) {
      pending?.cancel();
      throw err;
    }
    if (!outcome) {
      pending?.cancel();
      throw new HookNotFoundError();
    }
    if (outcome.duplicate) {
      pending?.cancel();
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
    const node = triggerOf(trigger.graph);
    if (!node) throw new HookNotFoundError();
    const settings = webhookSettings(trigger.config);
    const allowed = allowedMethods(settings.method);
    if (!(allowed as string[]).includes(req.method.toUpperCase())) throw new MethodNotAllowedError(req.method.toUpperCase(), allowed);
    return { trigger, settings, nodeId: node.id };
  }

  /** The HMAC signature, when the webhook has a secret (stored sealed: opened here, never logged). */
  private async verify(settings: WebhookSettings, req: WebhookRequest): Promise<void> {
    if (!settings.hmacSecret) return;
    const header = req.headers[WEBHOOK_SIGNATURE_HEADER];
    const result = verifySignature({
      secret: await this.deps.secrets.open(settings.hmacSecret),
      header: Array.isArray(header) ? header[0] : header,
      rawBody: req.rawBody,
      now: this.deps.now(),
      windowSeconds: WEBHOOK_REPLAY_WINDOW_SECONDS,
    });
    if (!result.ok) throw new InvalidSignatureError(SIGNATURE_MESSAGES[result.reason]);
  }
}
