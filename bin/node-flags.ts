/**
 * How Node runs the OMS. `npm start` (package.json), the Dockerfile, and the benchmarks and tests that start the
 * OMS as a user does all run `node <NODE_FLAGS> --import tsx bin/start.ts` (tests/start/node-flags.test.ts keeps
 * package.json and the Dockerfile in step with this list).
 *
 * `--min-semi-space-size=16`: V8's young generation keeps its 16 MB semi-spaces (the size a busy API grows them
 * to anyway) instead of shrinking them to 1 MB while the process idles. After an idle stretch, a burst of pushes
 * otherwise starts with a scavenge every few milliseconds and old-generation collections while the heap grows
 * back: with the flag the first tenth of a 30,000-push burst was answered at p99 59–63 ms, without it 69–128 ms,
 * and the whole burst at 40–45 ms against 47–57 ms (BENCHMARKS.md, 2026-12-06). It costs at most 32 MB of memory.
 */
export const NODE_FLAGS: readonly string[] = ['--min-semi-space-size=16'];

/** The arguments after `node` that start the OMS from the repository's root. */
export const START_ARGS: readonly string[] = [...NODE_FLAGS, '--import', 'tsx', 'bin/start.ts'];
