/** `npm run db:migrate`: applies the checked-in migrations to DATABASE_URL (npm start does this too). */
import { loadEnv } from '../config/env';
import { connectDatabase, migrateDatabase } from '../db/client';

async function main() {
  const env = loadEnv();
  const database = connectDatabase(env.DATABASE_URL, { max: 1 });
  await migrateDatabase(database.db);
  await database.close();
  console.log('migrations applied');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
