import { portOpen } from './net';

/**
 * A start-up failure a person can act on: one line saying what went wrong and what to do about it. `bin/`
 * scripts print it without a stack trace; anything else still prints its stack (that one is a bug).
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
  constructor(
    /** What went wrong, e.g. `port 3000 is in use`. */
    readonly problem: string,
    /** What to do, e.g. `stop the other process or set PORT=3001`. */
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(`${problem}: ${fix}`, options);
  }
}

/**
 * The one line to print for a start-up failure: a StartupError as it is; the usual suspects (a port taken, a
 * PostgreSQL refusing the connection, a database that does not exist, a wrong password) turned into one; else
 * undefined (print the stack).
 */
export function explainStartupError(err: unknown, context: { databaseUrl?: string | undefined } = {}): string | undefined {
  // Wrapped errors (a failed query names its connection error as the cause) are explained by their cause.
  for (let cause = err, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const line = explainOne(cause, context);
    if (line) return line;
  }
  return undefined;
}

function explainOne(err: unknown, context: { databaseUrl?: string | undefined }): string | undefined {
  if (err instanceof StartupError) return err.message;
  const e = err as { code?: unknown; message?: unknown; address?: unknown; port?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const where = context.databaseUrl ? describeDatabase(context.databaseUrl) : 'PostgreSQL';
  const configured = context.databaseUrl !== undefined;
  switch (code) {
    case 'EADDRINUSE':
      return `port ${String(e?.port ?? '')} is in use: stop the process using it, or choose another port (PORT, TEMPORAL_DEV_PORT, TEMPORAL_UI_PORT, EMBEDDED_POSTGRES_PORT)`;
    case 'ECONNREFUSED':
      return `${where} refused the connection (${String(e?.address ?? '')}:${String(e?.port ?? '')}): start that server${configured ? ', or unset DATABASE_URL to let npm start run its own PostgreSQL' : ''}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${where}: host not found: check the host name in DATABASE_URL`;
    case '3D000': // invalid_catalog_name
      return `${where}: ${String(e?.message)}: create it (createdb), or point DATABASE_URL at an existing database`;
    case '28P01': // invalid_password
    case '28000': // invalid_authorization_specification
      return `${where} refused the login (${String(e?.message)}): check the user and password in DATABASE_URL`;
    case '57P03': // cannot_connect_now (starting up / shutting down)
      return `${where} is starting up or shutting down: wait a moment and start again`;
    default:
      return undefined;
  }
}

/** `postgres://user@host:port/db` with the password left out, for messages. */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    return `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL is not a URL)';
  }
}

/** Refuses to start when something already listens on a port this process is about to open. */
export async function assertPortFree(port: number, variable: string, what: string): Promise<void> {
  if (!(await portOpen(port))) return;
  throw new StartupError(`port ${port} (${what}) is in use`, `stop what listens there (another npm start?), or set ${variable} to a free port`);
}


