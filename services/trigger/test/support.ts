import { randomBytes, randomUUID } from 'node:crypto';
import type { JWTVerifyGetKey } from 'jose';
import type { PlatformEvent, WorkflowGraph } from '@flowgenie/contracts';
import { createEvent } from '@flowgenie/messaging';
import { LocalEventConsumer, LocalEventPublisher } from '@flowgenie/messaging/local';
import { createLogger, createRedis, type Redis } from '@flowgenie/platform';
import { TEST_REDIS_URL, waitFor, type TcpProxy } from '@flowgenie/testing';
import { startService } from '@flowgenie/testing/service';
import type { ConnectionAccess } from '@flowgenie/integrations';
import { Queue } from 'bullmq';
import { POLLS_QUEUE } from '../src/adapters/schedule/bullmq-polls';
import { triggerService, type TriggerOptions, type TriggerService } from '../src/compose';
import { loadTriggerConfig, type Config } from '../src/config';
import type { WorkflowSpecSource } from '../src/ports/workflow-spec-source';

export type TriggeredEvent = PlatformEvent<'workflow.triggered'>;

export const silentLogger = createLogger({ service: 'trigger-test', level: 'silent' });

/** A graph whose trigger is `trigger` followed by one transform step. */
export function graphWith(trigger: {
  type: string;
  config?: Record<string, unknown>;
  id?: string;
}): WorkflowGraph {
  const id = trigger.id ?? 'start';
  return {
    nodes: [
      { id, type: trigger.type, position: { x: 0, y: 0 }, config: trigger.config ?? {} },
      {
        id: 'shape',
        type: 'transform',
        position: { x: 200, y: 0 },
        config: { expression: '{{ { "got": trigger } }}' },
      },
    ],
    edges: [{ id: 'e1', source: id, sourceHandle: 'main', target: 'shape' }],
  };
}

export interface ActivatedWorkflow {
  workflowId: string;
  ownerId: string;
  hookId: string;
  version: number;
  hookUrl: string;
}

/**
 * One trigger service on its own database and Redis prefix, over real HTTP, plus what a test
 * needs around it: the catalog side (publishes lifecycle events onto the local bus) and the
 * execution side (an 'execution' consumer collecting every workflow.triggered).
 */
export class TriggerHarness {
  readonly triggered: TriggeredEvent[] = [];
  private constructor(
    readonly url: string,
    readonly service: TriggerService,
    readonly config: Config,
    readonly redis: Redis,
    private readonly bus: LocalEventPublisher,
    private readonly execution: LocalEventConsumer,
    /** The started service: `close()` stops it and drops its database and Redis keys. */
    private readonly running: { close(): Promise<void> },
  ) {}

  static async start(
    env: Record<string, string> = {},
    opts: {
      keySet?: JWTVerifyGetKey;
      specSource?: WorkflowSpecSource;
      /** A proxy the service's (not the test's) Postgres connections go through. */
      dbThrough?: TcpProxy;
      connectionAccess?: ConnectionAccess;
      scheduler?: TriggerOptions['scheduler'];
    } = {},
  ): Promise<TriggerHarness> {
    // The trigger's own issuer and audience defaults (suites sign their tokens for them).
    const defaults = loadTriggerConfig({});
    const running = await startService(triggerService, 'trigger', {
      env: { AUTH_ISSUER: defaults.AUTH_ISSUER, AUTH_AUDIENCE: defaults.AUTH_AUDIENCE, ...env },
      options: {
        logger: silentLogger,
        keySet: opts.keySet,
        specSource: opts.specSource,
        connectionAccess: opts.connectionAccess,
        scheduler: opts.scheduler,
      },
      databaseUrl: opts.dbThrough && ((url) => opts.dbThrough!.urlThrough(url)),
    });
    const { server, host: service, config, prefix } = running;
    const redis = createRedis(TEST_REDIS_URL);
    const bus = new LocalEventPublisher({ connection: redis, prefix });
    const execution = new LocalEventConsumer('execution', {
      connection: redis,
      prefix,
      logger: silentLogger,
    });
    const harness = new TriggerHarness(server.url, service, config, redis, bus, execution, running);
    await execution.start({
      'workflow.triggered': async (event) => {
        harness.triggered.push(event);
      },
    });
    return harness;
  }

  /** Publishes workflow.activated as the catalog does, and waits until the trigger applied it. */
  async activate(input: {
    graph: WorkflowGraph;
    workflowId?: string;
    ownerId?: string;
    hookId?: string;
    version?: number;
    name?: string;
    /** Event time (default now); an older one than the stored state is ignored. */
    time?: Date;
  }): Promise<ActivatedWorkflow> {
    const workflow = {
      workflowId: input.workflowId ?? randomUUID(),
      ownerId: input.ownerId ?? randomUUID(),
      hookId: input.hookId ?? randomBytes(16).toString('hex'),
      version: input.version ?? 1,
    };
    const event = createEvent(
      'workflow.activated',
      { ...workflow, name: input.name ?? 'test workflow', graph: input.graph },
      { source: 'workflow-catalog', time: input.time },
    );
    await this.bus.publish([event]);
    await this.eventApplied(event.id);
    return { ...workflow, hookUrl: `${this.url}/hooks/${workflow.hookId}` };
  }

  async deactivate(
    workflow: { workflowId: string; ownerId: string },
    type: 'workflow.deactivated' | 'workflow.deleted' = 'workflow.deactivated',
  ) {
    const event = createEvent(
      type,
      { workflowId: workflow.workflowId, ownerId: workflow.ownerId },
      { source: 'workflow-catalog' },
    );
    await this.bus.publish([event]);
    await this.eventApplied(event.id);
  }

  /** Publishes a connection event as auth does (the test waits for its effect). */
  async connectionEvent(
    type: 'connection.created' | 'connection.revoked',
    { connectionId, ownerId }: { connectionId: string; ownerId: string },
  ): Promise<void> {
    await this.bus.publish([
      createEvent(type, { connectionId, ownerId, provider: 'google' }, { source: 'auth' }),
    ]);
  }

  /** Whether a repeating poll is registered for the workflow. */
  async hasPoll(workflowId: string): Promise<boolean> {
    return (await this.service.integrations.polls.list()).some((p) => p.workflowId === workflowId);
  }

  /** The trigger service's inbox records every handled event: wait for this one. */
  private async eventApplied(eventId: string): Promise<void> {
    await waitFor(
      async () =>
        this.service.db
          .selectFrom('inbox')
          .select('event_id')
          .where('consumer', '=', 'trigger')
          .where('event_id', '=', eventId)
          .executeTakeFirst(),
      { message: `event ${eventId} applied by the trigger consumer` },
    );
  }

  /**
   * Waits until an activated polling trigger took its baseline and no poll of the service is
   * queued or running (the next is an interval away), so a test's own polls are the only ones.
   */
  async pollsSettled(workflowId: string): Promise<void> {
    await waitFor(
      async () =>
        (await this.service.integrations.states.find(workflowId))?.lastPolledAt ?? undefined,
      { message: `the first poll of ${workflowId}` },
    );
    const queue = new Queue(POLLS_QUEUE, {
      connection: this.redis,
      prefix: this.config.REDIS_PREFIX,
    });
    try {
      await waitFor(
        async () => {
          const c = await queue.getJobCounts('active', 'waiting', 'prioritized');
          return c.active + c.waiting + c.prioritized === 0 || undefined;
        },
        { message: 'no poll queued or running' },
      );
    } finally {
      await queue.close();
    }
  }

  /** workflow.triggered events the execution side received for one workflow. */
  triggeredFor(workflowId: string): TriggeredEvent[] {
    return this.triggered.filter((e) => e.data.workflowId === workflowId);
  }

  async waitForTriggered(
    predicate: (e: TriggeredEvent) => boolean,
    message = 'workflow.triggered received',
  ): Promise<TriggeredEvent> {
    return waitFor(() => this.triggered.find(predicate), { message });
  }

  /** Rows of the trigger service's own tables (firings, outbox) for one workflow. */
  async firingsOf(workflowId: string) {
    return this.service.db
      .selectFrom('firings')
      .selectAll()
      .where('workflow_id', '=', workflowId)
      .execute();
  }

  async outboxOf(workflowId: string) {
    const rows = await this.service.db
      .selectFrom('outbox')
      .selectAll()
      .where('type', '=', 'workflow.triggered')
      .execute();
    return rows.filter((r) => (r.envelope as TriggeredEvent).data.workflowId === workflowId);
  }

  async close(): Promise<void> {
    await this.execution.stop();
    await this.bus.close();
    // Stops the service, removes the suite's Redis keys (queues, schedulers, events) and database.
    await this.running.close();
    await this.redis.quit();
  }
}
