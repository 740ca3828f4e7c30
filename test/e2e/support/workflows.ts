import { createHmac } from 'node:crypto';

type Node = {
  id: string;
  type: string;
  position?: { x: number; y: number };
  config: Record<string, unknown>;
  retry?: Record<string, unknown>;
};

/** A linear graph (plus optional extra edges), nodes laid out left to right. */
export function graph(
  nodes: Node[],
  edges: { source: string; target: string; sourceHandle?: string }[],
) {
  return {
    nodes: nodes.map((n, i) => ({ position: { x: i * 240, y: 0 }, ...n })),
    edges: edges.map((e, i) => ({ id: `e${i + 1}`, sourceHandle: 'main', ...e })),
  };
}

export const chain = (...ids: string[]) =>
  ids.slice(1).map((target, i) => ({ source: ids[i], target }));

/** `X-FlowGenie-Signature` for a raw body, as docs/API.md defines it. */
export function signature(
  secret: string,
  rawBody: string,
  at = Math.floor(Date.now() / 1000),
): string {
  const v1 = createHmac('sha256', secret).update(`${at}.${rawBody}`).digest('hex');
  return `t=${at},v1=${v1}`;
}
