import type { WorkflowGraph } from '@flowgenie/contracts';
import { InvalidInputError, NothingPublishedError } from './errors';
import { graphSizeBytes, MAX_GRAPH_BYTES, sameGraph } from './graph';
import {
  chooseActivationVersion,
  copyName,
  draftChangedSince,
  NAME_MAX,
  nextVersion,
  runnableVersion,
} from './workflow';

const graph = (url: string): WorkflowGraph => ({
  nodes: [
    { id: 'start', type: 'manual', position: { x: 0, y: 0 }, config: {} },
    {
      id: 'fetch',
      type: 'http_request',
      position: { x: 200, y: 0 },
      config: { url, method: 'GET' },
    },
  ],
  edges: [{ id: 'e1', source: 'start', sourceHandle: 'main', target: 'fetch' }],
});

describe('activation version', () => {
  it('defaults to the latest published version', () => {
    expect(chooseActivationVersion({ latestVersion: 3 })).toBe(3);
  });

  it('accepts an older published version', () => {
    expect(chooseActivationVersion({ latestVersion: 3 }, 1)).toBe(1);
  });

  it('refuses when nothing was ever published', () => {
    expect(() => chooseActivationVersion({ latestVersion: null })).toThrow(NothingPublishedError);
    expect(() => chooseActivationVersion({ latestVersion: null }, 1)).toThrow(
      NothingPublishedError,
    );
  });

  it('refuses a version that was never published, naming the field', () => {
    const attempt = () => chooseActivationVersion({ latestVersion: 2 }, 5);
    expect(attempt).toThrow(InvalidInputError);
    try {
      attempt();
    } catch (err) {
      expect((err as InvalidInputError).details).toEqual([
        expect.objectContaining({ path: 'version' }),
      ]);
    }
  });
});

describe('versions', () => {
  it('numbers versions from 1 upwards', () => {
    expect(nextVersion({ latestVersion: null })).toBe(1);
    expect(nextVersion({ latestVersion: 7 })).toBe(8);
  });

  it('runs the active version, else the latest, else refuses', () => {
    expect(runnableVersion({ activeVersion: 2, latestVersion: 4 })).toBe(2);
    expect(runnableVersion({ activeVersion: null, latestVersion: 4 })).toBe(4);
    expect(() => runnableVersion({ activeVersion: null, latestVersion: null })).toThrow(
      NothingPublishedError,
    );
  });
});

describe('draft changed since publish', () => {
  it('is true while nothing is published', () => {
    expect(draftChangedSince(graph('https://a.example'), null)).toBe(true);
  });

  it('is false when the draft equals the latest version, whatever the key order', () => {
    const published = graph('https://a.example');
    const reordered = JSON.parse(JSON.stringify(published), (_k, v) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).reverse())
        : v,
    ) as WorkflowGraph;
    expect(draftChangedSince(reordered, published)).toBe(false);
  });

  it('is true when a config value differs', () => {
    expect(draftChangedSince(graph('https://b.example'), graph('https://a.example'))).toBe(true);
  });

  it('treats node order as a change (the builder shows it)', () => {
    const g = graph('https://a.example');
    expect(sameGraph(g, { ...g, nodes: [...g.nodes].reverse() })).toBe(false);
  });
});

describe('copyName', () => {
  it('appends " (copy)"', () => {
    expect(copyName('Send invoices')).toBe('Send invoices (copy)');
  });

  it('keeps the copy within the name limit', () => {
    const copy = copyName('x'.repeat(NAME_MAX));
    expect(copy.length).toBeLessThanOrEqual(NAME_MAX);
    expect(copy.endsWith(' (copy)')).toBe(true);
  });
});

describe('graph size', () => {
  it('measures the serialised graph in bytes', () => {
    const g = graph('https://ü.example');
    expect(graphSizeBytes(g)).toBe(Buffer.byteLength(JSON.stringify(g)));
    expect(graphSizeBytes(g)).toBeLessThan(MAX_GRAPH_BYTES);
  });
});
