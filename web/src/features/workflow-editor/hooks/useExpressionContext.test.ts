import { renderHook } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { WorkflowGraph } from '@flowgenie/contracts';
import { kindFor } from '../../../lib/graph';
import { useExecutionStore } from '../../executions';
import { useEditorStore } from '../store';
import { useExpressionContext } from './useExpressionContext';

// webhook → sum (transform) → post (HTTP request), never run.
const graph: WorkflowGraph = {
  nodes: [
    { id: 'hook', type: 'webhook', position: { x: 0, y: 0 }, config: { method: 'POST' } },
    {
      id: 'sum',
      type: 'transform',
      position: { x: 300, y: 0 },
      config: { expression: '{"total": {{ $sum(trigger.body.items) }} }' },
    },
    {
      id: 'post',
      type: 'http_request',
      position: { x: 600, y: 0 },
      config: { url: 'https://x.test/{{ steps.sum.total }}' },
    },
  ],
  edges: [
    { id: 'e1', source: 'hook', sourceHandle: 'main', target: 'sum' },
    { id: 'e2', source: 'sum', sourceHandle: 'main', target: 'post' },
  ],
};

const editor = () => useEditorStore.getState();
const context = () => renderHook(() => useExpressionContext('post')).result.current;

describe('the data a step sees before any run', () => {
  beforeEach(() => {
    editor().reset();
    useExecutionStore.getState().clear();
    editor().load('wf1', 'Totals', graph, (t) => kindFor(t));
  });

  it('knows only the shapes without a run or a pin', () => {
    const ctx = context();
    expect(ctx.data).toBeNull();
    expect(ctx.dataSource).toBeNull();
    expect(ctx.groups?.find((g) => g.root === 'steps.sum')).toMatchObject({ fromRun: false });
    expect(ctx.suggestions.map((s) => s.path)).toContain('steps.sum.total');
  });

  it("shows a step's pinned data and a webhook's pinned sample as the values, before any run", () => {
    editor().updateNode('sum', { pinnedData: { total: 100, currency: 'EUR' } }, 'pin');
    editor().updateNode(
      'hook',
      { pinnedData: { method: 'POST', headers: {}, query: {}, body: { items: [40, 60] } } },
      'pin',
    );
    const ctx = context();
    expect(ctx.dataSource).toBe('pinned data');
    expect(ctx.data).toMatchObject({
      trigger: { body: { items: [40, 60] } },
      steps: { sum: { total: 100, currency: 'EUR' } },
      execution: { stepId: 'post' },
    });
    expect(ctx.groups?.map((g) => [g.root, g.pinned])).toEqual([
      ['trigger', true],
      ['steps.sum', true],
      ['execution', false],
    ]);
    // Fields the schema could not know, with their values.
    expect(ctx.suggestions.find((s) => s.path === 'steps.sum.currency')).toMatchObject({
      detail: '"EUR"',
      source: 'run',
    });
  });
});
