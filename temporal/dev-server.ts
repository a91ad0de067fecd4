import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { SEARCH_ATTRIBUTES } from '../workflows/contract';

const SA_TYPE_NAMES: Record<string, string> = {
  KEYWORD: 'Keyword',
  TEXT: 'Text',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** `Name=Type` flags for `temporal server start-dev --search-attribute`. */
export const searchAttributeFlags = () =>
  SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${SA_TYPE_NAMES[key.type]}`]);

/** The Temporal CLI: `TEMPORAL_CLI_PATH`, then `temporal` on PATH, then where `go install` puts it. */
export function findTemporalCli(explicit?: string): string | undefined {
  if (explicit) return explicit;
  const pathDirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const goBins = [process.env.GOBIN, process.env.GOPATH && join(process.env.GOPATH, 'bin'), join(homedir(), 'go', 'bin')];
  for (const dir of [...pathDirs, ...goBins]) {
    if (dir && existsSync(join(dir, 'temporal'))) return join(dir, 'temporal');
  }
  return undefined;
}

/**
 * Pragmas of the file-backed dev server. SQLite's defaults (a rollback journal, synchronous=FULL) fsync
 * several times per transaction; WAL with synchronous=NORMAL fsyncs only at checkpoints and keeps the file
 * server close to an in-memory one (see BENCHMARKS.md, "Temporal ceiling"). Safe against a crash of the
 * process; a power loss may lose the last transactions, never corrupt the file.
 */
export const SQLITE_PRAGMAS: readonly string[] = ['journal_mode=wal', 'synchronous=normal'];

/** `--sqlite-pragma` flags for `temporal server start-dev --db-filename` (also for the SDK's `extraArgs`). */
export const sqlitePragmaFlags = (pragmas: readonly string[] = SQLITE_PRAGMAS) => pragmas.flatMap((pragma) => ['--sqlite-pragma', pragma]);

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  cliPath: string;
  port: number;
  uiPort?: number | undefined;
  /** Persist to this SQLite file so workflows survive a restart; in memory when omitted. */
  dbFilename?: string | undefined;
  /** `PRAGMA=VALUE` for the SQLite file (`--sqlite-pragma`); default SQLITE_PRAGMAS, `[]` for SQLite's own. */
  sqlitePragmas?: readonly string[];
  namespace?: string;
  log?: (line: string) => void;
}

/** Starts `temporal server start-dev` and resolves once its frontend accepts connections. */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--namespace',
    opts.namespace ?? 'default',
    '--log-level',
    'warn',
    ...(opts.uiPort ? ['--ui-port', String(opts.uiPort)] : ['--headless']),
    ...(opts.dbFilename ? ['--db-filename', opts.dbFilename] : []),
    ...(opts.dbFilename ? sqlitePragmaFlags(opts.sqlitePragmas) : []),
    ...searchAttributeFlags(),
  ];
  const child = spawn(opts.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
    opts.log?.(chunk.toString());
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const address = `127.0.0.1:${opts.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`temporal dev server exited (${child.exitCode}):\n${output}`);
    if (await portOpen(opts.port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`temporal dev server did not open port ${opts.port} within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    address,
    uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
