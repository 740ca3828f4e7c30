import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import {
  buildSuggestions,
  EXECUTION_SOURCE,
  ExpressionContext,
  type DataSource,
} from '../../../components/expression-input';
import { InputView } from './InputView';

// A step after webhook → sum → fetch: a webhook call with many headers, two steps, the run's ids.
const headers = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`x-h${i}`, 'v']));
const sources: DataSource[] = [
  { root: 'trigger', label: 'Webhook', hasValue: true, value: { body: { a: 1 }, headers } },
  { root: 'steps.fetch', label: 'Fetch', hasValue: true, value: { status: 200 } },
  { root: 'steps.sum', label: 'Sum', hasValue: true, value: { total: 3 } },
  EXECUTION_SOURCE,
];

function renderInput() {
  const groups = sources.map((s) => ({ root: s.root, label: s.label!, fromRun: s.hasValue }));
  return render(
    <ExpressionContext.Provider
      value={{ suggestions: buildSuggestions(sources), data: null, dataSource: 'last run', groups }}
    >
      <InputView />
    </ExpressionContext.Provider>,
  );
}

describe('the Input view', () => {
  it("lists the nearest step's data first and folds a long trigger payload", () => {
    renderInput();
    const groups = screen.getAllByTestId('input-group') as HTMLDetailsElement[];
    expect(groups.map((g) => g.dataset.root)).toEqual([
      'steps.fetch',
      'steps.sum',
      'trigger',
      'execution',
    ]);
    expect(groups.map((g) => g.open)).toEqual([true, true, false, true]);
    // Folded, its fields are still there to open and drag.
    expect(
      groups[2].querySelector('[data-testid="input-field"][data-path="trigger.body.a"]'),
    ).not.toBeNull();
  });
});
