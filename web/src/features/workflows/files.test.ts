// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { exportFileName, parseImportFile } from './download';

describe('workflow files', () => {
  it('names an export after the workflow, in characters every file system takes', () => {
    expect(exportFileName('Greeting relay')).toBe('greeting-relay.flowgenie.json');
    expect(exportFileName('Webhook → transform → respond')).toBe(
      'webhook-transform-respond.flowgenie.json',
    );
    expect(exportFileName('***')).toBe('workflow.flowgenie.json');
  });

  it('reads a JSON file as the import body, and says so when a file is not JSON', () => {
    expect(parseImportFile('{"format": "flowgenie.workflow"}')).toEqual({
      document: { format: 'flowgenie.workflow' },
    });
    const bad = parseImportFile('not json {');
    expect('problems' in bad && bad.problems[0].message).toMatch(/^this file is not JSON \(/);
  });
});
