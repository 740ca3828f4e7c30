/**
 * The header row of the app's list tables: one upper-case label per column and, with `actions`,
 * a last column for row buttons (labelled for screen readers only).
 *
 * @example
 * <table className="w-full text-sm">
 *   <TableHead columns={['Name', 'Created']} actions dense />
 *   <tbody>…</tbody>
 * </table>
 */
export function TableHead({
  columns,
  actions = false,
  dense = false,
}: {
  columns: readonly string[];
  actions?: boolean;
  /** Narrower cells (px-3 instead of px-4), for tables inside a page section. */
  dense?: boolean;
}) {
  const cell = dense ? 'px-3 py-2' : 'px-4 py-2';
  return (
    <thead className="bg-slate-50 text-left text-xs text-slate-500 uppercase">
      <tr>
        {columns.map((c) => (
          <th key={c} className={`${cell} font-medium`}>
            {c}
          </th>
        ))}
        {actions && (
          <th className={cell}>
            <span className="sr-only">Actions</span>
          </th>
        )}
      </tr>
    </thead>
  );
}
