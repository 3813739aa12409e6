import { describe, expect, it } from 'vitest';
import type { Approval } from '../api/approvals';
import { canCancel, canDecide, describeInput, subjectPath } from './approval';

const requester = '11111111-1111-1111-1111-111111111111';
const approver = '22222222-2222-2222-2222-222222222222';
const second = '33333333-3333-3333-3333-333333333333';

function approval(changes: Partial<Approval> = {}): Approval {
  return {
    id: 'a1',
    action: 'deal.discount',
    subject: { type: 'deal', id: 'd1' },
    input: { dealId: 'd1', discountPercent: 10, previousDiscountPercent: 0, currency: 'USD' },
    requestedBy: requester,
    policyId: 'p1',
    policyName: 'Discounts over 5%',
    levels: 2,
    currentLevel: 1,
    approverIds: [approver, second],
    decisions: [],
    status: 'pending',
    detail: null,
    expiresAt: null,
    createdAt: '2026-12-03T10:00:00Z',
    decidedAt: null,
    version: 1,
    ...changes,
  };
}

describe('who may decide a request', () => {
  it('offers the decision to an approver who has not decided yet', () => {
    expect(canDecide(approval(), approver)).toBe(true);
  });

  it('never to the requester, someone not named, or an approver who decided an earlier level', () => {
    expect(canDecide(approval({ approverIds: [approver, requester] }), requester)).toBe(false);
    expect(canDecide(approval(), 'someone-else')).toBe(false);
    const decided = approval({
      currentLevel: 2,
      decisions: [
        { level: 1, userId: approver, decision: 'approved', comment: null, at: '2026-12-03T11:00:00Z' },
      ],
    });
    expect(canDecide(decided, approver)).toBe(false);
    expect(canDecide(decided, second)).toBe(true);
  });

  it('not once the request is closed', () => {
    expect(canDecide(approval({ status: 'approved' }), approver)).toBe(false);
    expect(canCancel(approval({ status: 'expired' }), requester)).toBe(false);
  });

  it('lets only the requester cancel', () => {
    expect(canCancel(approval(), requester)).toBe(true);
    expect(canCancel(approval(), approver)).toBe(false);
  });
});

describe('a request for people', () => {
  it('names the input fields, percentages with their sign, and leaves ids out', () => {
    expect(describeInput(approval().input)).toEqual([
      { label: 'Discount asked for', value: '10%' },
      { label: 'Discount now', value: '0%' },
      { label: 'Currency', value: 'USD' },
    ]);
    expect(describeInput(null)).toEqual([]);
  });

  it('links the subject to its page', () => {
    expect(subjectPath({ type: 'deal', id: 'd1' })).toBe('/app/deals/d1');
    expect(subjectPath({ type: 'lead', id: 'l1' })).toBe('/app/leads/l1');
    expect(subjectPath({ type: 'other', id: 'x' })).toBeNull();
  });
});
