/** One signed call to the TOP gateway. */
import { formatBeijing } from '../beijing-time';
import { ChannelApiError } from '../errors';
import { formBody, postForJson } from '../http';
import type { StoreCredentials } from '../types';
import { topSign } from './sign';
import { topErrorEnvelope } from './wire';

export const TOP_DEFAULT_BASE_URL = 'https://eco.taobao.com';

/** Returns the whole response JSON once TOP's error envelope has been ruled out. */
export async function topCall(store: StoreCredentials, method: string, business: Readonly<Record<string, string>>): Promise<unknown> {
  const params: Record<string, string> = {
    ...business,
    method,
    app_key: store.appKey,
    timestamp: formatBeijing(new Date()),
    format: 'json',
    v: '2.0',
    sign_method: 'hmac-sha256',
    ...(store.accessToken ? { session: store.accessToken } : {}),
  };
  params.sign = topSign(params, store.appSecret, 'hmac-sha256');
  const target = { platform: store.platform, method };
  const url = `${store.baseUrl ?? TOP_DEFAULT_BASE_URL}/router/rest`;
  const json = await postForJson(target, url, formBody(params), 'application/x-www-form-urlencoded;charset=utf-8');
  const failure = topErrorEnvelope.safeParse(json);
  if (failure.success) {
    const { code, msg, sub_code, sub_msg } = failure.data.error_response;
    throw new ChannelApiError({
      ...target,
      code,
      message: sub_msg ? `${msg}: ${sub_msg}` : msg,
      subCode: sub_code,
      // 7 is "App Call Limited"; isp.* sub-codes are TOP's own service failures.
      retryable: String(code) === '7' || (sub_code?.startsWith('isp.') ?? false),
    });
  }
  return json;
}
