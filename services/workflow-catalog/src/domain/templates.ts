import type { WorkflowGraph } from '@flowgenie/contracts';

export interface WorkflowTemplate {
  id: string;
  name: string;
  description: string;
  graph: WorkflowGraph;
}

const edge = (source: string, target: string, sourceHandle = 'main') => ({
  id: `${source}-${sourceHandle}-${target}`,
  source,
  sourceHandle,
  target,
});

/**
 * Built-in starting points for "New from template". Each is a draft the user finishes: steps that
 * need a connection (Gmail, Slack) leave it empty, so validation points at what to pick.
 */
export const WORKFLOW_TEMPLATES: readonly WorkflowTemplate[] = [
  {
    id: 'webhook-transform-respond',
    name: 'Webhook → transform → respond',
    description: 'Receive a JSON call, compute a new value from it and answer the caller with it.',
    graph: {
      nodes: [
        {
          id: 'webhook',
          type: 'webhook',
          position: { x: 0, y: 0 },
          config: { method: 'POST', responseMode: 'respond_node' },
        },
        {
          id: 'shape',
          type: 'transform',
          position: { x: 300, y: 0 },
          config: { expression: '{{ { "greeting": "Hello, " & trigger.body.name } }}' },
        },
        {
          id: 'reply',
          type: 'respond_to_webhook',
          position: { x: 600, y: 0 },
          config: { status: 200, headers: {}, body: '{{ steps.shape }}' },
        },
      ],
      edges: [edge('webhook', 'shape'), edge('shape', 'reply')],
      notes: [
        {
          id: 'note_try',
          text: 'Try it: publish, activate, then POST {"name": "Ada"} to the webhook URL.',
          position: { x: 0, y: -150 },
        },
      ],
    },
  },
  {
    id: 'schedule-http',
    name: 'Schedule → HTTP request',
    description: 'Call an API every weekday morning (for example a health check or a report).',
    graph: {
      nodes: [
        {
          id: 'every_morning',
          type: 'schedule',
          position: { x: 0, y: 0 },
          config: { cron: '0 9 * * 1-5', timezone: 'UTC' },
        },
        {
          id: 'call_api',
          type: 'http_request',
          position: { x: 300, y: 0 },
          config: { method: 'GET', url: 'https://example.com/', headers: {}, query: {} },
        },
      ],
      edges: [edge('every_morning', 'call_api')],
    },
  },
  {
    id: 'webhook-if-respond',
    name: 'Webhook → if → two answers',
    description: 'Answer a call differently depending on what it sent.',
    graph: {
      nodes: [
        {
          id: 'webhook',
          type: 'webhook',
          position: { x: 0, y: 0 },
          config: { method: 'POST', responseMode: 'respond_node' },
        },
        {
          id: 'is_big',
          type: 'if',
          position: { x: 300, y: 0 },
          config: { condition: '{{ trigger.body.amount > 100 }}' },
        },
        {
          id: 'big',
          type: 'respond_to_webhook',
          position: { x: 600, y: -80 },
          config: { status: 200, headers: {}, body: { size: 'big' } },
        },
        {
          id: 'small',
          type: 'respond_to_webhook',
          position: { x: 600, y: 80 },
          config: { status: 200, headers: {}, body: { size: 'small' } },
        },
      ],
      edges: [
        edge('webhook', 'is_big'),
        edge('is_big', 'big', 'true'),
        edge('is_big', 'small', 'false'),
      ],
    },
  },
  {
    id: 'gmail-slack',
    name: 'Gmail → Slack',
    description: 'Post each new matching email to a Slack channel.',
    graph: {
      nodes: [
        {
          id: 'new_mail',
          type: 'gmail_new_message',
          position: { x: 0, y: 0 },
          config: { connectionId: '', query: 'is:unread', pollIntervalMinutes: 1 },
        },
        {
          id: 'post',
          type: 'slack_post_message',
          position: { x: 300, y: 0 },
          config: {
            connectionId: '',
            channel: '',
            text: 'New mail from {{ trigger.from }}: {{ trigger.subject }}',
          },
        },
      ],
      edges: [edge('new_mail', 'post')],
      notes: [
        {
          id: 'note_connect',
          text: 'Pick your Google and Slack connections and a channel, then publish and activate.',
          position: { x: 0, y: -150 },
        },
      ],
    },
  },
  {
    id: 'manual-http-transform',
    name: 'Run by hand → HTTP request → transform',
    description: 'Fetch data from an API on demand and keep the fields you need.',
    graph: {
      nodes: [
        { id: 'start', type: 'manual', position: { x: 0, y: 0 }, config: {} },
        {
          id: 'fetch',
          type: 'http_request',
          position: { x: 300, y: 0 },
          config: { method: 'GET', url: 'https://example.com/', headers: {}, query: {} },
        },
        {
          id: 'pick',
          type: 'transform',
          position: { x: 600, y: 0 },
          config: { expression: '{{ { "status": steps.fetch.status } }}' },
        },
      ],
      edges: [edge('start', 'fetch'), edge('fetch', 'pick')],
    },
  },
];

export function findTemplate(id: string): WorkflowTemplate | undefined {
  return WORKFLOW_TEMPLATES.find((t) => t.id === id);
}
