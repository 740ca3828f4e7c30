// The browser-safe core of the workflow model: graph topology, `{{ }}` templates, JSONata
// expressions with the executor's limits and regular-expression guard, errors and retry rules.
// No Node.js module, no node registry: the builder imports exactly this, so its previews and
// checks behave as the executor does. The Node runtime (safe HTTP, SSRF guard, node types and
// their `run`, the registry, isolates) is `@flowgenie/workflow` and `@flowgenie/workflow/isolated`.
export * from './errors';
export * from './template';
export * from './expressions';
export * from './graph';
export * from './retry';
