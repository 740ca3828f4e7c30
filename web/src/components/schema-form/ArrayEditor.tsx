import type { JsonSchema } from '../../lib/api-types';
import { resolveSchema } from '../../lib/json-schema';
import { Button } from '../Button';
import { useForm } from './context';
import { defaultFor } from './defaults';
import { IconButton } from './IconButton';
import type { CollectionEditorProps } from './types';

/** An array: one field per item (any kind, nested too), with move up / down and remove. */
export function ArrayEditor({ id, schema, value, path, onValue, label }: CollectionEditorProps) {
  const { root, Field } = useForm();
  const itemSchema = resolveSchema((schema.items as JsonSchema) ?? {}, root);
  const items = Array.isArray(value) ? value : [];
  const move = (from: number, to: number) => {
    const next = [...items];
    const [it] = next.splice(from, 1);
    next.splice(to, 0, it);
    onValue(next);
  };
  return (
    <div role="group" aria-labelledby={`${id}-label`} className="space-y-2" id={id}>
      {items.length === 0 && <p className="text-xs text-slate-400">No items.</p>}
      {items.map((item, i) => (
        <div key={i} className="flex items-start gap-1 rounded-md border border-slate-200 p-2">
          <div className="min-w-0 flex-1">
            <Field
              name={String(i)}
              label={`${label} ${i + 1}`}
              schema={itemSchema}
              value={item}
              path={[...path, String(i)]}
            />
          </div>
          <div className="flex flex-col">
            <IconButton
              label={`Move item ${i + 1} up`}
              disabled={i === 0}
              onClick={() => move(i, i - 1)}
            >
              ↑
            </IconButton>
            <IconButton
              label={`Move item ${i + 1} down`}
              disabled={i === items.length - 1}
              onClick={() => move(i, i + 1)}
            >
              ↓
            </IconButton>
            <IconButton
              label={`Remove item ${i + 1}`}
              onClick={() => onValue(items.filter((_, j) => j !== i))}
            >
              ×
            </IconButton>
          </div>
        </div>
      ))}
      <Button size="sm" onClick={() => onValue([...items, defaultFor(itemSchema)])}>
        + Add item
      </Button>
    </div>
  );
}
