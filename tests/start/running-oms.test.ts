import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runningOms } from '../../bin/running-oms';
import { StartupError } from '../../infra/startup-error';

describe('finding the OMS that npm start runs here (npm run demo, npm run simulate:browsing)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'oms-running-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('takes the port from PORT and the admin key start-up wrote under DATA_DIR', () => {
    writeFileSync(join(dataDir, 'admin-api-key'), 'oms_admin_from_file\n');
    expect(runningOms({}, { PORT: '3900', DATA_DIR: dataDir })).toEqual({
      apiUrl: 'http://127.0.0.1:3900',
      adminKey: 'oms_admin_from_file',
      keyFile: join(dataDir, 'admin-api-key'),
    });
  });

  it('prefers what it is given, then ADMIN_API_KEY, over the file', () => {
    expect(runningOms({ url: 'http://oms.example:8080/', key: 'given' }, { DATA_DIR: dataDir })).toMatchObject({ apiUrl: 'http://oms.example:8080', adminKey: 'given' });
    expect(runningOms({}, { DATA_DIR: dataDir, ADMIN_API_KEY: 'oms_admin_from_env_0123456789' })).toMatchObject({ adminKey: 'oms_admin_from_env_0123456789' });
  });

  it('without a key anywhere, says to start the OMS first in one line', () => {
    const empty = mkdtempSync(join(tmpdir(), 'oms-running-empty-'));
    try {
      expect(() => runningOms({}, { DATA_DIR: empty })).toThrow(StartupError);
      expect(() => runningOms({}, { DATA_DIR: empty })).toThrow(/no admin key: .*admin-api-key does not exist/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
