import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS, START_ARGS } from '../../bin/node-flags';

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

describe('the command line that starts the OMS', () => {
  it('is the same in npm start, the Dockerfile and bin/node-flags.ts (used by the benchmarks and tests)', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe(`node ${START_ARGS.join(' ')}`);
    const cmd = /^CMD (\[.*\])$/m.exec(read('Dockerfile'))?.[1];
    expect(cmd && (JSON.parse(cmd) as string[])).toEqual(['node', ...START_ARGS]);
  });

  it('keeps the young generation from shrinking while the API idles', () => {
    expect(NODE_FLAGS).toContain('--min-semi-space-size=16');
    expect(START_ARGS.slice(-3)).toEqual(['--import', 'tsx', 'bin/start.ts']);
  });
});
