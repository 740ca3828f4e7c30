import { z } from 'zod';
import { defineNodeType } from './node-type';
import { coreNodeTypes } from './node-types';
import { getNodeType, listNodeTypes, NodeTypeRegistry } from './registry';

describe('node type registry', () => {
  it('lists every core node type with its JSON Schema and outputs', () => {
    const list = listNodeTypes();
    expect(list.map((t) => [t.type, t.category])).toEqual([
      ['webhook', 'trigger'],
      ['schedule', 'trigger'],
      ['manual', 'trigger'],
      ['http_request', 'action'],
      ['transform', 'logic'],
      ['if', 'logic'],
      ['delay', 'logic'],
      ['respond_to_webhook', 'action'],
    ]);
    expect(list.find((t) => t.type === 'if')?.outputs).toEqual(['true', 'false']);
    expect(JSON.parse(JSON.stringify(list))).toEqual(list);
  });

  it('describes config fields with defaults and descriptions, secrets marked', () => {
    const webhook = listNodeTypes().find((t) => t.type === 'webhook')!;
    const props = webhook.configSchema.properties as Record<string, Record<string, unknown>>;
    expect(props.hmacSecret).toMatchObject({
      type: 'string',
      format: 'password',
      'x-secret': true,
    });
    expect(props.method).toMatchObject({ enum: ['POST', 'GET', 'ANY'], default: 'POST' });
    expect(props.responseMode.description).toEqual(expect.any(String));
    expect(props.rateLimitPerMinute).toMatchObject({ type: 'integer', minimum: 1 });
    const http = listNodeTypes().find((t) => t.type === 'http_request')!;
    expect(http.configSchema.required).toEqual(['url']);
    expect(http.outputSchema).toMatchObject({ required: ['status', 'headers', 'body'] });
  });

  it('gives node types by name', () => {
    expect(getNodeType('http_request')?.defaultRetry).toMatchObject({ attempts: 3 });
    expect(getNodeType('nope')).toBeUndefined();
  });

  it('lets integrations register more types, but not the same name twice', () => {
    const slack = defineNodeType({
      type: 'slack_post',
      version: 1,
      category: 'action',
      displayName: 'Slack: post message',
      description: 'Posts a message',
      config: z.object({ channel: z.string() }),
      outputs: ['main'],
    });
    const registry = new NodeTypeRegistry(coreNodeTypes).register(slack);
    expect(registry.get('slack_post')?.configSchema).toMatchObject({ required: ['channel'] });
    expect(() => registry.register(slack)).toThrow('node type "slack_post" is already registered');
  });

  it('refuses malformed definitions', () => {
    const base = {
      version: 1,
      category: 'action' as const,
      displayName: 'x',
      description: 'x',
      config: z.object({}),
    };
    expect(() => defineNodeType({ ...base, type: 'Bad-Name', outputs: ['main'] })).toThrow(
      /lower_snake_case/,
    );
    expect(() => defineNodeType({ ...base, type: 'ok', outputs: [] })).toThrow(/outputs/);
  });
});

describe('webhook rateLimitPerMinute', () => {
  it('takes a whole number of calls per minute and refuses zero, fractions and text', () => {
    const webhook = getNodeType('webhook')!;
    expect(webhook.config.safeParse({ rateLimitPerMinute: 30 }).success).toBe(true);
    for (const bad of [0, -1, 2.5, '30'])
      expect(webhook.config.safeParse({ rateLimitPerMinute: bad }).success).toBe(false);
  });
});
