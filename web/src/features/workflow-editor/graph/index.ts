/**
 * The editor's framework-free graph logic: edits (add, connect, rename, delete, paste, tidy),
 * topology and the validation index. The graph model itself (shapes, kinds, ids, API
 * conversion, layout) is shared in `lib/graph`.
 */
export * from './edits';
export * from './topology';
export * from './validation';
