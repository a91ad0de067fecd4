/**
 * Services a crash test may kill and restart without disturbing the other test files: a PostgreSQL cluster and
 * a persistent Redis of its own, each in a temporary directory on a free port. Also finds the process of a
 * Temporal dev server started by `startDevServer` (which does not hand out its child) so a test can SIGKILL it.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../infra/net';
import { portOpen, sleep, waitPortClosed } from './oms-process';

// ── PostgreSQL ────────────────────────────────────────────────────────────────────────────────────────────

export const POSTGRES_BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

/** Why a private cluster cannot be started here (undefined when it can). */
export function privatePostgresUnavailable(): string | undefined {
  for (const tool of ['initdb', 'pg_ctl', 'postgres']) {
    if (!existsSync(join(POSTGRES_BIN, tool))) return `PostgreSQL server binaries not found (${join(POSTGRES_BIN, tool)}); set POSTGRES_BIN`;
  }
  if (process.getuid?.() === 0 && !systemUser('postgres')) return 'running as root and there is no "postgres" user to run a private cluster as';
  return undefined;
}

export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust authentication). */
  url: string;
  port: number;
  /** `pg_ctl stop -m immediate`: the server dies without a checkpoint, like a crash; restart replays the WAL. */
  crash(): Promise<void>;
  start(): Promise<void>;
  /** Stops it (immediate) and removes its directory. */
  destroy(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const base = mkdtempSync(join(tmpdir(), 'oms-pg-'));
  const data = join(base, 'data');
  mkdirSync(data, { mode: 0o700 });
  // initdb and postgres refuse to run as root: run them as the postgres user, who then owns the directory.
  const asUser = process.getuid?.() === 0 ? systemUser('postgres') : undefined;
  if (asUser) {
    chmodSync(base, 0o755);
    chownSync(base, asUser.uid, asUser.gid);
    chownSync(data, asUser.uid, asUser.gid);
  }
  const run = (tool: string, args: string[]) => runTool(join(POSTGRES_BIN, tool), args, { cwd: base, ...(asUser ? { uid: asUser.uid, gid: asUser.gid } : {}) });
  await run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const options = `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=on`;
  const start = async () => {
    await run('pg_ctl', ['-D', data, '-l', join(base, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
  };
  const crash = async () => {
    await run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '60', 'stop']);
    await waitPortClosed(port);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    crash,
    start,
    async destroy() {
      if (existsSync(join(data, 'postmaster.pid'))) await crash().catch(() => undefined);
      rmSync(base, { recursive: true, force: true });
    },
  };
}

// ── Redis ─────────────────────────────────────────────────────────────────────────────────────────────────

export function privateRedisUnavailable(): string | undefined {
  return which('redis-server') ? undefined : 'redis-server not found on PATH';
}

export interface PrivateRedis {
  url: string;
  port: number;
  dir: string;
  /** SIGKILL: no shutdown, no final save; only what the append-only file already holds survives. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory (the append-only file is loaded). */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** A redis-server with `appendonly yes` and `appendfsync always`: an acknowledged write survives a kill -9. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'oms-redis-'));
  const binary = which('redis-server')!;
  let child: ReturnType<typeof spawn> | undefined;
  let exited: Promise<void> = Promise.resolve();
  let output = '';
  const start = async () => {
    child = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no', '--protected-mode', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const proc = child;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const deadline = Date.now() + 30_000;
    while (!(await portOpen(port))) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited (${proc.exitCode}):\n${output}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not open port ${port}:\n${output}`);
      await sleep(50);
    }
  };
  const kill = async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await waitPortClosed(port);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    kill,
    start,
    async destroy() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ── Temporal dev server ───────────────────────────────────────────────────────────────────────────────────

/**
 * The pid of the `temporal server start-dev` listening on `port` that this process started (Linux: read from
 * /proc), for a test that must SIGKILL the server `startDevServer` runs.
 */
export function devServerPid(port: number): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!args.includes('start-dev')) continue;
      const at = args.indexOf('--port');
      if (at < 0 || args[at + 1] !== String(port)) continue;
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1]);
      if (ppid === process.pid) return Number(entry);
    } catch {
      // the process went away while we looked
    }
  }
  throw new Error(`no Temporal dev server of this process listens on port ${port}`);
}

// ── helpers ───────────────────────────────────────────────────────────────────────────────────────────────

function systemUser(name: string): { uid: number; gid: number } | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [user, , uid, gid] = line.split(':');
      if (user === name && uid && gid) return { uid: Number(uid), gid: Number(gid) };
    }
  } catch {
    // no passwd file
  }
  return undefined;
}

function which(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    if (existsSync(join(dir, binary))) return join(dir, binary);
  }
  return undefined;
}

function runTool(command: string, args: string[], options: SpawnOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output.slice(-3000)}`))));
  });
}
