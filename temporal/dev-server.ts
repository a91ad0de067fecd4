import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { portOpen } from '../infra/net';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { orphaned, pidAlive, processInfo, stopPid } from '../infra/processes';
import { StartupError } from '../infra/startup-error';
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

/** The CLI release the project is tested with (`go install github.com/temporalio/cli/cmd/temporal@…`). */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

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
  if (opts.dbFilename) await stopOrphanedDevServer(opts.dbFilename);
  const child = spawn(opts.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // Remembered beside its database, so a start after a `kill -9` of this process finds the server it left behind.
  if (opts.dbFilename && child.pid) writeFileSync(devServerPidFile(opts.dbFilename), `${child.pid}\n`);
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
    opts.log?.(chunk.toString());
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let spawnError: NodeJS.ErrnoException | undefined;
  child.once('error', (err) => (spawnError = err));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', resolve);
    child.once('error', () => resolve(null));
  });

  const address = `127.0.0.1:${opts.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (spawnError) {
      throw new StartupError(`the Temporal CLI at ${opts.cliPath} cannot be run (${spawnError.code ?? spawnError.message})`, installHint);
    }
    if (child.exitCode !== null) throw devServerExit(opts, child.exitCode, output);
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
    stop: async () => {
      await stopChild(child, exited);
      if (opts.dbFilename) rmSync(devServerPidFile(opts.dbFilename), { force: true });
    },
  };
}

const devServerPidFile = (dbFilename: string) => `${dbFilename}.pid`;

/**
 * A dev server on this database left running by a process that was killed (`kill -9` of the Node process only):
 * stopped (SIGTERM, its data is safe) before a new one starts. One whose parent still runs belongs to another
 * process on the same data directory: refused.
 */
export async function stopOrphanedDevServer(dbFilename: string, say?: (line: string) => void): Promise<void> {
  const file = devServerPidFile(dbFilename);
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, 'utf8').trim());
  const info = pidAlive(pid) ? processInfo(pid) : undefined;
  if (!info || !info.command.includes('start-dev') || !info.command.includes(dbFilename)) {
    rmSync(file, { force: true });
    return;
  }
  if (!orphaned(pid)) {
    throw new StartupError(`another process (pid ${info.ppid}) is running the Temporal dev server of ${dbFilename}`, 'stop that npm start first, or give this one another DATA_DIR');
  }
  say?.(`stopping the Temporal dev server (pid ${pid}) an earlier npm start left running`);
  await stopPid(pid, 'SIGTERM', 15_000);
  rmSync(file, { force: true });
}

const installHint = `install the Temporal CLI ${TEMPORAL_CLI_VERSION} (go install github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}) and put it on PATH or in TEMPORAL_CLI_PATH, or set TEMPORAL_ADDRESS to a running server`;

/** Why `temporal server start-dev` exited at once, in one line when the cause is a known one. */
function devServerExit(opts: DevServerOptions, code: number, output: string): Error {
  if (/unknown (flag|command|shorthand)|flag provided but not defined|invalid argument/i.test(output)) {
    const line = output.split('\n').find((l) => /unknown|not defined|invalid/i.test(l))?.trim().slice(0, 160);
    return new StartupError(`the Temporal CLI at ${opts.cliPath} is not the version this project needs (${line})`, installHint);
  }
  if (/address already in use|bind: /i.test(output)) {
    return new StartupError(`the Temporal dev server could not open its ports (${opts.port}${opts.uiPort ? `, ${opts.uiPort}` : ''}): one is in use`, 'stop what listens there, or set TEMPORAL_DEV_PORT / TEMPORAL_UI_PORT to free ports');
  }
  if (/database is locked|unable to open database|SQLITE_/i.test(output)) {
    return new StartupError(`the Temporal dev server could not open ${opts.dbFilename ?? 'its database'} (another npm start on the same DATA_DIR?)`, 'stop the other process, or use another DATA_DIR');
  }
  const last = output.split('\n').map((l) => l.trim()).filter(Boolean).at(-1)?.slice(0, 160) ?? 'no output';
  return new StartupError(`the Temporal CLI at ${opts.cliPath} exited at once (code ${code}: ${last})`, installHint);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}


