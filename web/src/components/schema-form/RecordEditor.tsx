import { useEffect, useState } from 'react';
import type { JsonSchema } from '../../lib/api-types';
import { cx } from '../../lib/cx';
import { fieldKind, resolveSchema } from '../../lib/json-schema';
import { Button } from '../Button';
import { ExpressionInput } from '../expression-input';
import { inputClass } from '../TextField';
import { useForm } from './context';
import { IconButton } from './IconButton';
import type { CollectionEditorProps } from './types';

interface Row {
  key: string;
  value: unknown;
}

/**
 * A key/value map (`additionalProperties`), e.g. HTTP headers. Rows keep their order and a
 * half-typed empty name while the value written out is the object of named rows.
 */
export function RecordEditor({ id, schema, value, path, onValue, label }: CollectionEditorProps) {
  const { root, expressions, Control } = useForm();
  const valueSchema = resolveSchema((schema.additionalProperties as JsonSchema) ?? {}, root);
  const obj = (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Record<
    string,
    unknown
  >;
  const [rows, setRows] = useState<Row[]>(() =>
    Object.entries(obj).map(([key, v]) => ({ key, value: v })),
  );
  const rowsObject = (rs: Row[]) =>
    Object.fromEntries(rs.filter((r) => r.key !== '').map((r) => [r.key, r.value]));
  useEffect(() => {
    if (JSON.stringify(rowsObject(rows)) !== JSON.stringify(obj))
      setRows(Object.entries(obj).map(([key, v]) => ({ key, value: v })));
  }, [value]);
  const commit = (rs: Row[]) => {
    setRows(rs);
    const next = rowsObject(rs);
    onValue(Object.keys(next).length === 0 && value === undefined ? undefined : next);
  };
  const update = (i: number, change: Partial<Row>) =>
    commit(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const simple = fieldKind(valueSchema) === 'string' || fieldKind(valueSchema) === 'any';
  return (
    <div role="group" aria-labelledby={`${id}-label`} className="space-y-2" id={id}>
      {rows.map((row, i) => (
        <div key={i} className="flex items-start gap-1">
          <input
            aria-label={`${label} name ${i + 1}`}
            className={cx(inputClass, 'w-2/5 font-mono text-xs')}
            value={row.key}
            placeholder="name"
            onChange={(e) => update(i, { key: e.target.value })}
          />
          <div className="min-w-0 flex-1">
            {simple ? (
              <ExpressionInput
                value={
                  typeof row.value === 'string'
                    ? row.value
                    : row.value === undefined
                      ? ''
                      : JSON.stringify(row.value)
                }
                placeholder="value"
                plain={!expressions}
                onChange={(v) => update(i, { value: v })}
              />
            ) : (
              <Control
                kind={fieldKind(valueSchema)}
                id={`${id}-v${i}`}
                schema={valueSchema}
                value={row.value}
                path={[...path, row.key]}
                onValue={(v) => update(i, { value: v })}
                invalid={false}
                label={`${label} value ${i + 1}`}
              />
            )}
          </div>
          <IconButton
            label={`Remove ${row.key || `entry ${i + 1}`}`}
            onClick={() => commit(rows.filter((_, j) => j !== i))}
          >
            ×
          </IconButton>
        </div>
      ))}
      <Button
        size="sm"
        onClick={() => setRows([...rows, { key: '', value: simple ? '' : undefined }])}
      >
        + Add {label.toLowerCase().replace(/s$/, '')}
      </Button>
    </div>
  );
}
