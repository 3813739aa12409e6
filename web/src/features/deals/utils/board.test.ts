import { describe, expect, it } from 'vitest';
import type { components } from '@/types/api.gen';
import { groupByStage, withDealMoved, withDealSaved } from './board';

type Deal = components['schemas']['DealInfo'];

const stages = [
  { id: 's2', name: 'Viewing', order: 2, probability: 40 },
  { id: 's1', name: 'New', order: 1, probability: 10 },
  { id: 's3', name: 'Offer', order: 3, probability: 70 },
];

function deal(id: string, stageId: string, status: Deal['status'] = 'open'): Deal {
  return {
    id,
    title: `Deal ${id}`,
    pipelineId: 'p',
    stageId,
    value: { amount: 1000, currency: 'USD' },
    contactId: null,
    companyId: null,
    leadId: null,
    unitIds: [],
    ownerId: 'u',
    expectedCloseAt: null,
    discountPercent: 0,
    status,
    closedReason: null,
    closedAt: null,
    createdAt: null,
    updatedAt: null,
    version: 1,
  };
}

describe('the board columns', () => {
  it('are the stages in their order, each with its deals in the order given', () => {
    const columns = groupByStage(stages, [deal('a', 's2'), deal('b', 's1'), deal('c', 's2')]);

    expect(columns.map((c) => c.stage.name)).toEqual(['New', 'Viewing', 'Offer']);
    expect(columns.map((c) => c.deals.map((d) => d.id))).toEqual([['b'], ['a', 'c'], []]);
  });

  it('leave out a deal in a stage the pipeline does not have', () => {
    const columns = groupByStage(stages, [deal('a', 'gone'), deal('b', 's3')]);
    expect(columns.flatMap((c) => c.deals.map((d) => d.id))).toEqual(['b']);
  });
});

describe('a moved deal', () => {
  it('changes column and leaves the others as they were', () => {
    const before = [deal('a', 's1'), deal('b', 's1')];
    const after = withDealMoved(before, 'a', 's3');

    expect(after.map((d) => d.stageId)).toEqual(['s3', 's1']);
    expect(before[0]!.stageId).toBe('s1');
    expect(after[1]).toBe(before[1]);
  });

  it("takes the server's answer, and leaves the board when it is no longer open", () => {
    const before = [deal('a', 's1'), deal('b', 's1')];
    expect(withDealSaved(before, { ...deal('a', 's2'), version: 2 }, 'open')[0]).toMatchObject({
      stageId: 's2',
      version: 2,
    });
    expect(withDealSaved(before, deal('a', 's1', 'won'), 'open').map((d) => d.id)).toEqual(['b']);
  });
});
