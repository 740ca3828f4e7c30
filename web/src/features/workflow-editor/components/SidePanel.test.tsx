import { beforeEach, describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import type { WorkflowGraph } from '@flowgenie/contracts';
import { kindFor } from '../../../lib/graph';
import { useExecutionStore } from '../../executions';
import { useStepView } from '../hooks/useStepView';
import { useEditorStore } from '../store';
import { SidePanel } from './SidePanel';

const graph: WorkflowGraph = {
  nodes: [
    { id: 'hook', type: 'webhook', position: { x: 0, y: 0 }, config: {} },
    { id: 'sum', type: 'transform', position: { x: 300, y: 0 }, config: { expression: '1' } },
  ],
  edges: [{ id: 'e1', source: 'hook', sourceHandle: 'main', target: 'sum' }],
};

function renderPanel() {
  return render(
    <MemoryRouter>
      <SidePanel />
    </MemoryRouter>,
  );
}

describe('the full step view', () => {
  beforeEach(() => {
    useEditorStore.getState().reset();
    useExecutionStore.getState().clear();
    useEditorStore.getState().load('wf1', 'Totals', graph, (t) => kindFor(t));
    useEditorStore.getState().select('sum');
    useStepView.getState().setExpanded(false);
  });

  it('opens Input, Parameters and Output side by side, and Escape goes back', () => {
    renderPanel();
    expect(screen.queryByTestId('step-view')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Open full view' }));
    const view = screen.getByRole('dialog');
    expect(view).toBe(screen.getByTestId('step-view'));
    expect(screen.getByTestId('step-view-input')).toBeInTheDocument();
    expect(screen.getByTestId('step-view-parameters')).toBeInTheDocument();
    expect(screen.getByTestId('step-view-output')).toBeInTheDocument();
    expect(screen.queryByRole('tablist')).toBeNull();

    // A dialog opened from the view (running, connecting) takes its own Escape.
    const inner = document.createElement('dialog');
    inner.setAttribute('open', '');
    const inside = document.createElement('button');
    inner.appendChild(inside);
    document.body.appendChild(inner);
    fireEvent.keyDown(inside, { key: 'Escape' });
    expect(screen.queryByTestId('step-view')).not.toBeNull();
    inner.remove();

    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(screen.queryByTestId('step-view')).toBeNull();
    expect(screen.getByRole('tablist', { name: 'Step panel' })).toBeInTheDocument();
  });

  it("keeps the step's sections mounted when the view opens and closes", () => {
    renderPanel();
    const retries = () => screen.getByText('Retries and timeout').closest('details');
    const before = retries();
    act(() => useStepView.getState().setExpanded(true));
    expect(screen.getByTestId('step-view')).toBeInTheDocument();
    expect(retries()).toBe(before);
    act(() => useStepView.getState().setExpanded(false));
    expect(screen.queryByTestId('step-view')).toBeNull();
    expect(retries()).toBe(before);
  });

  it("keeps the step's parameters mounted while the Output tab shows", () => {
    renderPanel();
    const retries = () => screen.getByText('Retries and timeout').closest('details');
    const before = retries();
    fireEvent.click(screen.getByRole('tab', { name: /output/i }));
    expect(retries()).toBe(before);
    expect(before!.closest('[hidden]')).not.toBeNull();
    fireEvent.click(screen.getByRole('tab', { name: /parameters/i }));
    expect(retries()).toBe(before);
    expect(before!.closest('[hidden]')).toBeNull();
  });

  it('reverts the step id on Escape without closing the full view', () => {
    renderPanel();
    act(() => useStepView.getState().setExpanded(true));
    const id = screen.getByLabelText(/referenced in expressions as/i) as HTMLInputElement;
    fireEvent.change(id, { target: { value: 'renamed' } });
    fireEvent.keyDown(id, { key: 'Escape' });
    expect(id.value).toBe('sum');
    expect(screen.getByTestId('step-view')).toBeInTheDocument();
  });

  it('closes when the step goes away, and the trigger has no Input column', () => {
    renderPanel();
    act(() => useStepView.getState().setExpanded(true));
    act(() => useEditorStore.getState().select('hook'));
    expect(screen.getByTestId('step-view')).toBeInTheDocument();
    expect(screen.queryByTestId('step-view-input')).toBeNull();
    act(() => useEditorStore.getState().select(null));
    expect(screen.queryByTestId('step-view')).toBeNull();
    expect(useStepView.getState().expanded).toBe(false);
  });
});
