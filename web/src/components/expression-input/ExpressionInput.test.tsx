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

function Field({ raw = false, initial = '' }: { raw?: boolean; initial?: string }) {
  const [value, setValue] = useState(initial);
  return (
    <ExpressionContext.Provider value={context}>
      <label htmlFor="f">Field</label>
      <ExpressionInput id="f" value={value} onChange={setValue} raw={raw} />
    </ExpressionContext.Provider>
  );
}

describe('ExpressionInput', () => {
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

  it('treats a raw JSONata field as an expression throughout', async () => {
    const user = userEvent.setup();
    render(<Field raw />);
    const box = screen.getByLabelText('Field');
    await user.type(box, 'steps.fetch_user.sta');
    await user.keyboard('{Tab}');
    expect(box).toHaveValue('steps.fetch_user.status');
    await user.type(box, ' = 200');
    await waitFor(() =>
      expect(screen.getByTestId('expression-preview')).toHaveTextContent(
        'Preview (last run): true',
      ),
    );
  });
});
