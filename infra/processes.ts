/**
 * The processes `npm start` runs beside itself (its PostgreSQL, the Temporal dev server) and the ones it runs
 * under (npm): who is alive, who was orphaned by a `kill -9`, and a gentle-then-firm stop.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Parent pid and command line of a live process (/proc on Linux, `ps` elsewhere); undefined when gone. */
export function processInfo(pid: number): { ppid: number; command: string } | undefined {
  try {
    if (existsSync(`/proc/${pid}/cmdline`)) {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return { ppid, command };
    }
    const out = execFileSync('ps', ['-o', 'ppid=,command=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (!out) return undefined;
    const [ppid, ...rest] = out.split(/\s+/);
    return { ppid: Number(ppid), command: rest.join(' ') };
  } catch {
    return undefined;
  }
}

/** Whether the process's parent is gone: it was adopted by init or a container's init (a subreaper). */
export function orphaned(pid: number): boolean {
  const info = processInfo(pid);
  if (!info) return false;
  if (info.ppid <= 1 || !pidAlive(info.ppid)) return true;
  const parent = processInfo(info.ppid);
  return !parent || /(^|\/)(init|systemd|tini|dumb-init|docker-init)( |$)/.test(parent.command);
}

/** SIGTERM-like stop of a process we did not start: `first` (default SIGTERM), then SIGQUIT, then SIGKILL. */
export async function stopPid(pid: number, first: NodeJS.Signals = 'SIGTERM', graceMs = 30_000): Promise<void> {
  for (const [signal, waitMs] of [
    [first, graceMs],
    ['SIGQUIT', 10_000],
    ['SIGKILL', 5_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    const deadline = Date.now() + waitMs;
    while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (!pidAlive(pid)) return;
  }
}

/**
 * Calls `onGone` once when the `npm` process this one runs under (through `sh` and `tsx`) is killed: a
 * `kill -9` of npm would otherwise leave the OMS running headless, holding its ports and data. Watches nothing when
 * not started by npm. Returns a function that stops watching.
 */
export function watchLauncher(onGone: () => void, intervalMs = 1_000): () => void {
  const chain: { pid: number; ppid: number }[] = [];
  let pid = process.ppid;
  for (let depth = 0; depth < 5 && pid > 1; depth++) {
    const info = processInfo(pid);
    if (!info) break;
    chain.push({ pid, ppid: info.ppid });
    if (/(^|\/)npm( |$)|npm-cli\.js/.test(info.command)) break;
    pid = info.ppid;
  }
  const npmFound = chain.length > 0 && /(^|\/)npm( |$)|npm-cli\.js/.test(processInfo(chain.at(-1)!.pid)?.command ?? '');
  if (!npmFound) return () => undefined;
  // The npm process itself is watched through its child: when npm dies, its child is adopted elsewhere.
  const timer = setInterval(() => {
    for (const link of chain) {
      const info = processInfo(link.pid);
      if (!info || info.ppid !== link.ppid) {
        clearInterval(timer);
        onGone();
        return;
      }
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
