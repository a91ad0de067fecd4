/**
 * Starts what the integration tests share, once per run: a fresh PostgreSQL database with the project's
 * migrations, a real Temporal dev server (or the one at TEMPORAL_ADDRESS) with our search attributes, and
 * the workflow bundle. Each test file then runs its own worker on its own task queue.
 */
import { Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { connectDatabase, migrateDatabase } from '../../db/client';
import { freePort, withDatabase } from '../../infra/net';
import { findTemporalCli, startDevServer, type DevServer } from '../../temporal/dev-server';
import { ensureSearchAttributes } from '../../temporal/search-attributes';
import { workflowsPath } from '../../temporal/worker';
import { quietBundlerLogger } from '../../temporal/worker';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject) {
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const dbName = `oms_test_${Date.now().toString(36)}_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const databaseUrl = withDatabase(serverUrl, dbName);
  const database = connectDatabase(databaseUrl, { max: 2 });
  await migrateDatabase(database.db);
  await database.close();

  let server: DevServer | undefined;
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const cliPath = findTemporalCli(process.env.TEMPORAL_CLI_PATH);
    if (!cliPath) throw new Error('Temporal CLI not found: set TEMPORAL_CLI_PATH or TEMPORAL_ADDRESS (see README)');
    server = await startDevServer({ cliPath, port: await freePort() });
    temporalAddress = server.address;
  }
  const connection = await Connection.connect({ address: temporalAddress });
  await ensureSearchAttributes(connection, 'default');
  await connection.close();

  const bundleDir = mkdtempSync(join(tmpdir(), 'oms-bundle-'));
  const workflowBundlePath = join(bundleDir, 'workflows.js');
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
  writeFileSync(workflowBundlePath, code);

  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  project.provide('temporalAddress', temporalAddress);
  project.provide('workflowBundlePath', workflowBundlePath);

  return async () => {
    await server?.stop();
    rmSync(bundleDir, { recursive: true, force: true });
    const cleanup = new pg.Client({ connectionString: serverUrl });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await cleanup.end();
  };
}
