/**
 * The OMS as a user runs it — `npm start`'s command line (bin/node-flags.ts) — in a child process of its own process group
 * (`detached`), so a test can kill the whole stack at once (`kill -9` of the group takes the embedded Temporal
 * dev server and the carrier simulators with it), restart it on the same data directory, and always clean up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { START_ARGS } from '../../bin/node-flags';
import { portOpen } from '../../infra/net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Process groups started here and not yet gone: killed when the test process exits, whatever happened. */
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pgid of liveGroups) killGroupNow(pgid, 'SIGKILL');
});

export interface OmsProcess {
  readonly pid: number;
  readonly label: string;
  /** Exit code or signal once the main process has exited; undefined while it runs. */
  readonly exit: string | undefined;
  /** The last lines the process wrote (stdout and stderr), for failure messages. */
  output(): string;
  /** Resolves once `GET /readyz` answers 200; rejects (with the output) if the process exits first. */
  waitReady(apiUrl: string, timeoutMs?: number): Promise<void>;
  /** SIGKILL to the whole process group; resolves once every process of the group is gone. */
  killGroup(): Promise<void>;
  /** SIGTERM (graceful shutdown), then SIGKILL to the group after `graceMs`. Never throws. */
  stop(graceMs?: number): Promise<void>;
}

export function launchOms(env: Record<string, string>, label = 'oms'): OmsProcess {
  const child: ChildProcess = spawn(process.execPath, [...START_ARGS], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start the OMS (${label})`);
  liveGroups.add(pid);
  let tail = '';
  const collect = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-6000);
    if (process.env.TEST_LOG_LEVEL || process.env.TEST_OMS_LOG_LEVEL) process.stderr.write(`[${label} ${new Date().toISOString().slice(11, 23)}] ${chunk.toString()}`);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = signal ?? String(code);
      resolve();
    }),
  );

  const groupGone = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (groupAlive(pid)) {
      if (Date.now() > deadline) return false;
      await sleep(50);
    }
    liveGroups.delete(pid);
    return true;
  };

  return {
    pid,
    label,
    get exit() {
      return exit;
    },
    output: () => tail,
    async waitReady(apiUrl, timeoutMs = 150_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (exit !== undefined) throw new Error(`the OMS (${label}) exited (${exit}) before it was ready:\n${tail}`);
        try {
          const res = await fetch(`${apiUrl}/readyz`, { signal: AbortSignal.timeout(3_000) });
          await res.arrayBuffer();
          if (res.ok) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`the OMS (${label}) was not ready within ${timeoutMs} ms:\n${tail}`);
        await sleep(250);
      }
    },
    async killGroup() {
      killGroupNow(pid, 'SIGKILL');
      await exited;
      if (!(await groupGone(10_000))) throw new Error(`processes of the OMS group ${pid} (${label}) survived SIGKILL`);
    },
    async stop(graceMs = 15_000) {
      if (exit === undefined) {
        try {
          child.kill('SIGTERM');
        } catch {
          // already gone
        }
        await Promise.race([exited, sleep(graceMs)]);
      }
      killGroupNow(pid, 'SIGKILL'); // the embedded dev server too, had the shutdown not finished
      await groupGone(10_000);
    },
  };
}

/** Signals every process of a group (`npm start` and what it started); a group already gone is fine. */
export function killGroupNow(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // no such group any more
  }
}

export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export { portOpen };

/** Waits until nothing listens on `port` any more (a killed server's port, before it is started again). */
export async function waitPortClosed(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await portOpen(port)) {
    if (Date.now() > deadline) throw new Error(`port ${port} is still open ${timeoutMs} ms after its server was killed`);
    await sleep(100);
  }
}
