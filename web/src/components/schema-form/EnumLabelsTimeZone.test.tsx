import { afterEach, describe, expect, it, vi } from 'vitest';
import { useState } from 'react';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { JsonSchema } from '../../lib/api-types';
import { SchemaForm } from './SchemaForm';
import { timeZoneOptions } from './TimeZoneInput';

// As the catalog serves them: webhook and schedule config schemas (z.toJSONSchema output).
const webhookSchema: JsonSchema = {
  type: 'object',
  properties: {
    responseMode: {
      default: 'immediately',
      title: 'Respond',
      'x-enum-labels': {
        immediately: 'At once (202 with the execution id)',
        respond_node: 'From a "Respond to webhook" step',
      },
      type: 'string',
      enum: ['immediately', 'respond_node'],
    },
    speed: {
      title: 'Speed',
      oneOf: [
        { const: 'fast', title: 'As fast as possible' },
        { const: 'safe', title: 'Safely' },
      ],
    },
  },
};

const scheduleSchema: JsonSchema = {
  type: 'object',
  properties: {
    timezone: { default: 'UTC', title: 'Time zone', 'x-time-zone': true, type: 'string' },
  },
};

function Harness({
  schema,
  initial = {},
}: {
  schema: JsonSchema;
  initial?: Record<string, unknown>;
}) {
  const [value, setValue] = useState(initial);
  return (
    <>
      <SchemaForm schema={schema} value={value} idPrefix="t" onChange={(next) => setValue(next)} />
      <output data-testid="value">{JSON.stringify(value)}</output>
    </>
  );
}

const current = () => JSON.parse(screen.getByTestId('value').textContent ?? '{}');

function mockBrowserZone(zone: string) {
  const real = Intl.DateTimeFormat;
  vi.spyOn(Intl, 'DateTimeFormat').mockImplementation(((...args: []) => {
    const f = new real(...args);
    const resolved = f.resolvedOptions();
    return Object.assign(f, { resolvedOptions: () => ({ ...resolved, timeZone: zone }) });
  }) as unknown as typeof Intl.DateTimeFormat);
}

afterEach(() => vi.restoreAllMocks());

describe('enum labels', () => {
  it('shows labels, never the raw values, and saves the value', async () => {
    const user = userEvent.setup();
    render(<Harness schema={webhookSchema} />);
    const respond = screen.getByLabelText('Respond');
    expect(respond).toHaveDisplayValue('At once (202 with the execution id) (default)');
    const texts = within(respond)
      .getAllByRole('option')
      .map((o) => o.textContent);
    expect(texts.join('|')).not.toMatch(/respond_node|immediately/);

    await user.selectOptions(respond, 'From a "Respond to webhook" step');
    expect(current()).toEqual({ responseMode: 'respond_node' });

    // The JSON Schema way works too: oneOf with const + title.
    await user.selectOptions(screen.getByLabelText('Speed'), 'Safely');
    expect(current()).toEqual({ responseMode: 'respond_node', speed: 'safe' });
  });
});

describe('time zone field', () => {
  it('lists every IANA zone, the browser’s first, then UTC', () => {
    mockBrowserZone('Asia/Kolkata');
    const zones = timeZoneOptions();
    expect(zones.slice(0, 2)).toEqual(['Asia/Kolkata', 'UTC']);
    expect(zones).toContain('Europe/Paris');
    expect(zones).toContain('America/New_York');
    expect(new Set(zones).size).toBe(zones.length);
  });

  it('is a searchable list that saves only a real zone, in its canonical spelling', async () => {
    mockBrowserZone('Europe/Berlin');
    const user = userEvent.setup();
    const { container } = render(<Harness schema={scheduleSchema} />);
    const input = screen.getByRole('combobox', { name: 'Time zone' });
    expect(input).toHaveAttribute('placeholder', 'UTC');
    const list = container.querySelector(`datalist#${input.getAttribute('list')}`)!;
    const options = [...list.querySelectorAll('option')];
    expect(options[0]).toHaveValue('Europe/Berlin');
    expect(options[0].textContent).toBe('Europe/Berlin (this browser)');

    await user.type(input, 'Europe/Par');
    expect(current()).toEqual({}); // not a zone yet: nothing saved
    expect(screen.getByText(/Pick a time zone from the list/)).toBeInTheDocument();

    await user.type(input, 'is');
    expect(current()).toEqual({ timezone: 'Europe/Paris' });
    expect(screen.queryByText(/Pick a time zone from the list/)).not.toBeInTheDocument();

    await user.clear(input);
    await user.type(input, 'america/new_york');
    await user.tab();
    expect(current()).toEqual({ timezone: 'America/New_York' });
    expect(input).toHaveValue('America/New_York');
  });
});
