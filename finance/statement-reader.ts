/**
 * Reads a settlement statement file as its seller back office exported it, streamed: the charset is decided on
 * the first bytes (a BOM means UTF-8; else valid UTF-8 is UTF-8; else GB18030, a superset of GBK) and decoded by
 * iconv-lite; the CSV is split by csv-parse (quoting, CRLF, `#` comment lines, ragged rows); the table is found by
 * its header row, with columns looked up by name, never by position. Rows come out one by one with their line
 * number, and the SHA-256 of the file's bytes is known once the file is read.
 */
import { createHash } from 'node:crypto';
import { pipeline, Readable } from 'node:stream';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { cleanCell } from '../domain/finance';

export class StatementError extends Error {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(message);
  }
}

/** A column the format needs or may use: its field name and the header labels seen across export versions. */
export interface ColumnSpec {
  field: string;
  labels: readonly string[];
  required?: boolean;
}

/** Header labels compare without spaces, brackets of either width and colons: `收入金额(+元)` = `收入金额（+元）`. */
export function labelKey(label: string): string {
  return cleanCell(label).replace(/[\s()（）[\]【】:：]/g, '');
}

/** A data row by field name (cells already cleaned); missing columns read as ''. */
export type Cells = (field: string) => string;

export interface ReadOptions {
  columns: readonly ColumnSpec[];
  /** A row whose first cell is one of these starts the footer (WeChat's summary header): the table ends there. */
  footerLabels?: readonly string[];
}

export interface ReadProgress {
  encoding: 'utf-8' | 'gb18030';
  sha256: string;
}

const SNIFF_BYTES = 64 * 1024;
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** How many records may precede the header row (title lines, account lines) before we give up looking. */
const MAX_PREAMBLE = 200;

export interface DataRow {
  cells: Cells;
  line: number;
}

/**
 * Yields the data rows (`cells`, `line`) in batches as they are parsed. `done` is filled in once the file has
 * been read to its end. Throws StatementError when no header row has the required columns (naming them).
 */
export async function* readStatement(
  input: AsyncIterable<Uint8Array>,
  opts: ReadOptions,
  done: Partial<ReadProgress> = {},
): AsyncGenerator<DataRow[]> {
  const hash = createHash('sha256');
  const text = decodeStream(input, hash, done);
  const parser = parse({
    bom: true,
    comment: '#',
    comment_no_infix: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    info: true,
  });
  // pipeline, not pipe: a failure while reading the upload (a refused file, a client gone) reaches the parser.
  pipeline(Readable.from(text), parser, () => undefined);

  const wanted = opts.columns.map((c) => ({ ...c, keys: new Set(c.labels.map(labelKey)) }));
  const footer = new Set((opts.footerLabels ?? []).map(labelKey));
  let index: Map<string, number> | undefined;
  let best: { missing: ColumnSpec[] } | undefined;
  let preamble = 0;
  let ended = false;

  for await (const records of batchesOf<{ record: string[]; info: { lines: number } }>(parser)) {
    const out: DataRow[] = [];
    for (const { record, info } of records) {
      if (ended) continue;
      if (!index) {
        const keys = record.map(labelKey);
        const found = new Map<string, number>();
        for (const c of wanted) {
          const at = keys.findIndex((k) => c.keys.has(k));
          if (at >= 0) found.set(c.field, at);
        }
        const missing = wanted.filter((c) => c.required && !found.has(c.field));
        if (missing.length === 0) {
          index = found;
          continue;
        }
        if (found.size > 0 && (!best || missing.length < best.missing.length)) best = { missing };
        if ((preamble += 1) > MAX_PREAMBLE) break;
        continue;
      }
      if (footer.has(labelKey(record[0] ?? ''))) {
        ended = true;
        continue;
      }
      const row = record;
      const at = index;
      out.push({ cells: (field) => cleanCell(row[at.get(field) ?? -1]), line: info.lines });
    }
    if (out.length > 0) yield out;
    if (preamble > MAX_PREAMBLE) break;
  }
  if (!index) {
    const missing = best?.missing ?? wanted.filter((c) => c.required);
    const names = missing.map((c) => c.labels[0]!);
    throw new StatementError(
      `the file has no header row with the columns ${names.join(', ')}`,
      names.map((n) => ({ path: `file.columns.${n}`, message: `missing column ${n}` })),
    );
  }
  done.sha256 = hash.digest('hex');
}

/**
 * A stream's objects in arrays of what is buffered (at most `max`), rather than one promise per object: the
 * parser's records arrive by the thousand.
 */
async function* batchesOf<T>(stream: Readable, max = 2000): AsyncGenerator<T[]> {
  let ended = false;
  let failed: unknown;
  let wake: (() => void) | undefined;
  stream.on('readable', () => wake?.());
  stream.on('end', () => {
    ended = true;
    wake?.();
  });
  stream.on('error', (err) => {
    failed = err;
    wake?.();
  });
  try {
    for (;;) {
      const batch: T[] = [];
      for (let item: T | null; batch.length < max && (item = stream.read() as T | null) !== null; ) batch.push(item);
      if (batch.length > 0) {
        yield batch;
        continue;
      }
      if (failed) throw failed;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    if (!ended) stream.destroy();
  }
}

/** Bytes → text, the charset decided on the first bytes; every byte also goes through the hash. */
async function* decodeStream(input: AsyncIterable<Uint8Array>, hash: ReturnType<typeof createHash>, done: Partial<ReadProgress>): AsyncGenerator<string> {
  const head: Buffer[] = [];
  let headBytes = 0;
  let decode: ((b: Buffer) => string) | undefined;
  let flush: () => string = () => '';

  const choose = () => {
    const bytes = Buffer.concat(head);
    // Downloads often come zipped (and .xlsx is a zip): the CSV inside is what the reader takes.
    if (bytes.subarray(0, 4).equals(ZIP_MAGIC)) {
      throw new StatementError('the file is a zip archive (or .xlsx): upload the detail CSV inside it, not the archive or its summary', [
        { path: 'file', message: 'a zip archive, not a CSV' },
      ]);
    }
    const utf8 = hasBom(bytes) || isUtf8Prefix(bytes);
    done.encoding = utf8 ? 'utf-8' : 'gb18030';
    const decoder = iconv.getDecoder(utf8 ? 'utf8' : 'gb18030');
    decode = (b) => decoder.write(b);
    flush = () => decoder.end() ?? '';
    const text = decode(bytes);
    head.length = 0;
    return text;
  };

  for await (const chunk of input) {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    hash.update(buf);
    if (decode) {
      yield decode(buf);
      continue;
    }
    head.push(buf);
    headBytes += buf.length;
    if (headBytes >= SNIFF_BYTES) yield choose();
  }
  if (!decode) yield choose();
  const rest = flush();
  if (rest) yield rest;
}

function hasBom(b: Buffer): boolean {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

/** Valid UTF-8 up to a possibly cut last character. */
function isUtf8Prefix(b: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b, { stream: true });
    return true;
  } catch {
    return false;
  }
}
