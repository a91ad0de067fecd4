import { describe, expect, it } from 'vitest';
import { decideScan, refusalMessage, remainingToScan, type PackTask, type ScanDecision, type ScanRefusal } from '../../domain/pack-check';

const lines = [
  { sku: 'CUP', quantity: 2 },
  { sku: 'LID', quantity: 1 },
];
const open = (scanned: Record<string, number> = {}, over: Partial<PackTask> = {}): PackTask => ({ status: 'open', packCheck: null, lines, scanned, ...over });

describe('pack check: one scan against the task', () => {
  it.each<[string, PackTask, { sku: string; quantity: number }, ScanDecision]>([
    [
      'the first unit of a line is counted; the rest is still to scan',
      open(),
      { sku: 'CUP', quantity: 1 },
      { outcome: 'accepted', scanned: { CUP: 1 }, remaining: [{ sku: 'CUP', quantity: 1 }, { sku: 'LID', quantity: 1 }], complete: false },
    ],
    [
      'a line may be scanned in one go',
      open(),
      { sku: 'CUP', quantity: 2 },
      { outcome: 'accepted', scanned: { CUP: 2 }, remaining: [{ sku: 'LID', quantity: 1 }], complete: false },
    ],
    [
      'the scan that brings every line to its quantity completes the pack',
      open({ CUP: 2 }),
      { sku: 'LID', quantity: 1 },
      { outcome: 'accepted', scanned: { CUP: 2, LID: 1 }, remaining: [], complete: true },
    ],
    ['a SKU not on the task is refused', open(), { sku: 'BAG', quantity: 1 }, { outcome: 'wrong-sku', sku: 'BAG', onTask: lines }],
    ['SKUs match exactly (case matters)', open(), { sku: 'cup', quantity: 1 }, { outcome: 'wrong-sku', sku: 'cup', onTask: lines }],
    [
      'one unit past the quantity is an over-scan',
      open({ CUP: 2 }),
      { sku: 'CUP', quantity: 1 },
      { outcome: 'over-scan', sku: 'CUP', onTask: 2, alreadyScanned: 2, quantity: 1 },
    ],
    [
      'a batch that would pass the quantity is refused whole, not counted in part',
      open({ CUP: 1 }),
      { sku: 'CUP', quantity: 2 },
      { outcome: 'over-scan', sku: 'CUP', onTask: 2, alreadyScanned: 1, quantity: 2 },
    ],
    ['a completed task takes no scan', open({}, { status: 'completed' }), { sku: 'CUP', quantity: 1 }, { outcome: 'task-closed', status: 'completed', packCheck: null }],
    ['a cancelled task takes no scan', open({}, { status: 'cancelled' }), { sku: 'CUP', quantity: 1 }, { outcome: 'task-closed', status: 'cancelled', packCheck: null }],
    [
      'a task confirmed without scanning takes no scan while the order closes it',
      open({ CUP: 1 }, { packCheck: 'unverified' }),
      { sku: 'CUP', quantity: 1 },
      { outcome: 'task-closed', status: 'open', packCheck: 'unverified' },
    ],
    [
      'a fully scanned task takes no further scan',
      open({ CUP: 2, LID: 1 }, { packCheck: 'scanned' }),
      { sku: 'LID', quantity: 1 },
      { outcome: 'task-closed', status: 'open', packCheck: 'scanned' },
    ],
    [
      'a pick list naming a SKU twice is one line of the summed quantity',
      open({}, { lines: [{ sku: 'CUP', quantity: 1 }, { sku: 'CUP', quantity: 1 }] }),
      { sku: 'CUP', quantity: 2 },
      { outcome: 'accepted', scanned: { CUP: 2 }, remaining: [], complete: true },
    ],
  ])('%s', (_name, task, scan, expected) => {
    expect(decideScan(task, scan)).toEqual(expected);
  });
});

describe('pack check: what is left to scan', () => {
  it.each<[string, Record<string, number>, { sku: string; quantity: number }[]]>([
    ['nothing scanned: the whole list, in walking order', {}, lines],
    ['a line partly scanned shows what is left of it', { CUP: 1 }, [{ sku: 'CUP', quantity: 1 }, { sku: 'LID', quantity: 1 }]],
    ['a fully scanned line drops out', { LID: 1 }, [{ sku: 'CUP', quantity: 2 }]],
    // A merged parcel's list shrinks when an order leaves it: what was scanned beyond it leaves nothing negative.
    ['more scanned than the list now holds leaves nothing', { CUP: 3, LID: 1 }, []],
  ])('%s', (_name, scanned, expected) => {
    expect(remainingToScan(lines, scanned)).toEqual(expected);
  });
});

describe('pack check: the refusal tells the packer why', () => {
  it.each<[ScanRefusal, RegExp]>([
    [{ outcome: 'wrong-sku', sku: 'BAG', onTask: lines }, /^SKU BAG is not on this task \(it holds CUP ×2, LID ×1\)/],
    [{ outcome: 'over-scan', sku: 'CUP', onTask: 2, alreadyScanned: 2, quantity: 1 }, /^SKU CUP: the task holds 2, 2 already scanned; 1 more would make 3$/],
    [{ outcome: 'task-closed', status: 'completed', packCheck: 'scanned' }, /^the task is completed/],
    [{ outcome: 'task-closed', status: 'open', packCheck: 'unverified' }, /already confirmed \(unverified\)/],
  ])('%j', (refusal, expected) => {
    expect(refusalMessage(refusal)).toMatch(expected);
  });
});
