/** One signed call to the PDD gateway. */
import { unixSeconds } from '../beijing-time';
import { ChannelApiError } from '../errors';
import { formBody, postForJson } from '../http';
import type { StoreCredentials } from '../types';
import { pddSign } from './sign';
import { pddErrorEnvelope } from './wire';

export const PDD_DEFAULT_BASE_URL = 'https://gw-api.pinduoduo.com';

export type PddParam = string | number | boolean | object;

/** Returns the whole response JSON once PDD's error envelope has been ruled out. */
export async function pddCall(store: StoreCredentials, type: string, business: Readonly<Record<string, PddParam>>): Promise<unknown> {
  const params: Record<string, string> = {
    // Object parameters travel as JSON text, and are signed as that text.
    ...Object.fromEntries(Object.entries(business).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)])),
    type,
    client_id: store.appKey,
    timestamp: String(unixSeconds(new Date())),
    data_type: 'JSON',
    ...(store.accessToken ? { access_token: store.accessToken } : {}),
  };
  params.sign = pddSign(params, store.appSecret);
  const target = { platform: store.platform, method: type };
  const url = `${store.baseUrl ?? PDD_DEFAULT_BASE_URL}/api/router`;
  const json = await postForJson(target, url, formBody(params), 'application/x-www-form-urlencoded;charset=utf-8');
  const failure = pddErrorEnvelope.safeParse(json);
  if (failure.success) {
    const { error_code, error_msg, sub_code, sub_msg } = failure.data.error_response;
    throw new ChannelApiError({
      ...target,
      code: error_code,
      message: sub_msg ? `${error_msg}: ${sub_msg}` : error_msg,
      subCode: sub_code === undefined ? undefined : String(sub_code),
    });
  }
  return json;
}
