/**
 * Runs a carrier simulator on a real port, for tests (port 0) and for `npm start` in development.
 */
import { serveLocal } from '../../infra/net';
import type { Hono } from 'hono';
import type { SimulatorEngine } from './engine';
import { createJdSimulator, type JdSimulatorOptions } from './jd';
import { createSfSimulator, type SfSimulatorOptions } from './sf';

export interface ListenOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the simulator has unauthenticated debug routes. */
  hostname?: string;
}

export interface RunningSimulator {
  /** Give this to the client as `baseUrl`. */
  baseUrl: string;
  sim: SimulatorEngine;
  /** Stops the push timer and the HTTP server. */
  close(): Promise<void>;
}

export function startCarrierSimulator(carrier: 'sf', opts: SfSimulatorOptions & ListenOptions): Promise<RunningSimulator>;
export function startCarrierSimulator(carrier: 'jd', opts: JdSimulatorOptions & ListenOptions): Promise<RunningSimulator>;
export async function startCarrierSimulator(
  carrier: 'sf' | 'jd',
  opts: (SfSimulatorOptions | JdSimulatorOptions) & ListenOptions,
): Promise<RunningSimulator> {
  const { app, sim }: { app: Hono; sim: SimulatorEngine } =
    carrier === 'sf' ? createSfSimulator(opts as SfSimulatorOptions) : createJdSimulator(opts as JdSimulatorOptions);
  const server = await serveLocal(app.fetch, opts);
  sim.start();
  return {
    baseUrl: server.baseUrl,
    sim,
    close: async () => {
      sim.stop();
      await server.close();
    },
  };
}

export { createSfSimulator, type SfSimulatorOptions, type SfSimulator, SF_SIM_ERRORS } from './sf';
export { createJdSimulator, type JdSimulatorOptions, type JdSimulator } from './jd';
export {
  SimulatorEngine,
  routeOf,
  type Direction,
  type PushResult,
  type SimEvent,
  type SimLogger,
  type SimulatorOptions,
  type Timing,
  type WaybillView,
} from './engine';
