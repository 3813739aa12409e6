import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, mockFetch, renderRoute } from '@/testing/test-utils';
import { ApprovalDetailRoute } from './approval-detail';

const requester = '11111111-1111-1111-1111-111111111111';
const approver = '22222222-2222-2222-2222-222222222222';

const pending = {
  id: 'a1',
  action: 'deal.discount',
  subject: { type: 'deal', id: 'd1' },
  input: { dealId: 'd1', discountPercent: 10 },
  requestedBy: requester,
  policyId: 'p1',
  policyName: 'Discounts over 5%',
  levels: 1,
  currentLevel: 1,
  approverIds: [approver],
  decisions: [],
  status: 'pending',
  detail: null,
  expiresAt: '2026-12-10T10:00:00Z',
  createdAt: '2026-12-03T10:00:00Z',
  decidedAt: null,
  version: 1,
};

function signInAs(userId: string) {
  window.localStorage.setItem(
    'm3.session',
    JSON.stringify({
      tenant: 'acme',
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: Date.now() + 3_600_000,
      user: { id: userId, name: 'Someone', email: 'someone@example.com' },
    }),
  );
}

const handlers = {
  'GET /api/v1/approvals/a1': () => json(200, pending),
  'GET /api/v1/deals/d1': () => json(200, { id: 'd1', title: 'Villa 7' }),
  [`GET /api/v1/users/${requester}`]: () => json(200, { id: requester, name: 'Olivia Owner' }),
};

describe("an approval request's page", () => {
  it('offers the approver approve and reject, and sends the level they saw with the comment', async () => {
    signInAs(approver);
    const { requests } = mockFetch({
      ...handlers,
      'POST /api/v1/approvals/a1/approve': () =>
        json(200, {
          ...pending,
          status: 'approved',
          decisions: [
            { level: 1, userId: approver, decision: 'approved', comment: 'Fine', at: '2026-12-03T11:00:00Z' },
          ],
          version: 2,
        }),
    });
    renderRoute([{ path: '/app/approvals/:id', element: <ApprovalDetailRoute /> }], '/app/approvals/a1');
    const user = userEvent.setup();

    expect(await screen.findByRole('link', { name: 'Villa 7' })).toHaveAttribute('href', '/app/deals/d1');
    expect(screen.getByText('10%')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel request' })).toBeNull();
    // Enter in the comment decides nothing.
    await user.type(screen.getByLabelText('Comment'), 'Fine{Enter}');
    expect(requests.some((r) => r.method === 'POST')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Approve' }));
    expect(await screen.findByText('You approved this request.')).toBeInTheDocument();
    const sent = requests.find((r) => r.method === 'POST');
    expect(await sent!.json()).toEqual({ comment: 'Fine', level: 1 });
  });

  it('offers the requester cancel only', async () => {
    signInAs(requester);
    mockFetch(handlers);
    renderRoute([{ path: '/app/approvals/:id', element: <ApprovalDetailRoute /> }], '/app/approvals/a1');

    expect(await screen.findByRole('button', { name: 'Cancel request' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Reject' })).toBeNull();
  });
});
