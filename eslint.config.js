const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const jest = require('eslint-plugin-jest');
const webBoundaries = require('./web/lint/boundaries.cjs');

module.exports = tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/cdk.out/**', 'certs/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The dependency direction of every service: domain and use cases know ports only, never an
    // adapter's library (docs/SERVICE-SHAPE.md).
    files: [
      'services/*/src/domain/**/*.ts',
      'services/*/src/app/**/*.ts',
      'services/*/src/ports/**/*.ts',
    ],
    ignores: ['**/*.test.ts', '**/*.test-support.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'express',
                'kysely',
                'bullmq',
                'ioredis',
                'pg',
                'serverless-http',
                '@aws-sdk/*',
                'undici',
              ],
              message:
                'domain, app and ports stay free of I/O libraries: depend on a port, and put the library in an adapter.',
            },
            {
              group: ['@flowgenie/messaging/*'],
              message:
                'use cases import the event port and envelope from @flowgenie/messaging, never an adapter subpath.',
            },
            {
              group: ['**/adapters/**', '../compose*', '../../compose*'],
              message: 'the inner layers never import adapters or the composition root.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    plugins: { jest },
    rules: {
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/expect-expect': 'off',
    },
  },
  {
    // web/src: imports run down the layers and features meet only at their index.ts
    // (web/lint/boundaries.cjs); folders importing each other fail web/lint/architecture.test.ts.
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'flowgenie-web': { rules: { boundaries: webBoundaries } } },
    rules: { 'flowgenie-web/boundaries': 'error' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
