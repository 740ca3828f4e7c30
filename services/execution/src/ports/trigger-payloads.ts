import type { PayloadRef } from '@flowgenie/contracts';

/**
 * Reads trigger payloads that were stored by reference (`PayloadClaimCheck` of
 * @flowgenie/messaging over the configured payload store).
 */
export interface TriggerPayloads {
  /**
   * The payload: `payload` itself when there is no reference, else the stored one.
   * @throws an error with `code: 'payload_expired'` when the stored payload is gone.
   */
  resolve(checked: { payload?: unknown; payloadRef?: PayloadRef | null }): Promise<unknown>;
}

/** No store: only inline payloads (a reference cannot be read). */
export const inlineTriggerPayloads: TriggerPayloads = {
  async resolve(checked) {
    if (checked.payloadRef)
      throw Object.assign(new Error(`no payload store to read ${checked.payloadRef.key}`), {
        code: 'payload_store_missing',
      });
    return checked.payload;
  },
};
