/** PDD request signing: HEX_UPPER(MD5(client_secret + Σ sorted(name + value) + client_secret)), `sign` excluded. */
import { md5Hex } from '../signing';

export function pddSignString(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((key) => key !== 'sign')
    .sort()
    .map((key) => `${key}${params[key]}`)
    .join('');
}

export function pddSign(params: Readonly<Record<string, string>>, clientSecret: string): string {
  return md5Hex(`${clientSecret}${pddSignString(params)}${clientSecret}`).toUpperCase();
}
