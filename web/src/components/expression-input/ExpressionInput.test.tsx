import { describe, expect, it } from 'vitest';
import { useState } from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ExpressionContext, type ExpressionContextValue } from './context';
import { buildSuggestions } from './suggestions';
import { ExpressionInput } from './ExpressionInput';

const lastRun = {
  trigger: { body: { email: 'ann@example.com', count: 2 } },
  steps: { fetch_user: { status: 200, body: { name: 'Ann' } } },
};

const context: ExpressionContextValue = {
  suggestions: buildSuggestions([
    { root: 'trigger', hasValue: true, value: lastRun.trigger },
    { root: 'steps.fetch_user', hasValue: true, value: lastRun.steps.fetch_user },
  ]),
  data: lastRun,
  dataSource: 'last run',
};

function Field({
  json = false,
  initial = '',
  ctx = context,
}: {
  json?: boolean;
  initial?: string;
  ctx?: ExpressionContextValue;
}) {
  const [value, setValue] = useState(initial);
  return (
    <ExpressionContext.Provider value={ctx}>
      <label htmlFor="f">Field</label>
      <ExpressionInput id="f" value={value} onChange={setValue} json={json} />
    </ExpressionContext.Provider>
  );
}

describe('ExpressionInput', () => {
  it("before any run, shows a path's type from the output schema and how to get its value", async () => {
    const schemaOnly: ExpressionContextValue = {
      suggestions: buildSuggestions([
        {
          root: 'steps.fetch',
          hasValue: false,
          schema: {
            type: 'object',
            properties: { status: { type: 'integer', description: 'HTTP status code' } },
          },
        },
      ]),
      data: null,
      dataSource: null,
    };
    render(<Field initial="{{ steps.fetch.status }}" ctx={schemaOnly} />);
    const empty = await screen.findByTestId('expression-preview-empty');
    expect(empty).toHaveTextContent(
      /^integer \(from the step’s output schema\)\. Run the workflow, or pin data/,
    );
  });

  it('offers the trigger and upstream outputs after typing {{', async () => {
    const user = userEvent.setup();
    render(<Field />);
    const box = screen.getByLabelText('Field');
    await user.type(box, 'Hello {{{{');
    const options = screen.getAllByRole('option').map((o) => o.textContent);
    expect(options).toEqual(
      expect.arrayContaining([
        expect.stringContaining('trigger.body'),
        expect.stringContaining('steps.fetch_user.status'),
      ]),
    );
    expect(box).toHaveAttribute('aria-expanded', 'true');
  });

  it('narrows as you type and inserts the picked path with the keyboard', async () => {
    const user = userEvent.setup();
    render(<Field />);
    const box = screen.getByLabelText('Field');
    await user.type(box, 'Hi {{{{ trigger.body.em');
    const options = screen.getAllByRole('option');
    expect(options).toHaveLength(1);
    expect(options[0]).toHaveTextContent('trigger.body.email');
    expect(options[0]).toHaveTextContent('"ann@example.com"');
    await user.keyboard('{Enter}');
    expect(box).toHaveValue('Hi {{ trigger.body.email }}');
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
  });

  it('picks with the mouse and moves through options with arrow keys', async () => {
    const user = userEvent.setup();
    render(<Field />);
    const box = screen.getByLabelText('Field');
    await user.type(box, '{{{{ steps.fetch_user.');
    await user.keyboard('{ArrowDown}');
    expect(screen.getAllByRole('option')[1]).toHaveAttribute('aria-selected', 'true');
    await user.click(screen.getByRole('option', { name: /^steps\.fetch_user\.body:/ }));
    expect(box).toHaveValue('{{ steps.fetch_user.body }}');
  });

  it('closes on Escape without changing the text', async () => {
    const user = userEvent.setup();
    render(<Field />);
    const box = screen.getByLabelText('Field');
    await user.type(box, '{{{{ tri');
    expect(screen.getByRole('listbox')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    expect(box).toHaveValue('{{ tri');
  });

  it('previews the value on the last run, and explains errors in plain words', async () => {
    const user = userEvent.setup();
    render(
      <Field initial="Dear {{ steps.fetch_user.body.name }}, you have {{ trigger.body.count }} items" />,
    );
    expect(await screen.findByTestId('expression-preview')).toHaveTextContent(
      'Dear Ann, you have 2 items',
    );

    const box = screen.getByLabelText('Field');
    await user.clear(box);
    await user.click(box);
    await user.paste('{{ trigger.body.count * }}');
    await waitFor(() => expect(screen.getByTestId('expression-preview-error')).toBeInTheDocument());
  });

  it('shows the value with its type, JSON in a JSON field', async () => {
    render(
      <Field
        json
        initial={'{"count": {{ trigger.body.count }}, "to": "{{ trigger.body.email }}"}'}
      />,
    );
    expect(await screen.findByTestId('expression-preview-type')).toHaveTextContent('object');
    expect(screen.getByTestId('expression-preview-value')).toHaveTextContent(
      '{"count":2,"to":"ann@example.com"}',
    );
  });

  it('shows one expression’s value with its own type', async () => {
    render(<Field initial="{{ trigger.body.count }}" />);
    expect(await screen.findByTestId('expression-preview-type')).toHaveTextContent('number');
    expect(screen.getByTestId('expression-preview-value')).toHaveTextContent('2');
  });

  it('reports a broken expression inline even before any run', async () => {
    render(<Field initial="{{ steps.a. }}" ctx={{ ...context, data: null, dataSource: null }} />);
    const error = await screen.findByTestId('expression-preview-error');
    expect(error.textContent).toMatch(/^Unexpected end of expression/);
  });
});
