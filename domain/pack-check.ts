/**
 * Pack check (扫码复核): at the packing station every unit that goes into the box is scanned against the
 * task's pick list, so a wrong item or one too many is caught before the parcel is sealed, not by the buyer.
 * A scan is accepted only while the task is open and unconfirmed, for a SKU on the list, up to its quantity;
 * the scan that brings every line to its quantity completes the pack.
 */
import { mergeLines, type StockLine } from './stock';

/** Units scanned so far, per SKU. */
export type ScannedUnits = Readonly<Record<string, number>>;

/** How a pack was confirmed: every unit scanned, or confirmed on the picker's word (`complete` without scanning). */
export type PackCheck = 'scanned' | 'unverified';

export interface PackTask {
  /** open | completed | cancelled */
  status: string;
  /** Set when the pack was confirmed; the order's workflow closes the task after that. */
  packCheck: PackCheck | null;
  lines: readonly StockLine[];
  scanned: ScannedUnits;
}

/** One scan at the packing bench: units of a SKU. The shape of a stock line, named for the event it records. */
export type Scan = StockLine;

export type ScanDecision =
  | { outcome: 'accepted'; scanned: Record<string, number>; remaining: StockLine[]; complete: boolean }
  | { outcome: 'task-closed'; status: string; packCheck: PackCheck | null }
  | { outcome: 'wrong-sku'; sku: string; onTask: StockLine[] }
  | { outcome: 'over-scan'; sku: string; onTask: number; alreadyScanned: number; quantity: number };

export type ScanRefusal = Exclude<ScanDecision, { outcome: 'accepted' }>;

/** What is still to scan, in the pick list's (walking) order; fully scanned lines left out. */
export function remainingToScan(lines: readonly StockLine[], scanned: ScannedUnits): StockLine[] {
  return mergeLines(lines)
    .map((l) => ({ sku: l.sku, quantity: l.quantity - (scanned[l.sku] ?? 0) }))
    .filter((l) => l.quantity > 0);
}

export function decideScan(task: PackTask, scan: Scan): ScanDecision {
  if (task.status !== 'open' || task.packCheck !== null) return { outcome: 'task-closed', status: task.status, packCheck: task.packCheck };
  const onTask = mergeLines(task.lines);
  const line = onTask.find((l) => l.sku === scan.sku);
  if (!line) return { outcome: 'wrong-sku', sku: scan.sku, onTask };
  const alreadyScanned = task.scanned[scan.sku] ?? 0;
  if (alreadyScanned + scan.quantity > line.quantity) {
    return { outcome: 'over-scan', sku: scan.sku, onTask: line.quantity, alreadyScanned, quantity: scan.quantity };
  }
  const scanned = { ...task.scanned, [scan.sku]: alreadyScanned + scan.quantity };
  const remaining = remainingToScan(onTask, scanned);
  return { outcome: 'accepted', scanned, remaining, complete: remaining.length === 0 };
}

/** The packer's explanation: names the SKU and the quantities. */
export function refusalMessage(refusal: ScanRefusal): string {
  switch (refusal.outcome) {
    case 'task-closed':
      return refusal.status !== 'open'
        ? `the task is ${refusal.status}; nothing more can be scanned`
        : `the task was already confirmed (${refusal.packCheck}); nothing more can be scanned`;
    case 'wrong-sku':
      return `SKU ${refusal.sku} is not on this task (it holds ${refusal.onTask.map((l) => `${l.sku} ×${l.quantity}`).join(', ') || 'nothing'}): take it out of the box`;
    case 'over-scan':
      return `SKU ${refusal.sku}: the task holds ${refusal.onTask}, ${refusal.alreadyScanned} already scanned; ${refusal.quantity} more would make ${refusal.alreadyScanned + refusal.quantity}`;
  }
}
