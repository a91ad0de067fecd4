import { describe, expect, it } from 'vitest';
import { splitWindow } from '../../channels/windows';

const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.UTC(2024, 4, 1) + hours * HOUR);

describe('splitWindow', () => {
  const cases = [
    { when: 'the window fits the limit', from: 0, to: 1, max: 24, expected: [[0, 1]] },
    { when: 'the window is exactly the limit', from: 0, to: 24, max: 24, expected: [[0, 24]] },
    { when: 'the window is longer than the limit', from: 0, to: 50, max: 24, expected: [[0, 24], [24, 48], [48, 50]] },
    { when: 'the window is empty', from: 5, to: 5, max: 24, expected: [] },
    { when: 'the window runs backwards', from: 5, to: 1, max: 24, expected: [] },
  ];
  for (const { when, from, to, max, expected } of cases) {
    it(`when ${when}, then it yields ${expected.length} adjacent piece(s)`, () => {
      expect(splitWindow({ from: at(from), to: at(to) }, max * HOUR)).toEqual(expected.map(([f, t]) => ({ from: at(f ?? 0), to: at(t ?? 0) })));
    });
  }
});
