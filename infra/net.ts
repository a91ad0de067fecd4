import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import pg from 'pg';

/** A TCP port that was free a moment ago, for servers started by tests and benchmarks. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Whether something accepts connections on the port (a server already there, or one not gone yet). */
export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The same PostgreSQL server URL, pointing at another database. */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Runs one statement on its own connection (CREATE / DROP DATABASE for tests and benchmarks). */
export async function adminQuery(url: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

export interface LocalServer {
  /** `http://host:port` (IPv6 hosts in brackets). */
  baseUrl: string;
  /** Stops listening and drops idle keep-alive connections, so the process can exit. */
  close(): Promise<void>;
}

/** Serves a fetch handler (a Hono app) on a local port (0: any free one): the simulators and stand-ins. */
export async function serveLocal(fetch: (request: Request) => Response | Promise<Response>, opts: { hostname?: string | undefined; port?: number | undefined } = {}): Promise<LocalServer> {
  const hostname = opts.hostname ?? '127.0.0.1';
  const { server, port } = await new Promise<{ server: Server; port: number }>((resolve, reject) => {
    const server = serve({ fetch, port: opts.port ?? 0, hostname }, (info: AddressInfo) => resolve({ server, port: info.port })) as Server;
    server.once('error', reject);
  });
  return {
    baseUrl: `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
