// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  applySuggestion,
  buildSuggestions,
  EXECUTION_SOURCE,
  completionContext,
  filterSuggestions,
  pathSegment,
} from './suggestions';

const webhookOutputSchema = {
  type: 'object',
  properties: {
    method: { type: 'string' },
    headers: { type: 'object' },
    query: { type: 'object' },
    body: {},
  },
};

describe('expression suggestions', () => {
  it("offers the run's execution and step ids", () => {
    const paths = filterSuggestions(buildSuggestions([EXECUTION_SOURCE]), 'exec').map(
      (s) => s.path,
    );
    expect(paths).toEqual(['execution', 'execution.id', 'execution.stepId']);
  });

  it('lists paths from last-run values, falling back to output schemas', () => {
    const all = buildSuggestions([
      {
        root: 'trigger',
        hasValue: true,
        value: { body: { email: 'a@b.c', items: [{ sku: 'X1' }] }, 'content type': 'json' },
      },
      {
        root: 'steps.fetch',
        hasValue: false,
        schema: {
          type: 'object',
          properties: { status: { type: 'integer', description: 'HTTP status code' } },
        },
      },
    ]).map((s) => [s.path, s.detail]);
    expect(all).toEqual([
      ['trigger', expect.stringContaining('"body"')],
      ['trigger.body', expect.any(String)],
      ['trigger.body.email', '"a@b.c"'],
      ['trigger.body.items', '[{"sku":"X1"}]'],
      ['trigger.body.items[0]', '{"sku":"X1"}'],
      ['trigger.body.items[0].sku', '"X1"'],
      ['trigger.`content type`', '"json"'],
      ['steps.fetch', 'object'],
      ['steps.fetch.status', 'integer — HTTP status code'],
    ]);
  });

  it('quotes keys JSONata cannot read bare', () => {
    expect(pathSegment('email')).toBe('.email');
    expect(pathSegment('x-api-key')).toBe('.`x-api-key`');
  });

  it('completes only inside an open {{ in text fields', () => {
    expect(completionContext('Hello ', 6)).toBeNull();
    expect(completionContext('Hi {{ trigger.bo', 16)).toMatchObject({
      token: 'trigger.bo',
      from: 6,
      needsClose: true,
      needsSpace: false,
    });
    expect(completionContext('{{', 2)).toMatchObject({
      token: '',
      needsSpace: true,
      needsClose: true,
    });
    expect(completionContext('{{ a }} and {{ b }}', 7)).toBeNull();
    expect(completionContext('{{ st }} tail', 5)).toMatchObject({ token: 'st', needsClose: false });
    expect(completionContext('{{ "steps.', 10)).toBeNull();
  });

  it('ranks prefix matches first and shows direct children before deeper paths', () => {
    const all = buildSuggestions([
      { root: 'trigger', hasValue: false, schema: webhookOutputSchema },
    ]);
    expect(filterSuggestions(all, 'trigger.').map((s) => s.path)).toEqual([
      'trigger.method',
      'trigger.headers',
      'trigger.query',
      'trigger.body',
    ]);
    expect(filterSuggestions(all, 'bod').map((s) => s.path)).toEqual(['trigger.body']);
  });

  it('inserts the path and closes the expression', () => {
    const text = 'Hi {{';
    const ctx = completionContext(text, text.length);
    expect(ctx).not.toBeNull();
    expect(applySuggestion(text, ctx!, 'trigger.body.name')).toEqual({
      text: 'Hi {{ trigger.body.name }}',
      cursor: 23,
    });

    const text2 = 'Hi {{ trig }}!';
    const ctx2 = completionContext(text2, 10)!;
    expect(applySuggestion(text2, ctx2, 'trigger.body')).toEqual({
      text: 'Hi {{ trigger.body }}!',
      cursor: 18,
    });
  });
});
