// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { inlineExpressions } from '@flowgenie/workflow/core';
import { previewField, valueType } from './expressions';

const data = { trigger: { a: 2, name: 'Ada' }, steps: { sum: { total: 12 } } };

describe('previewField (the executor core in the browser)', () => {
  it('resolves templates as the executor does: a sole expression keeps its type, mixed text interpolates', async () => {
    await expect(previewField('{{ steps.sum.total }}', data)).resolves.toEqual({
      ok: true,
      value: 12,
      hasExpression: true,
    });
    await expect(
      previewField('Hi {{ trigger.name }} ({{ trigger.a * 2 }})', data),
    ).resolves.toEqual({
      ok: true,
      value: 'Hi Ada (4)',
      hasExpression: true,
    });
    const executor = await inlineExpressions.resolveConfig(
      { v: 'Hi {{ trigger.name }} ({{ trigger.a * 2 }})' },
      data,
    );
    expect(executor.v).toBe('Hi Ada (4)');
  });

  it('parses JSON text in a JSON field once the values are inserted', async () => {
    const json = await previewField(
      '{"total": {{ steps.sum.total }}, "who": "{{ trigger.name }}"}',
      data,
      true,
    );
    expect(json).toEqual({ ok: true, value: { total: 12, who: 'Ada' }, hasExpression: true });
    const text = await previewField('{"total": {{ steps.sum.total }} }', data);
    expect(text).toMatchObject({ ok: true, value: '{"total": 12 }' });
  });

  it('refuses what the executor refuses, with the reason alone', async () => {
    const regex = await previewField('{{ $match("aaa!", /(a+)+$/) }}', data);
    expect(regex).toMatchObject({ ok: false, error: expect.stringMatching(/not allowed/) });
    const broken = await previewField('{{ steps.sum.total > }}', data);
    expect(broken.ok).toBe(false);
    expect((broken as { error: string }).error).toMatch(/^Unexpected end of expression/);
  });

  it('names value types in words', () => {
    expect([12, 'a', true, null, undefined, [1, 2], { a: 1 }].map(valueType)).toEqual([
      'number',
      'text',
      'boolean',
      'null',
      'nothing',
      'list of 2',
      'object',
    ]);
  });
});
