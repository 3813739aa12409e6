import { describe, expect, it } from 'vitest';
import { describeDealEntry } from './timeline';

const stages: Record<string, string> = { s1: 'New', s2: 'Offer' };
const name = (id: string) => stages[id];
const entry = (type: string, data: unknown, kind = 'change') => ({
  kind,
  type,
  at: null,
  actorId: null,
  data,
});

describe('a line of the deal timeline', () => {
  it('names the stages of a move', () => {
    expect(
      describeDealEntry(entry('deal.stage_changed', { stageId: { before: 's1', after: 's2' } }), name),
    ).toBe('Moved from New to Offer');
    expect(
      describeDealEntry(entry('deal.stage_changed', { stageId: { before: 'gone', after: 's2' } }), name),
    ).toBe('Moved to Offer');
    expect(describeDealEntry(entry('deal.stage_changed', {}), name)).toBe('Moved to another stage');
  });

  it('names other changes, approval requests and unknown types', () => {
    expect(describeDealEntry(entry('deal.updated', { discountPercent: { before: 0, after: 4 } }), name)).toBe(
      'Discount set to 4%',
    );
    expect(describeDealEntry(entry('deal.discount', {}, 'approval'), name)).toBe(
      'Discount asked for (approval)',
    );
    expect(describeDealEntry(entry('deal.created', {}), name)).toBe('Deal created');
    expect(describeDealEntry(entry('task.created', {}, 'task'), name)).toBe('task created');
  });
});
