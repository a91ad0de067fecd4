import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { wechatPushSignature } from '../../../channels/wechat/sign';

describe('WeChat push signature', () => {
  it('when signed, then it is SHA1 of token, timestamp and nonce sorted as strings and joined, matching node:crypto and the fixed vector', () => {
    const signature = wechatPushSignature('testtoken', '1714566600', '123456');
    // Sorted as strings: "123456" < "1714566600" < "testtoken".
    expect(signature).toBe(createHash('sha1').update('1234561714566600testtoken').digest('hex'));
    expect(signature).toBe('e82bf48b8714a294f7411742065b736ac163e566');
  });
});
