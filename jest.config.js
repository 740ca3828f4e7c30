// One jest config for the whole repo. @swc/jest compiles TypeScript to CommonJS (fast);
// `npm run typecheck` is the type gate. ESM-only packages are transformed too.
const transform = {
  '^.+\\.(t|j)sx?$': [
    '@swc/jest',
    {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    },
  ],
};
const transformIgnorePatterns = ['/node_modules/(?!(jose|nanoid|uuid)/)'];
// Integration suites talk to real Postgres, Redis and child processes on a 2-core machine:
// allow them time under load rather than failing on a busy CI box.
const common = { transform, transformIgnorePatterns, testEnvironment: 'node', testTimeout: 30_000 };

module.exports = {
  // Also at the top level: a project's own testTimeout does not reach hooks in every runner version.
  testTimeout: 30_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{shared,services,local}/*/src/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{shared,services,local}/*/test/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'infra',
      testMatch: ['<rootDir>/cdk-constructs/test/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
    },
  ],
};
