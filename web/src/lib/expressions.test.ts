// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { inlineExpressions } from '@flowgenie/workflow/core';
import { previewField } from './expressions';

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

  it('refuses what the executor refuses, with the reason alone', async () => {
    const regex = await previewField('{{ $match("aaa!", /(a+)+$/) }}', data);
    expect(regex).toMatchObject({ ok: false, error: expect.stringMatching(/not allowed/) });
    const raw = await previewField('steps.sum.total >', data, true);
    expect(raw.ok).toBe(false);
    expect((raw as { error: string }).error).not.toMatch(/^expression \{\{/);
  });
});
