import { randomUUID } from 'node:crypto';
import {
  ENUM_LABELS_KEYWORD,
  NodeTypeRegistry,
  coreNodeTypes,
  validateGraph,
} from '@flowgenie/workflow';
import { integrationNodeTypes, registerIntegrationNodeTypes } from './node-types';

const registry = registerIntegrationNodeTypes(new NodeTypeRegistry(coreNodeTypes));
const connectionId = randomUUID();

/** manual → one integration step with `config`; the errors validation reports on it. */
function errorsOf(type: string, config: Record<string, unknown>) {
  const result = validateGraph(
    {
      nodes: [
        { id: 'start', type: 'manual', position: { x: 0, y: 0 }, config: {} },
        { id: 'act', type, position: { x: 200, y: 0 }, config },
      ],
      edges: [{ id: 'e', source: 'start', sourceHandle: 'main', target: 'act' }],
    },
    { registry },
  );
  return result.ok ? [] : result.errors.map((e) => ({ path: e.path, message: e.message }));
}

/** Every `enum` in a JSON Schema, with its path and labels. */
function enumsOf(
  schema: unknown,
  path = '',
): { path: string; values: unknown[]; labels: unknown }[] {
  if (!schema || typeof schema !== 'object') return [];
  const s = schema as Record<string, unknown>;
  const found = Array.isArray(s.enum)
    ? [{ path, values: s.enum as unknown[], labels: s[ENUM_LABELS_KEYWORD] }]
    : [];
  for (const [key, child] of Object.entries(s)) {
    if (key === 'enum') continue;
    found.push(...enumsOf(child, `${path}/${key}`));
  }
  return found;
}

describe('integration node types', () => {
  it('labels every enum a user picks from: no raw `respond_node` or `externalOnly` in a dropdown', () => {
    const missing: string[] = [];
    for (const type of [...coreNodeTypes, ...integrationNodeTypes]) {
      for (const e of enumsOf(registry.get(type.type)!.configSchema)) {
        // Upper-case tokens (HTTP methods) read as they are.
        if (e.values.every((v) => typeof v === 'string' && /^[A-Z]+$/.test(v))) continue;
        const labels = (e.labels ?? {}) as Record<string, unknown>;
        for (const v of e.values) {
          const label = labels[String(v)];
          if (typeof label !== 'string' || label.trim() === '' || label === v)
            missing.push(`${type.type}${e.path} = ${String(v)}`);
        }
      }
    }
    expect(missing).toEqual([]);
    const webhook = registry.get('webhook')!.configSchema as {
      properties: Record<string, Record<string, unknown>>;
    };
    expect(webhook.properties.responseMode[ENUM_LABELS_KEYWORD]).toMatchObject({
      respond_node: 'From a "Respond to webhook" step',
    });
  });

  it('registers once, and again without complaint', () => {
    expect(() => registerIntegrationNodeTypes(registry)).not.toThrow();
    expect(integrationNodeTypes.map((t) => t.type)).toEqual([
      'gmail_send',
      'gmail_search',
      'slack_post_message',
      'slack_list_channels',
      'calendar_create_event',
      'calendar_list_events',
      'gmail_new_message',
      'calendar_event',
      'slack_event',
    ]);
  });

  it('annotates connection and option fields for the builder', () => {
    const slack = registry.get('slack_post_message')!.configSchema as {
      properties: Record<string, Record<string, unknown>>;
    };
    expect(slack.properties.connectionId['x-connection']).toEqual({
      providers: ['slack'],
      scopes: ['chat:write'],
    });
    expect(slack.properties.channel['x-options']).toEqual({
      source: 'slack.channels',
      connectionField: 'connectionId',
    });
    const event = registry.get('calendar_create_event')!.configSchema as {
      properties: Record<string, Record<string, unknown>>;
    };
    expect(event.properties.calendarId['x-options']).toEqual({
      source: 'google.calendars',
      connectionField: 'connectionId',
    });
    const http = registry.get('http_request')!.configSchema as {
      properties: Record<string, Record<string, unknown>>;
    };
    expect(http.properties.connectionId['x-connection']).toMatchObject({
      providers: expect.arrayContaining(['http_bearer', 'google']),
    });
  });

  it('locates malformed email addresses', () => {
    expect(
      errorsOf('gmail_send', {
        connectionId,
        to: 'bob@example.com, not-an-address',
        subject: 's',
        text: 't',
        cc: 'Carol <carol@>',
      }),
    ).toEqual([
      { path: 'nodes.1.config.to', message: '"not-an-address" is not a valid email address' },
      { path: 'nodes.1.config.cc', message: '"Carol <carol@>" is not a valid email address' },
    ]);
  });

  it('needs a body and refuses line breaks in headers', () => {
    expect(
      errorsOf('gmail_send', {
        connectionId,
        to: 'bob@example.com',
        subject: 'a\r\nBcc: x@y.z',
        text: 'x',
      }),
    ).toEqual([{ path: 'nodes.1.config.subject', message: 'must not contain line breaks' }]);
    expect(errorsOf('gmail_send', { connectionId, to: 'bob@example.com', subject: 'a' })).toEqual([
      { path: 'nodes.1.config.text', message: 'needs a text or an HTML body' },
    ]);
  });

  it('locates malformed dates and an end before the start', () => {
    const base = { connectionId, summary: 'x' };
    expect(
      errorsOf('calendar_create_event', {
        ...base,
        start: '2030-02-30T10:00:00Z',
        end: 'tomorrow',
      }),
    ).toEqual([
      {
        path: 'nodes.1.config.start',
        message: 'must be a date and time like 2026-12-01T09:30:00+01:00',
      },
      {
        path: 'nodes.1.config.end',
        message: 'must be a date and time like 2026-12-01T09:30:00+01:00',
      },
    ]);
    expect(
      errorsOf('calendar_create_event', {
        ...base,
        start: '2030-03-01T10:00:00+01:00',
        end: '2030-03-01T08:30:00Z',
      }),
    ).toEqual([{ path: 'nodes.1.config.end', message: 'must not be before the start' }]);
    expect(
      errorsOf('calendar_create_event', {
        ...base,
        allDay: true,
        start: '2030-03-02',
        end: '2030-03-02',
      }),
    ).toEqual([{ path: 'nodes.1.config.end', message: 'must be after the start date' }]);
    expect(
      errorsOf('calendar_create_event', {
        ...base,
        start: '2030-03-01T10:00',
        end: '2030-03-01T11:00',
      }),
    ).toEqual([
      { path: 'nodes.1.config.start', message: 'needs a UTC offset (e.g. +01:00) or a time zone' },
      { path: 'nodes.1.config.end', message: 'needs a UTC offset (e.g. +01:00) or a time zone' },
    ]);
    expect(
      errorsOf('calendar_create_event', {
        ...base,
        start: '2030-03-01T10:00',
        end: '2030-03-01T11:00',
        timeZone: 'Mars/Olympus',
      }),
    ).toEqual([
      { path: 'nodes.1.config.timeZone', message: 'must be an IANA time zone, e.g. Europe/Paris' },
    ]);
    expect(
      errorsOf('calendar_list_events', {
        connectionId,
        timeMin: '2030-03-02T00:00:00Z',
        timeMax: '2030-03-01T00:00:00Z',
      }),
    ).toEqual([{ path: 'nodes.1.config.timeMax', message: 'must be after "From"' }]);
  });

  it('locates bad blocks JSON and a missing connection', () => {
    expect(
      errorsOf('slack_post_message', {
        connectionId,
        channel: 'C1',
        text: 'x',
        blocks: '[{"type":',
      }),
    ).toEqual([
      {
        path: 'nodes.1.config.blocks',
        message: expect.stringMatching(/^blocks is not valid JSON/),
      },
    ]);
    expect(
      errorsOf('slack_post_message', {
        connectionId,
        channel: 'C1',
        text: 'x',
        blocks: '{"type":"section"}',
      }),
    ).toEqual([
      {
        path: 'nodes.1.config.blocks',
        message: 'blocks must be a JSON array of blocks, e.g. [{"type":"section",…}]',
      },
    ]);
    expect(errorsOf('slack_post_message', { channel: 'C1', text: 'x' })).toEqual([
      { path: 'nodes.1.config.connectionId', message: expect.any(String) },
    ]);
  });

  it('accepts valid configs, and leaves {{ }} fields to run time', () => {
    expect(
      errorsOf('gmail_send', {
        connectionId,
        to: '{{ trigger.email }}',
        subject: 'Hi',
        html: '<b>x</b>',
      }),
    ).toEqual([]);
    expect(
      errorsOf('calendar_create_event', {
        connectionId,
        summary: 'x',
        start: '2030-03-01T10:00',
        end: '2030-03-01T11:00',
        timeZone: 'Europe/Paris',
        attendees: 'a@example.com',
      }),
    ).toEqual([]);
    expect(
      errorsOf('slack_post_message', {
        connectionId,
        channel: 'C1',
        blocks: '[{"type":"divider"}]',
      }),
    ).toEqual([]);
  });
});
