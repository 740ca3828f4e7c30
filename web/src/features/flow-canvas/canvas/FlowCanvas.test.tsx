import { describe, expect, it } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import { ReactFlowProvider } from '@xyflow/react';
import { fromApiGraph, kindFor } from '../../../lib/graph';
import { FlowCanvas } from './FlowCanvas';
import type { NodeValueSource, StepRun } from '../status';
import type { FlowEdge, FlowNode } from '../types';

const { nodes, edges } = fromApiGraph(
  {
    nodes: [
      { id: 'start', type: 'manual', position: { x: 0, y: 0 }, config: {} },
      { id: 'check', type: 'if', position: { x: 300, y: 0 }, config: {} },
    ],
    edges: [{ id: 'e1', source: 'start', sourceHandle: 'main', target: 'check' }],
  },
  (t) => kindFor(t),
);

/** A tiny observable map standing in for whichever store holds the values. */
function sourceOf<T>(initial: Record<string, T>, fallback: T) {
  let values = initial;
  const listeners = new Set<() => void>();
  const source: NodeValueSource<T> = {
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    get: (id) => values[id] ?? fallback,
  };
  const update = (next: Record<string, T>) => {
    values = next;
    listeners.forEach((l) => l());
  };
  return { source, update };
}

const run = (status: StepRun['status'], extra: Partial<StepRun> = {}): StepRun => ({
  status,
  attempts: 1,
  maxAttempts: 1,
  durationMs: 5,
  ...extra,
});

function Canvas(props: Partial<Parameters<typeof FlowCanvas>[0]>) {
  return (
    <div style={{ width: 800, height: 500 }}>
      <ReactFlowProvider>
        <FlowCanvas
          mode="view"
          nodes={nodes as FlowNode[]}
          edges={edges as FlowEdge[]}
          {...props}
        />
      </ReactFlowProvider>
    </div>
  );
}

describe('FlowCanvas', () => {
  it('offers "+" only on free outputs, each If branch on its own', () => {
    const { rerender } = render(<Canvas mode="edit" onAddAfter={() => undefined} />);
    // start → check is connected; both branches of check are free.
    expect(screen.queryByTestId('add-after-start-main')).not.toBeInTheDocument();
    expect(screen.getByTestId('add-after-check-true')).toBeInTheDocument();
    expect(screen.getByTestId('add-after-check-false')).toBeInTheDocument();

    const more = fromApiGraph(
      {
        nodes: [
          { id: 'start', type: 'manual', position: { x: 0, y: 0 }, config: {} },
          { id: 'check', type: 'if', position: { x: 300, y: 0 }, config: {} },
          { id: 'yes', type: 'transform', position: { x: 600, y: 0 }, config: {} },
        ],
        edges: [
          { id: 'e1', source: 'start', sourceHandle: 'main', target: 'check' },
          { id: 'e2', source: 'check', sourceHandle: 'true', target: 'yes' },
        ],
      },
      (t) => kindFor(t),
    );
    rerender(
      <Canvas
        mode="edit"
        onAddAfter={() => undefined}
        nodes={more.nodes as FlowNode[]}
        edges={more.edges as FlowEdge[]}
      />,
    );
    expect(screen.queryByTestId('add-after-check-true')).not.toBeInTheDocument();
    expect(screen.getByTestId('add-after-check-false')).toBeInTheDocument();
    expect(screen.getByTestId('add-after-yes-main')).toBeInTheDocument();
  });

  it('draws run states and the branch taken from the runs it is given', () => {
    const runs = sourceOf<StepRun | undefined>({ start: run('succeeded') }, undefined);
    render(<Canvas runs={runs.source} />);
    expect(screen.getByTestId('node-start')).toHaveAttribute('data-status', 'succeeded');
    expect(screen.getByTestId('node-check')).toHaveAttribute('data-status', 'idle');

    act(() =>
      runs.update({ start: run('succeeded'), check: run('succeeded', { handle: 'false' }) }),
    );
    expect(screen.getByTestId('node-check')).toHaveAttribute('data-status', 'succeeded');
    expect(screen.getByTestId('node-status-check')).toHaveTextContent('Succeeded');
    expect(screen.getByText('false')).toHaveClass('bg-emerald-100');
  });

  it('shows problem counts only when given, and nothing of the kind without a source', () => {
    const issues = sourceOf<number>({ check: 2 }, 0);
    const { unmount } = render(<Canvas mode="edit" issueCounts={issues.source} />);
    expect(screen.getByTestId('node-issues-check')).toHaveTextContent('2');
    expect(screen.queryByTestId('node-issues-start')).not.toBeInTheDocument();
    unmount();

    render(<Canvas />);
    expect(screen.queryByTestId('node-issues-check')).not.toBeInTheDocument();
    expect(screen.getByRole('application', { name: 'Execution graph' })).toBeInTheDocument();
  });

  it('says a refused step was not retried, with the reason, and counts spent retries', () => {
    const runs = sourceOf<StepRun | undefined>(
      {
        start: run('failed', {
          attempts: 1,
          maxAttempts: 3,
          error: { message: 'HTTP 404 Not Found', code: 'http_4xx' },
        }),
        check: run('failed', { attempts: 3, maxAttempts: 3, error: { message: 'timeout' } }),
      },
      undefined,
    );
    render(<Canvas runs={runs.source} />);
    expect(screen.getByTestId('node-status-start')).toHaveTextContent(
      'Failed, not retried: HTTP 404 Not Found',
    );
    expect(screen.getByTestId('node-status-check')).toHaveTextContent('Failed after 3 attempts');
  });
});
