/**
 * Platform order and message ids are 19-digit integers (Taobao tid, TMC message id, Douyin p_id) that
 * `JSON.parse` would silently round. This parser turns every integer beyond Number.MAX_SAFE_INTEGER
 * into a string first, so ids survive exactly.
 */
const SIXTEEN_DIGITS = /\d{16}/;
/**
 * A string literal (skipped whole, so digits inside it are left alone), or an integer of 16 digits or more
 * standing on its own: not the tail of another number, not followed by a fraction or an exponent.
 */
const STRING_OR_LONG_INTEGER = /"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d{16,}(?![\d.eE])/g;

export function parseJsonLossless(text: string): unknown {
  // An unsafe integer has at least 16 digits: most pushes have no such run (or only inside strings) and parse as is.
  if (!SIXTEEN_DIGITS.test(text)) return JSON.parse(text);
  return JSON.parse(text.replace(STRING_OR_LONG_INTEGER, quoteUnsafe));
}

function quoteUnsafe(token: string): string {
  return token.startsWith('"') || Number.isSafeInteger(Number(token)) ? token : `"${token}"`;
}
