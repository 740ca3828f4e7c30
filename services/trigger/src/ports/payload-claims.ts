import type { PayloadRef } from '@flowgenie/contracts';
import type { CheckedPayload } from '@flowgenie/messaging';

/**
 * The claim check of trigger payloads (`PayloadClaimCheck` of @flowgenie/messaging): a payload
 * above the inline limit is stored once, durably, and the firing carries its reference.
 */
export interface PayloadClaims {
  /** `{ payload }` when small, else `{ payloadRef }` once the payload is stored under `key`. */
  checkIn(payload: unknown, key: string): Promise<CheckedPayload>;
  /** Deletes a stored payload no firing uses (a duplicate, a firing that failed). */
  release(checked: CheckedPayload): Promise<void>;
  /** JSON bytes above which `checkIn` stores; absent: everything travels inline. */
  readonly inlineMaxBytes?: number;
}

/** Reads what another service stored by reference (the catalog's large graphs). */
export interface PayloadReader {
  /** The stored value; @throws PayloadMissingError when it expired or was deleted. */
  resolve(checked: { payloadRef: PayloadRef }): Promise<unknown>;
}

/** Every payload inline (no store): unit tests, and a service composed without a store. */
export const inlinePayloads: PayloadClaims = {
  checkIn: async (payload) => ({ payload }),
  release: async () => undefined,
};

/** The store key of a firing's payload: one per execution. */
export const triggeredPayloadKey = (executionId: string) => `triggered/${executionId}`;
/** The store key of a firing's graph, when it is too large to travel inline. */
export const triggeredGraphKey = (executionId: string) => `triggered/${executionId}.graph`;
