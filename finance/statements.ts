/**
 * A statement file → ledger rows, streamed, and its import: every row stored once by the statement's own row id
 * (the same file twice, or overlapping downloads, add nothing), all in one transaction so a file refused on line
 * 90,000 leaves nothing behind.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client';
import { recordStatementImport, insertStatementRows, type StatementImportRecord } from '../db/queries/statements';
import type { StatementPlatform } from '../domain/finance';
import { STATEMENT_FORMATS, type LedgerRow } from './statement-formats';
import { readStatement, type ReadProgress } from './statement-reader';

/** Ledger rows of a statement file in batches. `done` holds the encoding and SHA-256 once the file is read. */
export async function* parseStatement(
  input: AsyncIterable<Uint8Array>,
  platform: StatementPlatform,
  done: Partial<ReadProgress> = {},
  batchSize = 2000,
): AsyncGenerator<LedgerRow[]> {
  const format = STATEMENT_FORMATS[platform];
  // Rows without an id of their own (PDD) are named by their content; identical rows in one file are numbered.
  const seen = new Map<string, number>();
  let batch: LedgerRow[] = [];
  for await (const rows of readStatement(input, { columns: format.columns, ...(format.footerLabels ? { footerLabels: format.footerLabels } : {}) }, done)) {
    for (const { cells, line } of rows) {
      const row = format.toRow(cells, line);
      if (!row) continue;
      const n = (seen.get(row.rowId) ?? 0) + 1;
      seen.set(row.rowId, n);
      if (n > 1) row.rowId = `${row.rowId}#${n}`;
      batch.push(row);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

export interface ImportResult extends StatementImportRecord {
  /** True when this exact file was imported before (nothing new was stored). */
  sameFileAsBefore: boolean;
  kinds: Record<string, number>;
}

/** Imports a statement file; throws StatementError (nothing stored) when the file is not that platform's statement. */
export async function importStatement(db: Db, platform: StatementPlatform, input: AsyncIterable<Uint8Array>, fileName: string | null): Promise<ImportResult> {
  return db.transaction(async (tx) => {
    const done: Partial<ReadProgress> = {};
    // The rows carry the upload's id: the file's own (its SHA-256) is known only once it has been read.
    const importId = `upload-${randomUUID()}`;
    let rows = 0;
    let newRows = 0;
    let firstAt: Date | null = null;
    let lastAt: Date | null = null;
    const kinds: Record<string, number> = {};
    // One batch is written while the next is read: the database and the parsing overlap.
    let writing: Promise<number> | undefined;
    for await (const batch of parseStatement(input, platform, done, 5000)) {
      rows += batch.length;
      for (const r of batch) {
        kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
        if (!firstAt || r.bookedAt < firstAt) firstAt = r.bookedAt;
        if (!lastAt || r.bookedAt > lastAt) lastAt = r.bookedAt;
      }
      if (writing) newRows += await writing;
      writing = insertStatementRows(tx, platform, importId, batch);
      // Awaited at the next batch or after the last; a failure meanwhile is not an unhandled rejection.
      writing.catch(() => undefined);
    }
    if (writing) newRows += await writing;
    const record = await recordStatementImport(tx, {
      id: done.sha256!,
      uploadId: importId,
      platform,
      fileName,
      encoding: done.encoding ?? 'utf-8',
      rows,
      newRows,
      firstAt,
      lastAt,
    });
    // The same file again: the earlier import's record, with what this upload added (nothing).
    return { ...record.row, newRows, sameFileAsBefore: record.existed, kinds };
  });
}
