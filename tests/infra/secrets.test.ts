import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../../infra/secrets';

describe('secret box', () => {
  const box = createSecretBox(randomBytes(32));

  it('when a secret is sealed, then it opens to the same value and never shows the plain text', () => {
    const sealed = box.seal('app-secret-测试');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('app-secret');
    expect(box.open(sealed)).toBe('app-secret-测试');
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it.each([
    ['a tampered ciphertext', (s: string) => s.slice(0, -2) + (s.endsWith('A') ? 'BB' : 'AA')],
    ['another key', (s: string) => s],
    ['not a sealed value', () => 'plain'],
  ])('when opening %s, then it throws', (what, mangle) => {
    const other = what === 'another key' ? createSecretBox(randomBytes(32)) : box;
    expect(() => other.open(mangle(box.seal('x')))).toThrow();
  });

  it('when the key is not 32 bytes, then the box refuses to exist', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
