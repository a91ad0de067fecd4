/**
 * A production-shaped Temporal server on PostgreSQL: `npm run temporal:server` (= tsx bin/temporal-server.ts).
 *
 * Not the dev server: the real `server` binary (all four services in one process) with PostgreSQL persistence
 * and SQL visibility, several history shards, as a small self-hosted cluster runs. It
 *
 *   1. finds the `server` and `sql` binaries (TEMPORAL_SERVER_PATH / TEMPORAL_SQL_PATH, else GOBIN, GOPATH/bin,
 *      ~/go/bin) and the server module's source (TEMPORAL_SERVER_SOURCE, else GOMODCACHE) for its schema and
 *      config template;
 *   2. creates the databases (TEMPORAL_DB / TEMPORAL_VISIBILITY_DB, default `temporal` / `temporal_visibility`,
 *      on the server of TEMPORAL_DB_URL, default postgres://postgres@127.0.0.1:5432/postgres) and brings their
 *      schemas up to date with `sql --plugin postgres12` (create-database, setup-schema -v 0.0, update-schema);
 *      each step is skipped when already done, so a restart keeps every workflow;
 *   3. writes its config into TEMPORAL_DATA_DIR (default .data/temporal-server) from the module's
 *      `config/development-postgres12.yaml`: TEMPORAL_HISTORY_SHARDS (default 4; fixed once the database
 *      exists), frontend on TEMPORAL_PORT (default 7233; the other services' ports follow it);
 *   4. starts `server --root DIR --config config --env development start` (its log goes to DIR/server.log),
 *      waits for `temporal operator cluster health` to say SERVING, registers the namespace (TEMPORAL_NAMESPACE,
 *      default `default`) and the OMS's search attributes, prints the address, and runs until SIGINT/SIGTERM.
 *
 * Also: TEMPORAL_DB_MAX_CONNS (default 10, the template's 20), TEMPORAL_RETENTION_DAYS of a namespace it
 * registers (default 7), TEMPORAL_LOG_LEVEL (default warn), TEMPORAL_SERVER_VERSION (default 1.29.1).
 * Point the OMS at it with TEMPORAL_ADDRESS, or measure it: `npm run bench:temporal -- --address 127.0.0.1:7233`.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import pg from 'pg';
import { findTemporalCli } from '../temporal/dev-server';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { withDatabase } from '../infra/net';

const SERVER_VERSION = process.env.TEMPORAL_SERVER_VERSION ?? '1.29.1';
const env = {
  dbUrl: process.env.TEMPORAL_DB_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  db: process.env.TEMPORAL_DB ?? 'temporal',
  visibilityDb: process.env.TEMPORAL_VISIBILITY_DB ?? 'temporal_visibility',
  shards: Number(process.env.TEMPORAL_HISTORY_SHARDS ?? 4),
  port: Number(process.env.TEMPORAL_PORT ?? 7233),
  dataDir: resolve(process.env.TEMPORAL_DATA_DIR ?? '.data/temporal-server'),
  namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
  retentionDays: Number(process.env.TEMPORAL_RETENTION_DAYS ?? 7),
  /** Per store and service (each service opens its own pool): a few times this of PostgreSQL's connections. */
  maxConns: Number(process.env.TEMPORAL_DB_MAX_CONNS ?? 10),
  logLevel: process.env.TEMPORAL_LOG_LEVEL ?? 'warn',
};
const log = (line: string) => console.log(`[temporal-server] ${line}`);
let server: ChildProcess | undefined;

async function main() {
  if (!Number.isInteger(env.shards) || env.shards < 1) throw new Error(`TEMPORAL_HISTORY_SHARDS must be a positive integer, not ${env.shards}`);
  if (!Number.isInteger(env.port) || env.port < 1024 || env.port > 65000) throw new Error(`TEMPORAL_PORT out of range: ${env.port}`);

  // ── 1. Binaries and the module source ─────────────────────────────────────────────────────────────────
  const serverBin = findBinary(process.env.TEMPORAL_SERVER_PATH, 'server');
  const sqlBin = findBinary(process.env.TEMPORAL_SQL_PATH, 'sql');
  const source = process.env.TEMPORAL_SERVER_SOURCE ?? join(goEnv('GOMODCACHE') ?? join(homedir(), 'go', 'pkg', 'mod'), `go.temporal.io/server@v${SERVER_VERSION}`);
  const missing = [
    !serverBin && [`go install go.temporal.io/server/cmd/server@v${SERVER_VERSION}`, 'or set TEMPORAL_SERVER_PATH'],
    !sqlBin && [`go install go.temporal.io/server/cmd/tools/sql@v${SERVER_VERSION}`, 'or set TEMPORAL_SQL_PATH'],
    !existsSync(join(source, 'schema')) && [`go mod download go.temporal.io/server@v${SERVER_VERSION}`, `or set TEMPORAL_SERVER_SOURCE; looked in ${source}`],
  ]
    .filter((line): line is string[] => Array.isArray(line))
    .map(([command, alternative]) => `  ${command!.padEnd(58)} (${alternative})`);
  if (missing.length || !serverBin || !sqlBin) {
    throw new Error(`the Temporal server ${SERVER_VERSION} is not installed here; run:\n${missing.join('\n')}`);
  }
  log(`server ${serverBin}, sql ${sqlBin}, schema and config template from ${source}`);

  // ── 2. Databases and schemas ─────────────────────────────────────────────────────────────────────────
  const url = new URL(env.dbUrl);
  const dbHost = url.hostname || '127.0.0.1';
  const dbPort = url.port || '5432';
  const dbUser = decodeURIComponent(url.username || 'postgres');
  const dbPassword = decodeURIComponent(url.password);
  const sql = (database: string, ...args: string[]) => {
    const out = spawnSync(sqlBin, ['--plugin', 'postgres12', '--ep', dbHost, '-p', dbPort, '-u', dbUser, ...(dbPassword ? ['--pw', dbPassword] : []), '--db', database, ...args], {
      encoding: 'utf8',
    });
    if (out.status !== 0) throw new Error(`sql ${args.join(' ')} on ${database} failed:\n${out.stdout}${out.stderr}`);
  };
  for (const [database, schema] of [
    [env.db, 'temporal'],
    [env.visibilityDb, 'visibility'],
  ] as const) {
    if (!(await query(env.dbUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [database])).length) {
      log(`creating database ${database}`);
      sql(database, 'create-database', '--defaultdb', url.pathname.slice(1) || 'postgres');
    }
    const dbUrl = withDatabase(env.dbUrl, database);
    if (!(await query(dbUrl, "SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_version'")).length) {
      log(`setting up the schema of ${database}`);
      sql(database, 'setup-schema', '-v', '0.0');
    }
    // Applies only the versions the database lacks: a no-op when it is up to date.
    sql(database, 'update-schema', '-d', join(source, 'schema/postgresql/v12', schema, 'versioned'));
    const [version] = await query(dbUrl, 'SELECT curr_version FROM schema_version');
    log(`${database}: schema ${version?.curr_version ?? '?'}`);
  }

  // ── 3. Config ─────────────────────────────────────────────────────────────────────────────────────────
  const configDir = join(env.dataDir, 'config');
  mkdirSync(join(configDir, 'dynamicconfig'), { recursive: true });
  const dynamicConfigPath = join(configDir, 'dynamicconfig', 'development-sql.yaml');
  writeFileSync(dynamicConfigPath, readFileSync(join(source, 'config/dynamicconfig/development-sql.yaml'), 'utf8'));
  const template = readFileSync(join(source, 'config/development-postgres12.yaml'), 'utf8');
  writeFileSync(join(configDir, 'development.yaml'), configFrom(template, { dbHost, dbPort, dbUser, dbPassword, dynamicConfigPath }));

  // ── 4. Run ────────────────────────────────────────────────────────────────────────────────────────────
  const address = `127.0.0.1:${env.port}`;
  const logPath = join(env.dataDir, 'server.log');
  const serverLog = createWriteStream(logPath, { flags: 'a' });
  // Its own process group: a Ctrl-C reaches this script, which stops the server in order.
  const child = spawn(serverBin, ['--root', env.dataDir, '--config', 'config', '--env', 'development', '--allow-no-auth', 'start'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  server = child;
  process.on('exit', () => void (child.exitCode === null && child.kill('SIGKILL')));
  child.stdout.pipe(serverLog);
  child.stderr.pipe(serverLog);
  const exited = new Promise<number | null>((done) => child.once('exit', done));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping the server`);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  void exited.then((code) => {
    if (stopping) return;
    console.error(`[temporal-server] the server exited (${code}); last lines of ${logPath}:\n${tail(logPath)}`);
    process.exit(1);
  });

  log(`starting on ${address} (${env.shards} history shards; log ${logPath})`);
  await waitServing(address, logPath);
  const connection = await Connection.connect({ address });
  await ensureNamespace(connection);
  const added = await retry(() => ensureSearchAttributes(connection, env.namespace), 60_000);
  if (added.length) log(`search attributes registered: ${added.join(', ')}`);
  await connection.close();

  console.log(`
  Temporal (PostgreSQL)  ${address}   namespace ${env.namespace}, ${env.shards} history shards
  Databases              ${env.db}, ${env.visibilityDb} on ${dbHost}:${dbPort}
  Data dir               ${env.dataDir}   (config, server.log)
  Metrics                http://127.0.0.1:${env.port + 767}/metrics

  TEMPORAL_ADDRESS=${address} npm start        # the OMS on it
  npm run bench:temporal -- --address ${address} --workers 1
  Ctrl-C stops the server; the databases keep every workflow.
`);
}

/** The module's PostgreSQL development config, pointed at our database, ports, shards and data dir. */
function configFrom(
  template: string,
  db: { dbHost: string; dbPort: string; dbUser: string; dbPassword: string; dynamicConfigPath: string },
): string {
  let text = template;
  const replace = (pattern: RegExp, replacement: string | ((...m: string[]) => string), expected: number) => {
    const count = text.match(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`))?.length ?? 0;
    if (count !== expected) throw new Error(`config template changed: ${pattern} matched ${count} times, expected ${expected}`);
    text = text.replace(pattern, replacement as string);
  };
  const quoted = (value: string) => JSON.stringify(value);
  replace(/^(\s*level:) \w+$/m, `$1 ${env.logLevel}`, 1);
  replace(/numHistoryShards: \d+/, `numHistoryShards: ${env.shards}`, 1);
  replace(/databaseName: "temporal"/, `databaseName: ${quoted(env.db)}`, 1);
  replace(/databaseName: "temporal_visibility"/, `databaseName: ${quoted(env.visibilityDb)}`, 1);
  replace(/connectAddr: "[^"]*"/g, `connectAddr: ${quoted(`${db.dbHost}:${db.dbPort}`)}`, 2);
  replace(/user: "temporal"/g, `user: ${quoted(db.dbUser)}`, 2);
  replace(/password: "temporal"/g, `password: ${quoted(db.dbPassword)}`, 2);
  replace(/(maxConns|maxIdleConns): 20/g, `$1: ${env.maxConns}`, 2);
  // The frontend on our port, every other service port moved with it (one pass: no value is moved twice).
  replace(/(grpcPort|httpPort): (\d+)/g, (_m, key, port) => `${key}: ${Number(port) - 7233 + env.port}`, 5);
  replace(/membershipPort: (\d+)/g, (_m, port) => `membershipPort: ${Number(port) - 6933 + env.port - 300}`, 4);
  replace(/rpcAddress: "[^"]*"/, `rpcAddress: "127.0.0.1:${env.port}"`, 1);
  replace(/(pprof:\s*\n\s*port:) \d+/, '$1 0', 1);
  replace(/listenAddress: "[^"]*"/, `listenAddress: "127.0.0.1:${env.port + 767}"`, 1);
  replace(/filepath: "[^"]*"/, `filepath: ${quoted(db.dynamicConfigPath)}`, 1);
  return `# Written by bin/temporal-server.ts from go.temporal.io/server@v${SERVER_VERSION} config/development-postgres12.yaml\n${text}`;
}

async function waitServing(address: string, logPath: string): Promise<void> {
  const cli = findTemporalCli(process.env.TEMPORAL_CLI_PATH);
  const healthy = async () => {
    if (cli) {
      const out = spawnSync(cli, ['operator', 'cluster', 'health', '--address', address], { encoding: 'utf8', timeout: 10_000 });
      return out.status === 0 && out.stdout.includes('SERVING') && !out.stdout.includes('NOT_SERVING');
    }
    const connection = await Connection.connect({ address, connectTimeout: 2_000 });
    try {
      const res = await connection.healthService.check({});
      return res.status === 1; // SERVING
    } finally {
      await connection.close();
    }
  };
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (await healthy().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`the server was not SERVING on ${address} within 180 s; see ${logPath}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The real server creates no user namespace: register it once (its retention applies to closed workflows). */
async function ensureNamespace(connection: Connection): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace: env.namespace });
    return;
  } catch (err) {
    if ((err as { code?: number }).code !== 5) throw err; // gRPC NOT_FOUND
  }
  log(`registering namespace ${env.namespace} (retention ${env.retentionDays} days)`);
  await connection.workflowService.registerNamespace({
    namespace: env.namespace,
    workflowExecutionRetentionPeriod: msToTs(env.retentionDays * 86_400_000),
  });
  // A new namespace reaches every service's namespace cache within ~10 s.
  await retry(() => connection.workflowService.describeNamespace({ namespace: env.namespace }), 60_000);
}

async function retry<T>(fn: () => Promise<T>, withinMs: number): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

function findBinary(explicit: string | undefined, name: string): string | undefined {
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  const dirs = [process.env.GOBIN, goEnv('GOPATH') && join(goEnv('GOPATH')!.split(delimiter)[0]!, 'bin'), join(homedir(), 'go', 'bin')];
  for (const dir of dirs) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

const goEnvCache = new Map<string, string | undefined>();
function goEnv(key: string): string | undefined {
  if (!goEnvCache.has(key)) {
    let value = process.env[key];
    if (!value) {
      try {
        value = execFileSync('go', ['env', key], { encoding: 'utf8' }).trim() || undefined;
      } catch {
        value = undefined; // no Go toolchain: the defaults under ~/go apply
      }
    }
    goEnvCache.set(key, value);
  }
  return goEnvCache.get(key);
}

async function query(url: string, text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

main().catch((err: unknown) => {
  console.error(`[temporal-server] ${err instanceof Error ? err.message : String(err)}`);
  server?.kill('SIGKILL');
  process.exit(1);
});
