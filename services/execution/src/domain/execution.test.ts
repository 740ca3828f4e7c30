import { answersACaller } from './execution';

const withTrigger = (type: string, config: Record<string, unknown> = {}) => ({
  triggerNodeId: 'start',
  graph: {
    nodes: [{ id: 'start', type, position: { x: 0, y: 0 }, config }],
    edges: [],
  },
});

describe('answersACaller', () => {
  it('is true only for a webhook answered from a respond step', () => {
    expect(answersACaller(withTrigger('webhook', { responseMode: 'respond_node' }))).toBe(true);
    expect(answersACaller(withTrigger('webhook', { responseMode: 'immediately' }))).toBe(false);
    expect(answersACaller(withTrigger('webhook'))).toBe(false);
    expect(answersACaller(withTrigger('schedule', { cron: '0 * * * *' }))).toBe(false);
    expect(answersACaller(withTrigger('manual'))).toBe(false);
  });

  it('cannot rule a caller out when the trigger is not in the graph', () => {
    expect(answersACaller({ ...withTrigger('manual'), triggerNodeId: 'elsewhere' })).toBe(true);
  });
});
