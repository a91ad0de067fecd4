/**
 * Test helper, run as a child process: starts the embedded PostgreSQL on DATA_DIR / PORT, prints `ready <url>`,
 * then waits to be killed (the test SIGKILLs it, leaving the server an orphan).
 */
import { startEmbeddedPostgres } from '../../infra/embedded-postgres';

const server = await startEmbeddedPostgres({ dataDir: process.env.DATA_DIR!, port: Number(process.env.PORT) });
console.log(`ready ${server.url}`);
setInterval(() => undefined, 60_000);
