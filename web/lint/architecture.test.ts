// @vitest-environment node
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { RuleTester, type Rule } from 'eslint';
import { cycles, folderGraph, importGraph, type ImportGraph } from './import-graph';

const src = new URL('../src', import.meta.url).pathname;
const boundaries = createRequire(import.meta.url)('./boundaries.cjs') as Rule.RuleModule;

// File-level import cycles are scripts/check-cycles.cjs's (the whole repo, web/src included); this
// test adds the folder level, which a file check misses: canvas/ importing nodes/ while nodes/
// import canvas/mode.ts is no file cycle, yet neither folder can be understood without the other.
describe('web/src import structure', () => {
  it('has no two folders that import each other (e.g. a canvas and its nodes)', () => {
    const graph = importGraph(src);
    expect(graph.size).toBeGreaterThan(50);
    expect(cycles(folderGraph(graph))).toEqual([]);
  });
});

describe('cycle finder', () => {
  it('reports files that import each other, directly or around a loop', () => {
    const g: ImportGraph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
      ['e.ts', ['e.ts']],
    ]);
    expect(cycles(g)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['e.ts']]);
  });

  it('reports folders that depend on each other, ignoring what an index re-exports', () => {
    const g: ImportGraph = new Map([
      ['x/canvas/Canvas.tsx', ['x/nodes/Node.tsx']],
      ['x/nodes/Node.tsx', ['x/canvas/mode.ts']],
      ['x/canvas/mode.ts', []],
      ['y/index.ts', ['y/parts/Part.tsx']],
      ['y/parts/Part.tsx', ['y/store.ts']],
      ['y/store.ts', []],
    ]);
    expect(cycles(folderGraph(g))).toEqual([['x/canvas', 'x/nodes']]);
  });
});

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tester = new RuleTester({ languageOptions: { sourceType: 'module' } });
const at = (file: string) => `/repo/web/src/${file}`;

tester.run('web boundaries', boundaries, {
  valid: [
    { filename: at('features/editor/components/Page.tsx'), code: "import { a } from '../store';" },
    {
      filename: at('features/editor/components/Page.tsx'),
      code: "import { a } from '../../runs';",
    },
    { filename: at('features/editor/store.ts'), code: "import { a } from '../runs/index';" },
    { filename: at('features/editor/store.ts'), code: "import { a } from '../../lib/graph';" },
    { filename: at('components/Form.tsx'), code: "import { a } from '../stores/toasts';" },
    { filename: at('app/App.tsx'), code: "import { a } from '../features/auth';" },
    { filename: at('lib/api.ts'), code: "import { a } from '@flowgenie/contracts';" },
  ],
  invalid: [
    {
      filename: at('features/editor/components/Page.tsx'),
      code: "import { a } from '../../runs/store';",
      errors: [{ messageId: 'featureInternals' }],
    },
    {
      filename: at('features/types/store.ts'),
      code: "export { kindFor } from '../editor/graph/kinds';",
      errors: [{ messageId: 'featureInternals' }],
    },
    {
      filename: at('stores/session.ts'),
      code: "import * as auth from '../features/auth/api';",
      errors: [{ messageId: 'upward' }],
    },
    {
      filename: at('components/schema-form/Field.tsx'),
      code: "import { ExpressionInput } from '../../features/editor';",
      errors: [{ messageId: 'upward' }],
    },
    {
      filename: at('lib/graph/index.ts'),
      code: "import { Button } from '../../components/Button';",
      errors: [{ messageId: 'upward' }],
    },
  ],
});
