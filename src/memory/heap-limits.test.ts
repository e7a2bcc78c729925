// keepHeapSmall steps aside for the settings the operator gave node (the CLI behaviour itself is covered end to end
// by test/integration/heap-limits.test.ts, in a process of its own).
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, keepHeapSmall, YOUNG_SEMI_SPACE_MB } from './heap-limits.js';

describe('keepHeapSmall', () => {
  it('changes nothing when the operator set both on the command line or in NODE_OPTIONS', () => {
    const onCommandLine = keepHeapSmall({ execArgv: ['--max-semi-space-size=16', '--heap-growing-percent=50'], nodeOptions: '' });
    expect([onCommandLine.youngSemiSpaceMb, onCommandLine.heapGrowingPercent]).toEqual([undefined, undefined]);
    const inNodeOptions = keepHeapSmall({ execArgv: [], nodeOptions: '--semi_space_growth_factor=4 --heap-growing-percent=30' });
    expect([inNodeOptions.youngSemiSpaceMb, inNodeOptions.heapGrowingPercent]).toEqual([undefined, undefined]);
  });

  it('keeps the measured defaults: 4 MB semi-spaces and 20 % growth (changing them needs new figures, see heap-limits.ts)', () => {
    expect([YOUNG_SEMI_SPACE_MB, HEAP_GROWING_PERCENT]).toEqual([4, 20]);
  });
});
