import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import * as schema from './schema';

export type Db = NodePgDatabase<typeof schema>;
/** A database handle or an open transaction: query functions accept either, so they compose inside a transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  pool: pg.Pool;
  /** Opens the pool's `min` connections now, rather than when a burst first needs them. */
  connect(): Promise<void>;
  close(): Promise<void>;
}

export function connectDatabase(url: string, options: { max?: number; min?: number } = {}): Database {
  // JIT compilation pays off for hour-long analytical scans; for the OMS's queries (reports included) it costs
  // more than it saves: compiling a report's plan took 0.5 s of a 0.8 s answer (bench:reports).
  // `min` connections are kept however long they sit idle: a burst after a quiet spell finds them open.
  const min = options.min ?? 0;
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 20, min, options: '-c jit=off' });
  // A connection PostgreSQL drops (restart, failover) must fail its query, not the process: pg emits 'error'
  // on idle clients through the pool and on checked-out ones (a transaction in progress) on the client itself.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = drizzle({ client: pool, schema, casing: 'snake_case' });
  return {
    db,
    pool,
    async connect() {
      const clients = await Promise.all(Array.from({ length: min }, () => pool.connect()));
      for (const client of clients) client.release();
    },
    close: () => pool.end(),
  };
}

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Applies the checked-in migrations (the same ones in tests and production). */
export async function migrateDatabase(db: Db): Promise<void> {
  await migrate(db, { migrationsFolder });
}
