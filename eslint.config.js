import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Workflow and domain code must stay deterministic: no Node built-ins, no I/O packages, no Temporal client. */
const deterministicImports = {
  patterns: [
    { group: ['node:*'], message: 'Workflow and domain code must not use Node built-ins.' },
    {
      group: ['fs', 'fs/*', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'timers', 'timers/*', 'worker_threads', 'stream', 'events', 'url', 'util'],
      message: 'Workflow and domain code must not use Node built-ins.',
    },
    {
      group: ['pg', 'ioredis', 'drizzle-orm', 'drizzle-orm/*', 'hono', 'hono/*', '@hono/*', 'pino', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'],
      message: 'Workflow and domain code must not do I/O: put it in an activity.',
    },
    { group: ['**/db/**', '**/api/**', '**/channels/**', '**/carriers/**', '**/purchasing/**', '**/infra/**', '**/temporal/**'], message: 'Workflow and domain code must not reach I/O modules (type-only imports are fine).', allowTypeImports: true },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'db/migrations/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', deterministicImports],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' }, { name: 'fetch', message: 'I/O belongs in activities.' }, { name: 'process', message: 'Configuration comes in the workflow input.' }],
    },
  },
);
