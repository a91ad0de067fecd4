/**
 * `npm run db:migrate`: applies the checked-in migrations to DATABASE_URL, or to the embedded PostgreSQL under
 * DATA_DIR when it is unset (using the running one of an `npm start`, else starting it for the time it takes).
 * npm start does this too.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadEnv } from '../config/env';
import { connectDatabase, migrateDatabase } from '../db/client';
import { progress } from '../infra/progress';
import { explainStartupError } from '../infra/startup-error';
import { openDatabaseServer } from './database';

let databaseUrl: string | undefined;

async function main() {
  const env = loadEnv();
  databaseUrl = env.DATABASE_URL;
  const server = await openDatabaseServer(env, { whenRunning: 'attach', say: (line) => console.error(`  … ${line}`) });
  const database = connectDatabase(server.url, { max: 1 });
  try {
    const total = checkedIn();
    const applied = await appliedCount(database.pool);
    const pending = Math.max(0, total - applied);
    const bar = progress('applying migrations', pending, { unit: 'migrations' });
    await migrateDatabase(database.db);
    bar.set(pending);
    bar.finish();
    console.log(pending ? `${pending} migration(s) applied (${total} in all)` : `nothing to apply: all ${total} migrations were applied before`);
  } finally {
    await database.close();
    await server.stop();
  }
}

/** Migrations checked in (drizzle's journal). */
function checkedIn(): number {
  const journal = fileURLToPath(new URL('../db/migrations/meta/_journal.json', import.meta.url));
  return (JSON.parse(readFileSync(journal, 'utf8')) as { entries: unknown[] }).entries.length;
}

/** Migrations the database has recorded (0 on a new database). */
async function appliedCount(pool: { query(sql: string): Promise<{ rows: { n: number }[] }> }): Promise<number> {
  try {
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
    return rows[0]?.n ?? 0;
  } catch {
    return 0;
  }
}

main().catch((err: unknown) => {
  const line = explainStartupError(err, { databaseUrl });
  console.error(line ? `db:migrate: ${line}` : err);
  process.exit(1);
});
