/**
 * Entry point for the rest of the OMS: build the configured carrier clients, and get the push handling
 * (verify / parse / ack) for `POST /v1/webhooks/carriers/:carrier`.
 */
import { z } from 'zod';
import type { HttpOptions } from './http';
import { createJdClient, jdPush, type JdConfig } from './jd';
import { JD_SIGN_ALGORITHMS } from './jd-wire';
import type { CarrierPush } from './push';
import { createSfClient, sfPush, type SfConfig } from './sf';
import { CARRIER_NAMES, type CarrierClient, type CarrierName } from './types';

export const sfConfigSchema = z.object({
  baseUrl: z.url().optional(),
  partnerId: z.string().min(1),
  checkword: z.string().min(1),
  monthlyCard: z.string().min(1).optional(),
  expressTypeId: z.number().int().positive().optional(),
}) satisfies z.ZodType<SfConfig>;

export const jdConfigSchema = z.object({
  baseUrl: z.url().optional(),
  appKey: z.string().min(1),
  appSecret: z.string().min(1),
  accessToken: z.string().min(1),
  customerCode: z.string().min(1),
  algorithm: z.enum(JD_SIGN_ALGORITHMS).optional(),
  productCode: z.string().min(1).optional(),
  settleType: z.number().int().optional(),
  cargoWeightKg: z.number().positive().optional(),
}) satisfies z.ZodType<JdConfig>;

export const carriersConfigSchema = z
  .object({
    defaultCarrier: z.enum(CARRIER_NAMES),
    sf: sfConfigSchema.optional(),
    jd: jdConfigSchema.optional(),
  })
  .refine((c) => c[c.defaultCarrier] !== undefined, {
    message: 'the default carrier has no configuration',
    path: ['defaultCarrier'],
  });
export type CarriersConfig = z.infer<typeof carriersConfigSchema>;

export interface Carriers {
  readonly defaultCarrier: CarrierName;
  /** The client for `name` (default: the default carrier); throws if that carrier is not configured. */
  get(name?: CarrierName): CarrierClient;
  has(name: CarrierName): boolean;
  /** The secret that signs this carrier's pushes (SF checkword, JD appSecret), for `carrierPush(name).verify`. */
  pushSecret(name: CarrierName): string | undefined;
}

/** Validates the config (throws ZodError on a misconfiguration) and builds one client per configured carrier. */
export function createCarriers(config: CarriersConfig, opts: HttpOptions = {}): Carriers {
  const cfg = carriersConfigSchema.parse(config);
  const clients: Partial<Record<CarrierName, CarrierClient>> = {
    ...(cfg.sf ? { sf: createSfClient(cfg.sf, opts) } : {}),
    ...(cfg.jd ? { jd: createJdClient(cfg.jd, opts) } : {}),
  };
  return {
    defaultCarrier: cfg.defaultCarrier,
    get(name = cfg.defaultCarrier) {
      const client = clients[name];
      if (!client) throw new Error(`carrier "${name}" is not configured`);
      return client;
    },
    has: (name) => clients[name] !== undefined,
    pushSecret: (name) => (name === 'sf' ? cfg.sf?.checkword : cfg.jd?.appSecret),
  };
}

const PUSH: Record<CarrierName, CarrierPush> = { sf: sfPush, jd: jdPush };

/** Push handling for one carrier: `{ verify, parse, ack, nack }`. */
export function carrierPush(carrier: CarrierName): CarrierPush {
  return PUSH[carrier];
}

export function isCarrierName(value: string): value is CarrierName {
  return (CARRIER_NAMES as readonly string[]).includes(value);
}

export * from './types';
export { CarrierApiError, InvalidPushError } from './errors';
export type { CarrierPush, PushReply, PushRequestMeta } from './push';
export type { HttpOptions } from './http';
export { createSfClient, verifySfPush, parseSfPush, sfPushAck, sfPushNack, type SfConfig } from './sf';
export { createJdClient, verifyJdPush, parseJdPush, jdPushAck, jdPushNack, type JdConfig } from './jd';
export { SF_PRODUCTION_URL, SF_SANDBOX_URL } from './sf-wire';
export { JD_PRODUCTION_URL, JD_UAT_URL } from './jd-wire';
