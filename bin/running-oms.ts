/**
 * Where the OMS that `npm start` runs on this machine answers, and its admin key: the tools that drive a running
 * OMS (`npm run demo`, `npm run simulate:browsing`) find both the way start-up made them — the port from `PORT`,
 * the key from `ADMIN_API_KEY` or the file start-up wrote under `DATA_DIR` — unless told otherwise.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnv } from '../config/env';
import { StartupError } from '../infra/startup-error';

export interface RunningOms {
  apiUrl: string;
  adminKey: string;
  /** Where the admin key is kept when start-up made it. */
  keyFile: string;
}

export function runningOms(given: { url?: string | undefined; key?: string | undefined }, source: NodeJS.ProcessEnv = process.env): RunningOms {
  const env = loadEnv(source);
  const keyFile = join(env.DATA_DIR, 'admin-api-key');
  return {
    apiUrl: (given.url ?? `http://127.0.0.1:${env.PORT}`).replace(/\/$/, ''),
    adminKey: given.key ?? env.ADMIN_API_KEY ?? readKey(keyFile),
    keyFile,
  };
}

function readKey(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new StartupError(`no admin key: ${file} does not exist`, 'start the OMS first (npm start) with the same DATA_DIR, or pass --key / set ADMIN_API_KEY');
  }
}
