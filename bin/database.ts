/**
 * The PostgreSQL the process uses: DATABASE_URL when set; otherwise the embedded server (infra/embedded-postgres.ts)
 * with its data under DATA_DIR, started here and stopped with the process.
 */
import type { Env } from '../config/env';
import pg from 'pg';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';

export interface DatabaseServer {
  url: string;
  /** For the start-up banner: where it runs and where its data lives. */
  description: string;
  stop(): Promise<void>;
}

export async function openDatabaseServer(
  env: Env,
  opts: { whenRunning?: 'own' | 'attach'; say?: (line: string) => void } = {},
): Promise<DatabaseServer> {
  if (env.DATABASE_URL) {
    await checkConnection(env.DATABASE_URL); // before anything else starts: a refusal is reported at once
    const u = new URL(env.DATABASE_URL);
    return { url: env.DATABASE_URL, description: `${u.hostname}:${u.port || '5432'}${u.pathname}   (DATABASE_URL)`, stop: async () => undefined };
  }
  opts.say?.(`the embedded PostgreSQL: 127.0.0.1:${env.EMBEDDED_POSTGRES_PORT}, data in ${env.DATA_DIR}/postgres`);
  const server = await startEmbeddedPostgres({
    dataDir: env.DATA_DIR,
    port: env.EMBEDDED_POSTGRES_PORT,
    ...(opts.whenRunning ? { whenRunning: opts.whenRunning } : {}),
    ...(opts.say ? { say: opts.say } : {}),
  });
  const shown = new URL(server.url);
  shown.password = '';
  return {
    url: server.url,
    description: `${shown.toString()}   embedded, data ${server.clusterDir} (password in ${env.DATA_DIR}/postgres-password, log ${server.logFile})`,
    stop: server.stop,
  };
}

async function checkConnection(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}
