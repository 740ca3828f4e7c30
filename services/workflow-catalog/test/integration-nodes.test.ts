import { randomUUID } from 'node:crypto';
import { startCatalog, type TestCatalog } from './helpers';

let catalog: TestCatalog;
let token: string;

beforeAll(async () => {
  catalog = await startCatalog('catalog_integration_nodes');
  ({ token } = await catalog.userToken());
});
afterAll(() => catalog.close());

const call = (method: string, path: string, body?: unknown) =>
  catalog.call(method, path, { token, body });
const connectionId = randomUUID();

/** manual trigger → the integration step under test. */
const graphWith = (type: string, config: Record<string, unknown>) => ({
  nodes: [
    { id: 'start', type: 'manual', position: { x: 0, y: 0 }, config: {} },
    { id: 'act', type, position: { x: 200, y: 0 }, config: { connectionId, ...config } },
  ],
  edges: [{ id: 'e1', source: 'start', sourceHandle: 'main', target: 'act' }],
});

describe('integration node types in the catalog', () => {
  it('lists Gmail, Slack and Calendar actions with their connection and option fields', async () => {
    const res = await call('GET', '/node-types');
    expect(res.status).toBe(200);
    const byType = new Map(res.body.items.map((t: { type: string }) => [t.type, t]));
    for (const type of [
      'gmail_send',
      'gmail_search',
      'slack_post_message',
      'slack_list_channels',
      'calendar_create_event',
      'calendar_list_events',
    ])
      expect(byType.has(type)).toBe(true);
    const slack = byType.get('slack_post_message') as {
      configSchema: { properties: Record<string, Record<string, unknown>> };
    };
    expect(slack.configSchema.properties.connectionId['x-connection']).toEqual({
      providers: ['slack'],
      scopes: ['chat:write'],
    });
    expect(slack.configSchema.properties.channel['x-options']).toEqual({
      source: 'slack.channels',
      connectionField: 'connectionId',
    });
  });

  it.each([
    [
      'a malformed address',
      'gmail_send',
      { to: 'bob@', subject: 's', text: 't' },
      'nodes.1.config.to',
      /not a valid email address/,
    ],
    [
      'a malformed date',
      'calendar_create_event',
      { summary: 's', start: '2030-13-01T10:00:00Z', end: '2030-12-01T11:00:00Z' },
      'nodes.1.config.start',
      /date and time/,
    ],
    [
      'an end before the start',
      'calendar_create_event',
      { summary: 's', start: '2030-12-01T10:00:00Z', end: '2030-12-01T09:00:00Z' },
      'nodes.1.config.end',
      /before the start/,
    ],
    [
      'blocks that are not JSON',
      'slack_post_message',
      { channel: 'C1', text: 'x', blocks: '[{' },
      'nodes.1.config.blocks',
      /not valid JSON/,
    ],
  ])('refuses to publish %s, locating it', async (_label, type, config, path, message) => {
    const created = await call('POST', '/workflows', {
      name: `broken ${type}`,
      graph: graphWith(type, config),
    });
    expect(created.status).toBe(201);
    const res = await call('POST', `/workflows/${created.body.id}/publish`);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual(
      expect.objectContaining({ nodeId: 'act', path, message: expect.stringMatching(message) }),
    );
    expect((await call('GET', `/workflows/${created.body.id}/versions`)).body.items).toEqual([]);
  });

  it('accepts valid integration steps in a draft, leaving {{ }} fields to run time', async () => {
    // Publishing asks auth about the connection too: test/connection-checks.test.ts.
    const graph = graphWith('gmail_send', {
      to: '{{ trigger.email }}',
      subject: 'Hello',
      text: 'Hi',
    });
    const created = await call('POST', '/workflows', { name: 'mail', graph });
    expect(created.status).toBe(201);
    expect(created.body.validation).toEqual({ ok: true, errors: [] });
  });

  it('lists the Gmail, Calendar and Slack triggers and refuses a trigger that could not work', async () => {
    const types = (await call('GET', '/node-types')).body.items as {
      type: string;
      category: string;
    }[];
    for (const type of ['gmail_new_message', 'calendar_event', 'slack_event'])
      expect(types).toContainEqual(expect.objectContaining({ type, category: 'trigger' }));

    const triggered = (type: string, config: Record<string, unknown>) => ({
      nodes: [
        { id: 'when', type, position: { x: 0, y: 0 }, config },
        {
          id: 'then',
          type: 'transform',
          position: { x: 200, y: 0 },
          config: { expression: '{{ trigger }}' },
        },
      ],
      edges: [{ id: 'e1', source: 'when', sourceHandle: 'main', target: 'then' }],
    });
    const ok = await call('POST', '/workflows', {
      name: 'new mail',
      graph: triggered('gmail_new_message', { connectionId, query: 'from:boss is:unread' }),
    });
    expect(ok.body.validation).toEqual({ ok: true, errors: [] });
    const slow = await call('POST', '/workflows', {
      name: 'reminder',
      graph: triggered('calendar_event', {
        connectionId,
        mode: 'starting_within',
        minutesBefore: 5,
        pollIntervalMinutes: 15,
      }),
    });
    expect(slow.body.validation.errors).toContainEqual(
      expect.objectContaining({ nodeId: 'when', path: 'nodes.0.config.pollIntervalMinutes' }),
    );
  });
});
