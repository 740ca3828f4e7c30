import { beforeEach, describe, expect, it } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ReactFlowProvider } from '@xyflow/react';
import type { Execution } from '../../../lib/api-types';
import { useExecutionStore } from '../../executions';
import { useNodeTypesStore } from '../../node-types';
import { kindFor } from '../../../lib/graph';
import { useEditorShortcuts } from '../hooks/useEditorShortcuts';
import { useEditorStore } from '../store';
import { EditorCanvas } from './EditorCanvas';

function Editor() {
  useEditorShortcuts();
  return (
    <div style={{ width: 1000, height: 600 }}>
      <ReactFlowProvider>
        <EditorCanvas onError={() => undefined} />
      </ReactFlowProvider>
    </div>
  );
}

const step = (nodeId: string, status: string, extra: Record<string, unknown> = {}) => ({
  nodeId,
  type: 'x',
  status,
  attempts: 1,
  maxAttempts: 3,
  input: null,
  output: null,
  error: null,
  startedAt: null,
  finishedAt: null,
  durationMs: 12,
  attemptLog: [],
  ...extra,
});

describe('EditorCanvas', () => {
  beforeEach(() => {
    useExecutionStore.getState().clear();
    useNodeTypesStore.getState().setTypes([
      {
        type: 'webhook',
        version: 1,
        category: 'trigger',
        displayName: 'Webhook',
        description: '',
        configSchema: {},
        outputs: ['main'],
      },
      {
        type: 'if',
        version: 1,
        category: 'logic',
        displayName: 'If',
        description: '',
        configSchema: {},
        outputs: ['true', 'false'],
      },
      {
        type: 'http_request',
        version: 1,
        category: 'action',
        displayName: 'HTTP request',
        description: '',
        configSchema: {},
        outputs: ['main'],
      },
    ]);
    useEditorStore.getState().load(
      'wf',
      'flow',
      {
        nodes: [
          { id: 'hook', type: 'webhook', position: { x: 0, y: 0 }, config: {} },
          { id: 'check', type: 'if', position: { x: 300, y: 0 }, config: {} },
          { id: 'fetch', type: 'http_request', position: { x: 600, y: 0 }, config: {} },
        ],
        edges: [
          { id: 'e1', source: 'hook', sourceHandle: 'main', target: 'check' },
          { id: 'e2', source: 'check', sourceHandle: 'true', target: 'fetch' },
        ],
      },
      (t) => kindFor(t, useNodeTypesStore.getState().byType[t]),
    );
  });

  it('draws each node with a test id, its type name and labelled branch handles', () => {
    render(<Editor />);
    expect(screen.getByTestId('node-hook')).toHaveTextContent('Webhook');
    expect(screen.getByTestId('node-check')).toHaveAttribute('data-kind', 'branch');
    expect(screen.getByTestId('handle-check-true')).toBeInTheDocument();
    expect(screen.getByTestId('handle-check-false')).toBeInTheDocument();
    expect(screen.getByTestId('node-fetch')).toHaveAttribute('data-status', 'idle');
  });

  it('shows each step state live as the execution changes', () => {
    render(<Editor />);
    const exec = (steps: unknown[]) =>
      ({ id: 'x', status: 'running', steps }) as unknown as Execution;
    act(() =>
      useExecutionStore
        .getState()
        .setExecution(exec([step('hook', 'succeeded'), step('check', 'running')])),
    );
    expect(screen.getByTestId('node-hook')).toHaveAttribute('data-status', 'succeeded');
    expect(screen.getByTestId('node-check')).toHaveAttribute('data-status', 'running');

    act(() =>
      useExecutionStore
        .getState()
        .setExecution(
          exec([
            step('hook', 'succeeded'),
            step('check', 'succeeded', { handle: 'false' }),
            step('fetch', 'retrying', { attempts: 2 }),
          ]),
        ),
    );
    expect(screen.getByTestId('node-fetch')).toHaveAttribute('data-status', 'retrying');
    expect(screen.getByTestId('node-status-fetch')).toHaveTextContent('Retrying 2/3');
  });

  it('marks nodes that have validation problems', () => {
    render(<Editor />);
    act(() =>
      useEditorStore
        .getState()
        .setValidation([{ nodeId: 'fetch', path: 'nodes.2.config.url', message: 'required' }]),
    );
    expect(screen.getByTestId('node-issues-fetch')).toHaveTextContent('1');
  });

  it('deletes the selection with the keyboard and brings it back with Ctrl+Z', async () => {
    const user = userEvent.setup();
    render(<Editor />);
    act(() => useEditorStore.getState().select('fetch'));
    await user.keyboard('{Delete}');
    expect(screen.queryByTestId('node-fetch')).not.toBeInTheDocument();
    await user.keyboard('{Control>}z{/Control}');
    expect(screen.getByTestId('node-fetch')).toBeInTheDocument();
  });
});
