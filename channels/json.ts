/**
 * Platform order and message ids are 19-digit integers (Taobao tid, TMC message id, Douyin p_id) that
 * `JSON.parse` would silently round. This parser turns every integer beyond Number.MAX_SAFE_INTEGER
 * into a string first, so ids survive exactly.
 */
const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
const SIXTEEN_DIGITS = /\d{16}/;

export function parseJsonLossless(text: string): unknown {
  // An unsafe integer has at least 16 digits: most pushes have no such run (or only inside strings) and parse as is.
  if (!SIXTEEN_DIGITS.test(text)) return JSON.parse(text);
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      i = endOfString(text, i);
    } else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(text);
      const token = match?.[0] ?? ch;
      const isBigInteger = match !== null && match[1] === undefined && match[2] === undefined && !Number.isSafeInteger(Number(token));
      if (isBigInteger) {
        out += `${text.slice(copied, i)}"${token}"`;
        copied = i + token.length;
      }
      i += token.length;
    } else {
      i += 1;
    }
  }
  return JSON.parse(out + text.slice(copied));
}

/** Index just past the string literal starting at `start` (a double quote). */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '\\') i += 2;
    else if (text[i] === '"') return i + 1;
    else i += 1;
  }
  return i;
}
