/** One signed call to the Douyin Shop open API. */
import { unixSeconds } from '../beijing-time';
import { ChannelApiError } from '../errors';
import { expectShape, postForJson } from '../http';
import type { StoreCredentials } from '../types';
import { DOUYIN_API_VERSION, douyinParamJson, douyinSign } from './sign';
import { douyinEnvelope } from './wire';

export const DOUYIN_DEFAULT_BASE_URL = 'https://openapi-fxg.jinritemai.com';
const SUCCESS = 10000;

/** Returns `data` once the envelope says success. The method "order.searchList" is served at /order/searchList. */
export async function douyinCall(store: StoreCredentials, method: string, params: object): Promise<unknown> {
  const paramJson = douyinParamJson(params);
  const timestamp = String(unixSeconds(new Date()));
  const query = new URLSearchParams({
    app_key: store.appKey,
    method,
    timestamp,
    v: DOUYIN_API_VERSION,
    sign: douyinSign({ appKey: store.appKey, method, paramJson, timestamp }, store.appSecret, 'hmac-sha256'),
    sign_method: 'hmac-sha256',
    ...(store.accessToken ? { access_token: store.accessToken } : {}),
  });
  const target = { platform: 'douyin' as const, method };
  const url = `${store.baseUrl ?? DOUYIN_DEFAULT_BASE_URL}/${method.replaceAll('.', '/')}?${query.toString()}`;
  const envelope = expectShape(target, douyinEnvelope, await postForJson(target, url, paramJson, 'application/json;charset=utf-8'));
  if (envelope.code !== SUCCESS) {
    throw new ChannelApiError({
      ...target,
      code: envelope.code,
      message: envelope.sub_msg ? `${envelope.msg}: ${envelope.sub_msg}` : envelope.msg,
      subCode: envelope.sub_code,
    });
  }
  return envelope.data;
}
