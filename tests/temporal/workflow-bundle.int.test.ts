/**
 * What the workflow bundle holds. The workflow sandbox evaluates a workflow's imports for every workflow it
 * loads (each new order, each one evicted from the cache and replayed), so a module that builds zod schemas or
 * geography tables at load costs every order: it cost a fifth of the worker's workflow thread after a burst
 * (docs/peak-load.md). Workflow code imports only modules that build nothing at load.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';

/** Webpack opens each module of the bundle with a line `/***\/ "./path/to/module.ts"`. */
const modulesOf = (code: string) => [...code.matchAll(/^\/\*{3}\/ "(\.\/[^"]+)"/gm)].map((m) => m[1]!);

describe('the workflow bundle', () => {
  const modules = modulesOf(readFileSync(inject('workflowBundlePath'), 'utf8'));

  it('is read as a list of modules (the check below looks at something)', () => {
    expect(modules).toContain('./workflows/order.ts');
    expect(modules).toContain('./domain/order.ts');
  });

  it.each([
    { what: 'zod', pattern: /node_modules\/zod\// },
    { what: 'the order schemas', pattern: /^\.\/domain\/order-schema\.ts$/ },
    { what: 'the allocation rules and schemas', pattern: /^\.\/domain\/allocation\.ts$/ },
    { what: 'the geography tables', pattern: /^\.\/domain\/(geo|data\/.*)\.ts$/ },
  ])('holds no $what', ({ pattern }) => {
    expect(modules.filter((m) => pattern.test(m))).toEqual([]);
  });
});
