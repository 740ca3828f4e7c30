import { z } from 'zod';

/**
 * An event definition: its `domain.verb` type, its version and the zod schema of its data.
 * A breaking change becomes a new version published side by side until consumers move.
 *
 * @example
 * export const WorkflowDeleted = defineEvent({
 *   type: 'workflow.deleted', version: 1,
 *   data: z.object({ workflowId: z.string().uuid(), ownerId: z.string().uuid() }),
 * });
 */
export interface EventDefinition<T extends string, S extends z.ZodType> {
  readonly type: T;
  readonly version: number;
  readonly data: S;
}

export function defineEvent<T extends string, S extends z.ZodType>(def: {
  type: T;
  version: number;
  data: S;
}): EventDefinition<T, S> {
  return Object.freeze(def);
}

/** The envelope every event travels in, shaped like an EventBridge event (type = DetailType). */
export const EventEnvelopeSchema = z.object({
  id: z.string().uuid(),
  type: z.string().regex(/^[a-z]+(\.[a-z_]+)+$/),
  version: z.number().int().positive(),
  source: z.string().min(1),
  time: z.string().datetime(),
  correlationId: z.string().min(1).max(200),
  data: z.unknown(),
});
export type EventEnvelope<T extends string = string, D = unknown> = Omit<
  z.infer<typeof EventEnvelopeSchema>,
  'type' | 'data'
> & { type: T; data: D };
