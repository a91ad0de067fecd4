/**
 * Temporal ceiling benchmark: `npm run bench:temporal -- [--server memory,file] [--address host:port]
 *   [--workflows 3000] [--concurrency 64] [--workers 1] [--start signal-with-start|start] [--pg] [--pragma k=v]…`
 *
 * How many workflows of the OMS order's shape the Temporal engine brings to their first wait per second, with
 * nothing of the OMS around them: start with the order's search attributes (signal-with-start, as the ingest
 * does), ONE local activity (trivial; with `--pg` one tiny PostgreSQL insert), then wait for a signal that
 * never comes. The method is in bench/temporal-ceiling/measure.ts (`measureCeiling`, reusable).
 *
 * Targets: `--server memory` (a fresh in-memory `temporal server start-dev`), `file` (the same persisting to
 * SQLite in a temp dir with the pragmas `npm start` uses, `temporal/dev-server.ts` SQLITE_PRAGMAS), and
 * `file-nopragma` (SQLite's own defaults), several comma-separated; or `--address` for an existing server
 * (e.g. `npm run temporal:server`, PostgreSQL). Default: memory then file, with the ratio file/memory.
 * `--workers 2` adds a worker in a child process on the same task queue.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { findTemporalCli, SQLITE_PRAGMAS, startDevServer, type DevServer } from '../temporal/dev-server';
import { adminQuery, freePort, withDatabase } from '../infra/net';
import { measureCeiling, type CeilingResult } from './temporal-ceiling/measure';

const { values } = parseArgs({
  options: {
    server: { type: 'string' },
    address: { type: 'string' },
    namespace: { type: 'string', default: 'default' },
    workflows: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '64' },
    workers: { type: 'string', default: '1' },
    start: { type: 'string', default: 'signal-with-start' },
    /** The local activity also inserts one row into a fresh PostgreSQL database (DATABASE_URL's server). */
    pg: { type: 'boolean', default: false },
    /** Pragmas for `--server file` instead of SQLITE_PRAGMAS (repeatable). */
    pragma: { type: 'string', multiple: true },
    warmup: { type: 'string', default: '50' },
    /** Workflow task pollers per worker process: a number or `autoscaling` (default: the SDK's 10). */
    pollers: { type: 'string' },
    /** The share of those pollers on the task queue itself rather than the sticky queues (SDK default 0.2). */
    'non-sticky-ratio': { type: 'string' },
    /** Measure each target this many times. */
    runs: { type: 'string', default: '1' },
    quiet: { type: 'boolean', default: false },
  },
});

const TARGETS = ['memory', 'file', 'file-nopragma'] as const;
type Target = (typeof TARGETS)[number] | 'address';
const log = (...args: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...args);

async function main() {
  const startWith = values.start === 'start' ? 'start' : 'signal-with-start';
  if (values.start !== startWith) throw new Error(`--start must be signal-with-start or start, not ${values.start}`);
  const targets: Target[] = values.address ? ['address'] : ((values.server ?? 'memory,file').split(',') as Target[]);
  for (const t of targets) if (t !== 'address' && !TARGETS.includes(t)) throw new Error(`unknown --server ${t} (memory, file, file-nopragma)`);
  const filePragmas = values.pragma ?? [...SQLITE_PRAGMAS];

  Runtime.install({ logger: new DefaultLogger('WARN') });
  const cpuModel = /model name\s*:\s*(.*)/.exec(safeRead('/proc/cpuinfo'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  log(`machine: ${cpus().length} × ${cpuModel}, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const cleanups: (() => Promise<unknown>)[] = [];
  let databaseUrl: string | undefined;
  try {
    if (values.pg) {
      const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
      const dbName = `oms_ceiling_${Date.now().toString(36)}`;
      await adminQuery(serverUrl, `CREATE DATABASE ${dbName}`);
      cleanups.unshift(() => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
      databaseUrl = withDatabase(serverUrl, dbName);
    }

    const results: { target: string; result: CeilingResult; load: string }[] = [];
    for (let run = 1; run <= Number(values.runs); run++) {
      for (const target of targets) {
        const label = target === 'address' ? `server at ${values.address}` : `${target} dev server`;
        let server: DevServer | undefined;
        let dataDir: string | undefined;
        try {
          if (target !== 'address') {
            const cliPath = findTemporalCli(process.env.TEMPORAL_CLI_PATH);
            if (!cliPath) throw new Error('Temporal CLI not found: set TEMPORAL_CLI_PATH or `go install github.com/temporalio/cli/cmd/temporal@v1.5.1`');
            dataDir = target === 'memory' ? undefined : mkdtempSync(join(tmpdir(), 'oms-ceiling-sqlite-'));
            const pragmas = target === 'file' ? filePragmas : [];
            server = await startDevServer({
              cliPath,
              port: await freePort(),
              namespace: values.namespace,
              ...(dataDir ? { dbFilename: join(dataDir, 'temporal.sqlite'), sqlitePragmas: pragmas } : {}),
            });
            log(`${label} on ${server.address}${dataDir ? ` (SQLite file, pragmas: ${pragmas.join(' ') || 'none'})` : ''}`);
          }
          const result = await measureCeiling({
            address: server?.address ?? values.address!,
            namespace: values.namespace,
            workflows: Number(values.workflows),
            concurrency: Number(values.concurrency),
            workerProcesses: Number(values.workers),
            startWith,
            databaseUrl,
            warmup: Number(values.warmup),
            tuning: {
              ...(values.pollers ? { pollers: values.pollers === 'autoscaling' ? 'autoscaling' : Number(values.pollers) } : {}),
              ...(values['non-sticky-ratio'] ? { nonStickyToStickyPollRatio: Number(values['non-sticky-ratio']) } : {}),
            },
            // A dev server of ours is thrown away with its workflows; an existing one is cleaned up.
            terminate: target === 'address',
            ...(values.quiet ? {} : { log: (line: string) => log(line) }),
          });
          const load = loadavg().map((l) => l.toFixed(2)).join(' ');
          results.push({ target: label, result, load });
          print(label, result, load);
        } finally {
          await server?.stop();
          if (dataDir) rmSync(dataDir, { recursive: true, force: true });
        }
      }
    }

    console.log('\n| Target | Workers | Reached the wait/s | Starts/s | Start→activity p50 / p99 | WFT / AT / LA per workflow | Load |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const { target, result: r, load } of results) {
      console.log(
        `| ${target} | ${r.workerProcesses} | ${r.perSecond.toFixed(0)} | ${r.startsPerSecond.toFixed(0)} | ${r.latencyP50Ms} / ${r.latencyP99Ms} ms | ` +
          `${r.workflowTasksPerWorkflow.toFixed(2)} / ${r.activityTasksPerWorkflow.toFixed(2)} / ${r.localActivitiesPerWorkflow.toFixed(2)} | ${load} |`,
      );
    }
    // With several runs, the median of each target: a shared machine's load moves single runs a lot.
    const median = (t: string) => {
      const rs = results.filter((r) => r.target === t).map((r) => r.result.perSecond).sort((a, b) => a - b);
      if (!rs.length) return undefined;
      return rs.length % 2 ? rs[(rs.length - 1) / 2]! : (rs[rs.length / 2 - 1]! + rs[rs.length / 2]!) / 2;
    };
    if (Number(values.runs) > 1) {
      for (const t of new Set(results.map((r) => r.target))) console.log(`median ${t}: ${median(t)!.toFixed(1)}/s`);
    }
    const memory = median('memory dev server');
    for (const other of ['file', 'file-nopragma']) {
      const value = median(`${other} dev server`);
      if (memory && value) console.log(`ratio ${other}/memory: ${(value / memory).toFixed(2)}`);
    }
  } finally {
    for (const fn of cleanups) await fn().catch((err: unknown) => console.error('cleanup:', err));
  }
}

function print(label: string, r: CeilingResult, load: string) {
  console.log(`
  ${label}, ${r.workerProcesses} worker process(es), ${r.startWith}
    workflows reaching the wait   ${r.perSecond.toFixed(1)}/s   (${r.workflows} in ${(r.elapsedMs / 1000).toFixed(1)} s)
    start calls                   ${r.startsPerSecond.toFixed(1)}/s   (${r.startRetries} retried)
    start → local activity        p50 ${r.latencyP50Ms} ms, p99 ${r.latencyP99Ms} ms
    per workflow (${r.sampled} histories) workflow tasks ${r.workflowTasksPerWorkflow.toFixed(2)}, activity tasks ${r.activityTasksPerWorkflow.toFixed(2)}, local activities ${r.localActivitiesPerWorkflow.toFixed(2)}, events ${r.historyEventsPerWorkflow.toFixed(1)}
    sampled workflows at the wait ${r.sampledWaiting} of ${r.sampled}
    load average after            ${load}
`);
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
