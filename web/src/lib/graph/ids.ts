/** Node ids double as expression names (`steps.<id>`), so they follow the contract's identifier rule. */
export const NODE_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export function isValidNodeId(id: string): boolean {
  return NODE_ID_PATTERN.test(id);
}

/** A readable, unique id for a new node: `http_request_1`, `if_2`, ... */
export function newNodeId(nodeType: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  let base = nodeType.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 56) || 'node';
  if (!/^[A-Za-z_]/.test(base)) base = `n_${base}`;
  for (let n = 1; ; n += 1) {
    const id = `${base}_${n}`;
    if (!used.has(id)) return id;
  }
}

export function edgeId(source: string, sourceHandle: string, target: string): string {
  return `${source}:${sourceHandle}->${target}`;
}
