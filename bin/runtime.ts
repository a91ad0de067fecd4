/**
 * Builders for the real dependencies, from the parsed environment. Only `bin/` reads the environment.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { join } from 'node:path';
import { createCarriers, type Carriers, type CarriersConfig } from '../carriers';
import { startCarrierSimulator, type RunningSimulator } from '../carriers/simulators';
import type { Env } from '../config/env';
import type { Logger } from '../infra/logger';
import { createAlibaba1688Client, type Alibaba1688Client } from '../purchasing/alibaba1688';
import { startPurchaseSimulator, type RunningPurchaseSimulator } from '../purchasing/simulator';
import { findTemporalCli, searchAttributeFlags, sqlitePragmaFlags, startDevServer, type DevServer } from '../temporal/dev-server';
import type { OrderTimings } from '../workflows/contract';

export function timingsFrom(env: Env): OrderTimings {
  return {
    paymentTimeoutMs: env.PAYMENT_TIMEOUT,
    afterSaleWindowMs: env.AFTER_SALE_WINDOW,
    returnWatchTimeoutMs: env.RETURN_WATCH_TIMEOUT,
    trackingIntervalMs: env.TRACKING_INTERVAL,
    returnTrackingIntervalMs: env.RETURN_TRACKING_INTERVAL,
    dedupWindowMs: env.DEDUP_WINDOW,
    shipmentMergeWindowMs: env.SHIPMENT_MERGE_WINDOW,
    transferEtaMs: env.TRANSFER_ETA,
    transferGraceMs: env.TRANSFER_GRACE,
  };
}

/**
 * The Temporal server: `TEMPORAL_ADDRESS` when set; otherwise a dev server persisting to the data directory,
 * from the CLI on this machine or, failing that, the SDK's own download.
 */
export async function startTemporal(env: Env, logger: Logger): Promise<DevServer> {
  if (env.TEMPORAL_ADDRESS) return { address: env.TEMPORAL_ADDRESS, uiUrl: env.TEMPORAL_UI_URL, stop: async () => undefined };
  const dbFilename = join(env.DATA_DIR, 'temporal.sqlite');
  const cliPath = findTemporalCli(env.TEMPORAL_CLI_PATH);
  if (cliPath) {
    logger.info({ cliPath, dbFilename }, 'starting the Temporal dev server');
    return startDevServer({ cliPath, port: env.TEMPORAL_DEV_PORT, uiPort: env.TEMPORAL_UI_PORT, dbFilename, namespace: env.TEMPORAL_NAMESPACE });
  }
  logger.info('no Temporal CLI found; downloading the dev server through the SDK');
  const testEnv = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: '127.0.0.1',
      port: env.TEMPORAL_DEV_PORT,
      ui: true,
      uiPort: env.TEMPORAL_UI_PORT,
      dbFilename,
      namespace: env.TEMPORAL_NAMESPACE,
      extraArgs: [...searchAttributeFlags(), ...sqlitePragmaFlags()],
    },
  });
  return {
    address: testEnv.address,
    uiUrl: `http://127.0.0.1:${env.TEMPORAL_UI_PORT}`,
    stop: () => testEnv.teardown(),
  };
}

/** Credentials the built-in simulators accept; the API needs them to verify the simulators' pushes. */
const SIM = {
  sf: { partnerId: 'OMS_SIM', checkword: 'oms-sim-checkword' },
  jd: { appKey: 'oms-sim', appSecret: 'oms-sim-secret', accessToken: 'oms-sim-token', customerCode: 'OMS_SIM' },
};

/**
 * Carrier clients from SF_* / JD_* variables. With none set, the built-in simulators serve: the worker runs
 * them (on local ports, state in the data directory) and the API verifies their pushes with the same keys.
 */
export async function buildCarriers(
  env: Env,
  opts: { runSimulators: boolean; callbackBase: string },
): Promise<{ carriers: Carriers; simulators: RunningSimulator[] }> {
  const real: Partial<CarriersConfig> = {
    ...(env.SF_PARTNER_ID && env.SF_CHECKWORD ? { sf: { partnerId: env.SF_PARTNER_ID, checkword: env.SF_CHECKWORD, ...(env.SF_BASE_URL ? { baseUrl: env.SF_BASE_URL } : {}) } } : {}),
    ...(env.JD_APP_KEY && env.JD_APP_SECRET && env.JD_ACCESS_TOKEN && env.JD_CUSTOMER_CODE
      ? {
          jd: {
            appKey: env.JD_APP_KEY,
            appSecret: env.JD_APP_SECRET,
            accessToken: env.JD_ACCESS_TOKEN,
            customerCode: env.JD_CUSTOMER_CODE,
            ...(env.JD_BASE_URL ? { baseUrl: env.JD_BASE_URL } : {}),
          },
        }
      : {}),
  };
  if (real.sf || real.jd) {
    return { carriers: createCarriers({ defaultCarrier: env.DEFAULT_CARRIER, ...real }), simulators: [] };
  }
  const simulators: RunningSimulator[] = [];
  let sfUrl = 'http://127.0.0.1:0';
  let jdUrl = 'http://127.0.0.1:0';
  if (opts.runSimulators) {
    const timing = { pickupAfterMs: env.SIM_PICKUP_DELAY, deliverAfterMs: env.SIM_DELIVERY_DELAY };
    const sf = await startCarrierSimulator('sf', {
      ...SIM.sf,
      ...timing,
      stateFile: join(env.DATA_DIR, 'sim-sf.json'),
      callbackUrl: `${opts.callbackBase}/v1/webhooks/carriers/sf`,
    });
    const jd = await startCarrierSimulator('jd', {
      ...SIM.jd,
      ...timing,
      stateFile: join(env.DATA_DIR, 'sim-jd.json'),
      callbackUrl: `${opts.callbackBase}/v1/webhooks/carriers/jd`,
    });
    simulators.push(sf, jd);
    sfUrl = sf.baseUrl;
    jdUrl = jd.baseUrl;
  }
  const carriers = createCarriers({
    defaultCarrier: env.DEFAULT_CARRIER,
    sf: { ...SIM.sf, baseUrl: sfUrl },
    jd: { ...SIM.jd, baseUrl: jdUrl },
  });
  return { carriers, simulators };
}

/** Credentials the built-in 1688 simulator accepts. */
const SIM_1688 = { appKey: 'oms-sim-1688', appSecret: 'oms-sim-1688-secret', accessToken: 'oms-sim-1688-token' };

/**
 * The 1688 purchasing client from ALIBABA_1688_* variables (key, secret and token all set; the base URL is
 * optional). With none set, the worker runs the built-in 1688 simulator on a local port. A partial
 * configuration is refused rather than silently simulated.
 */
export async function buildPurchasing(
  env: Env,
  opts: { runSimulator: boolean },
): Promise<{ purchasing: Alibaba1688Client | undefined; simulator: RunningPurchaseSimulator | undefined }> {
  const { ALIBABA_1688_APP_KEY: appKey, ALIBABA_1688_APP_SECRET: appSecret, ALIBABA_1688_ACCESS_TOKEN: accessToken } = env;
  if (appKey && appSecret && accessToken) {
    const baseUrl = env.ALIBABA_1688_BASE_URL;
    return { purchasing: createAlibaba1688Client({ appKey, appSecret, accessToken, ...(baseUrl ? { baseUrl } : {}) }), simulator: undefined };
  }
  if (appKey || appSecret || accessToken) {
    throw new Error('set all of ALIBABA_1688_APP_KEY, ALIBABA_1688_APP_SECRET and ALIBABA_1688_ACCESS_TOKEN, or none (simulator)');
  }
  if (!opts.runSimulator) return { purchasing: undefined, simulator: undefined };
  const simulator = await startPurchaseSimulator(SIM_1688);
  return { purchasing: createAlibaba1688Client({ ...SIM_1688, baseUrl: simulator.baseUrl }), simulator };
}
