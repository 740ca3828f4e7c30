import { matchesEventPattern, UnsupportedPatternError } from './event-pattern';

const event = {
  'detail-type': 'workflow.activated',
  source: 'flowgenie.workflow-catalog',
  account: '123456789012',
  detail: { type: 'workflow.activated', data: { workflowId: 'w1', tags: ['a', 'b'] } },
};

describe('matchesEventPattern (the fake EventBridge’s rules)', () => {
  it('matches a detail type listed in the rule and nothing else', () => {
    expect(matchesEventPattern({ 'detail-type': ['workflow.activated', 'x'] }, event)).toBe(true);
    expect(matchesEventPattern({ 'detail-type': ['workflow.deleted'] }, event)).toBe(false);
  });

  it('needs every field of the pattern to match, nested ones included', () => {
    const pattern = {
      'detail-type': ['workflow.activated'],
      detail: { data: { workflowId: ['w1'] } },
    };
    expect(matchesEventPattern(pattern, event)).toBe(true);
    expect(
      matchesEventPattern({ ...pattern, detail: { data: { workflowId: ['w2'] } } }, event),
    ).toBe(false);
    expect(matchesEventPattern({ detail: { missing: ['w1'] } }, event)).toBe(false);
  });

  it('matches an array value when any element matches', () => {
    expect(matchesEventPattern({ detail: { data: { tags: ['b'] } } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { data: { tags: ['c'] } } }, event)).toBe(false);
  });

  it('reads prefix, anything-but and exists', () => {
    expect(matchesEventPattern({ source: [{ prefix: 'flowgenie.' }] }, event)).toBe(true);
    expect(matchesEventPattern({ source: [{ prefix: 'other.' }] }, event)).toBe(false);
    expect(matchesEventPattern({ source: [{ 'anything-but': ['flowgenie.auth'] }] }, event)).toBe(
      true,
    );
    expect(
      matchesEventPattern({ source: [{ 'anything-but': 'flowgenie.workflow-catalog' }] }, event),
    ).toBe(false);
    expect(matchesEventPattern({ region: [{ exists: false }] }, event)).toBe(true);
    expect(matchesEventPattern({ account: [{ exists: false }] }, event)).toBe(false);
  });

  it('refuses what it cannot read instead of routing nothing', () => {
    expect(() => matchesEventPattern({ 'detail-type': 'workflow.activated' }, event)).toThrow(
      UnsupportedPatternError,
    );
    expect(() => matchesEventPattern({ 'detail-type': [] }, event)).toThrow(
      UnsupportedPatternError,
    );
    expect(() => matchesEventPattern({ source: [{ suffix: '.catalog' }] }, event)).toThrow(
      /not supported/,
    );
  });
});
