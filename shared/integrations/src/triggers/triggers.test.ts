import { randomUUID } from 'node:crypto';
import { coreNodeTypes, NodeTypeRegistry, validateGraph } from '@flowgenie/workflow';
import {
  CalendarEventConfigSchema,
  GmailNewMessageConfigSchema,
  registerTriggerNodeTypes,
  triggerNodeTypes,
} from '.';

const graph = (type: string, config: Record<string, unknown>) => ({
  nodes: [
    { id: 't', type, position: { x: 0, y: 0 }, config },
    {
      id: 'x',
      type: 'transform',
      position: { x: 1, y: 0 },
      config: { expression: '{{ trigger }}' },
    },
  ],
  edges: [{ id: 'e', source: 't', sourceHandle: 'main', target: 'x' }],
});

describe('integration trigger node types', () => {
  it('are triggers whose connection and option fields are annotated for the builder', () => {
    const byType = Object.fromEntries(triggerNodeTypes.map((t) => [t.type, t]));
    expect(Object.keys(byType)).toEqual(['gmail_new_message', 'calendar_event', 'slack_event']);
    for (const t of triggerNodeTypes) expect(t.category).toBe('trigger');
    const props = (type: string) =>
      (byType[type].configSchema as { properties: Record<string, Record<string, unknown>> })
        .properties;
    expect(props('gmail_new_message').connectionId['x-connection']).toEqual({
      providers: ['google'],
      scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
    });
    expect(props('calendar_event').calendarId['x-options']).toEqual({
      source: 'google.calendars',
      connectionField: 'connectionId',
    });
    expect(props('slack_event').connectionId['x-connection']).toEqual({ providers: ['slack'] });
    expect(props('slack_event').channelId['x-options']).toEqual({
      source: 'slack.channels',
      connectionField: 'connectionId',
    });
  });

  it('fill in defaults and refuse what would not work, naming the field', () => {
    const connectionId = randomUUID();
    expect(GmailNewMessageConfigSchema.parse({ connectionId })).toEqual({
      connectionId,
      query: '',
      pollIntervalMinutes: 1,
    });
    const tooSlow = CalendarEventConfigSchema.safeParse({
      connectionId,
      mode: 'starting_within',
      minutesBefore: 5,
      pollIntervalMinutes: 10,
    });
    expect(tooSlow.error?.issues).toEqual([
      expect.objectContaining({ path: ['pollIntervalMinutes'] }),
    ]);
    expect(
      GmailNewMessageConfigSchema.safeParse({ connectionId: 'not-a-uuid' }).error?.issues[0].path,
    ).toEqual(['connectionId']);
  });

  it('register once into a registry, where graphs using them validate', () => {
    const registry = new NodeTypeRegistry(coreNodeTypes);
    registerTriggerNodeTypes(registry);
    registerTriggerNodeTypes(registry);
    expect(
      validateGraph(
        graph('gmail_new_message', { connectionId: randomUUID(), query: 'from:boss' }),
        { registry },
      ).ok,
    ).toBe(true);
    const missing = validateGraph(graph('slack_event', {}), { registry });
    expect(missing.ok).toBe(false);
  });
});
