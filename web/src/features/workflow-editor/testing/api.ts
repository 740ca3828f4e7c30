import type { TestWebhookListener } from '@flowgenie/contracts';
import { api } from '../../../lib/api';

const base = (workflowId: string) =>
  `/api/workflows/${encodeURIComponent(workflowId)}/test-webhook`;

/** "Listen for test event": a one-call test URL for the draft's webhook trigger. */
export function startTestWebhook(workflowId: string, run: boolean): Promise<TestWebhookListener> {
  return api.post(base(workflowId), { run });
}

export function getTestWebhook(
  workflowId: string,
  listenerId: string,
): Promise<TestWebhookListener> {
  return api.get(`${base(workflowId)}/${encodeURIComponent(listenerId)}`);
}

export function stopTestWebhook(workflowId: string, listenerId: string): Promise<void> {
  return api.delete(`${base(workflowId)}/${encodeURIComponent(listenerId)}`);
}
