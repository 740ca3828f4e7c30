import { describe, expect, it, vi } from 'vitest';
import { useState } from 'react';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { JsonSchema } from '../../lib/api-types';
import type { FieldIssue } from './types';
import { SchemaForm } from './SchemaForm';

// Config schemas as the catalog serves them (z.toJSONSchema output of the core node types).
const httpRequestSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    method: {
      default: 'GET',
      title: 'Method',
      description: 'HTTP method.',
      type: 'string',
      enum: ['GET', 'POST', 'PUT'],
    },
    url: {
      type: 'string',
      maxLength: 8192,
      format: 'uri',
      title: 'URL',
      description: 'Absolute http(s) URL.',
    },
    headers: {
      default: {},
      title: 'Headers',
      type: 'object',
      propertyNames: { type: 'string' },
      additionalProperties: { type: 'string' },
    },
    body: { title: 'Body', description: 'Request body.' },
    timeoutMs: {
      default: 30000,
      title: 'Timeout (ms)',
      type: 'integer',
      minimum: 100,
      maximum: 300000,
    },
    followRedirects: { default: true, title: 'Follow redirects', type: 'boolean' },
  },
  required: ['url'],
};

const webhookSchema: JsonSchema = {
  type: 'object',
  properties: {
    method: { default: 'POST', title: 'HTTP method', type: 'string', enum: ['POST', 'GET', 'ANY'] },
    hmacSecret: {
      title: 'HMAC secret',
      description: 'Signs calls.',
      format: 'password',
      'x-secret': true,
      type: 'string',
      minLength: 16,
    },
  },
};

const nestedSchema: JsonSchema = {
  type: 'object',
  properties: {
    auth: {
      title: 'Authentication',
      type: 'object',
      properties: { user: { type: 'string' }, port: { type: 'number' } },
      required: ['user'],
    },
    tags: { type: 'array', items: { type: 'string' } },
    mode: { anyOf: [{ const: 'fast' }, { const: 'safe' }] },
    note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
  },
};

function Harness({
  schema,
  initial = {},
  issues,
  onChange,
}: {
  schema: JsonSchema;
  initial?: Record<string, unknown>;
  issues?: FieldIssue[];
  onChange?: (v: Record<string, unknown>, path: string) => void;
}) {
  const [value, setValue] = useState(initial);
  return (
    <>
      <SchemaForm
        schema={schema}
        value={value}
        issues={issues}
        idPrefix="t"
        onChange={(next, path) => {
          setValue(next);
          onChange?.(next, path);
        }}
      />
      <output data-testid="value">{JSON.stringify(value)}</output>
    </>
  );
}

const current = () => JSON.parse(screen.getByTestId('value').textContent ?? '{}');

describe('SchemaForm', () => {
  it('renders a field per property with titles, descriptions, defaults and required marks', () => {
    render(<Harness schema={httpRequestSchema} />);
    const url = screen.getByLabelText(/URL/);
    expect(url).toBeRequired();
    expect(screen.getByText('Absolute http(s) URL.')).toBeInTheDocument();
    expect(screen.getByLabelText('Method')).toHaveDisplayValue('GET (default)');
    expect(screen.getByLabelText('Timeout (ms)')).toHaveAttribute('placeholder', '30000');
    expect(screen.getByLabelText('Follow redirects')).toBeChecked();
    // the only required field carries the mark
    expect(screen.getAllByText('(required)')).toHaveLength(1);
  });

  it('writes typed values: enum, integer, boolean and text', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    render(<Harness schema={httpRequestSchema} onChange={onChange} />);

    await user.selectOptions(screen.getByLabelText('Method'), 'POST');
    await user.type(screen.getByLabelText('Timeout (ms)'), '5000');
    await user.click(screen.getByLabelText('Follow redirects'));
    await user.type(screen.getByLabelText(/URL/), 'https://api.test/u');

    expect(current()).toEqual({
      method: 'POST',
      timeoutMs: 5000,
      followRedirects: false,
      url: 'https://api.test/u',
    });
    expect(onChange).toHaveBeenLastCalledWith(expect.anything(), 'url');
  });

  it('removes an optional field when it is cleared', async () => {
    const user = userEvent.setup();
    render(<Harness schema={httpRequestSchema} initial={{ url: 'x', timeoutMs: 100 }} />);
    await user.clear(screen.getByLabelText('Timeout (ms)'));
    expect(current()).toEqual({ url: 'x' });
  });

  it('edits key/value maps and free JSON', async () => {
    const user = userEvent.setup();
    render(<Harness schema={httpRequestSchema} initial={{ url: 'x' }} />);

    await user.click(screen.getByRole('button', { name: /add header/i }));
    await user.type(screen.getByLabelText('Headers name 1'), 'X-Trace');
    const valueBox = within(screen.getByRole('group', { name: 'Headers' })).getAllByRole(
      'combobox',
    )[0];
    await user.type(valueBox, 'abc');
    expect(current().headers).toEqual({ 'X-Trace': 'abc' });

    const body = screen.getByLabelText('Body');
    await user.click(body);
    await user.paste('{"a": 1}');
    expect(current().body).toEqual({ a: 1 });
    await user.clear(body);
    await user.type(body, 'plain text');
    expect(current().body).toBe('plain text');
  });

  it('masks secrets and reveals them on request', async () => {
    const user = userEvent.setup();
    render(<Harness schema={webhookSchema} initial={{ hmacSecret: 's3cret-s3cret-s3cret' }} />);
    const secret = screen.getByLabelText('HMAC secret');
    expect(secret).toHaveAttribute('type', 'password');
    await user.click(screen.getByRole('button', { name: 'Show secret' }));
    expect(secret).toHaveAttribute('type', 'text');
  });

  it('renders nested objects, arrays, const unions and nullable fields', async () => {
    const user = userEvent.setup();
    render(<Harness schema={nestedSchema} />);

    const group = screen.getByRole('group', { name: /Authentication/ });
    await user.type(within(group).getByLabelText(/User/), 'ann');
    await user.type(within(group).getByLabelText('Port'), '22');
    expect(current().auth).toEqual({ user: 'ann', port: 22 });

    await user.click(screen.getByRole('button', { name: '+ Add item' }));
    await user.type(screen.getByLabelText('Tags 1'), 'red');
    await user.click(screen.getByRole('button', { name: '+ Add item' }));
    await user.type(screen.getByLabelText('Tags 2'), 'blue');
    await user.click(screen.getByRole('button', { name: 'Move item 2 up' }));
    expect(current().tags).toEqual(['blue', 'red']);
    await user.click(screen.getByRole('button', { name: 'Remove item 1' }));
    expect(current().tags).toEqual(['red']);

    await user.selectOptions(screen.getByLabelText('Mode'), 'safe');
    expect(current().mode).toBe('safe');
    await user.type(screen.getByLabelText('Note'), 'hi');
    expect(current().note).toBe('hi');
  });

  it('lets a number take an expression instead of a fixed value', async () => {
    const user = userEvent.setup();
    render(<Harness schema={httpRequestSchema} initial={{ url: 'x' }} />);
    await user.click(screen.getByRole('button', { name: 'Timeout (ms): use an expression' }));
    const box = screen.getByLabelText('Timeout (ms)');
    await user.click(box);
    await user.paste('{{ trigger.body.timeout }}');
    expect(current().timeoutMs).toBe('{{ trigger.body.timeout }}');
  });

  it('shows validation messages on the fields they concern and the rest above the form', () => {
    render(
      <Harness
        schema={httpRequestSchema}
        issues={[
          { field: 'url', message: 'must be an absolute http(s) URL' },
          { field: '', message: 'set exactly one of ms or until' },
        ]}
      />,
    );
    const url = screen.getByLabelText(/URL/);
    expect(url).toHaveAttribute('aria-invalid', 'true');
    expect(url).toHaveAccessibleDescription(
      expect.stringContaining('must be an absolute http(s) URL'),
    );
    expect(screen.getByText('set exactly one of ms or until')).toBeInTheDocument();
  });
});
