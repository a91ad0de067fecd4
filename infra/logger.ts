import pino, { type Logger } from 'pino';

/**
 * Personal data never reaches the logs in clear: any field with one of these names is censored,
 * wherever it sits in the logged object.
 */
const PERSONAL_FIELDS = ['phone', 'mobile', 'tel', 'address', 'customer', 'shippingAddress', 'receiver', 'sender', 'receiverName', 'receiverPhone'];
const redactPaths = PERSONAL_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);

export function createLogger(level = 'info'): Logger {
  return pino({ level, redact: { paths: redactPaths, censor: '[redacted]' } });
}

export type { Logger };
