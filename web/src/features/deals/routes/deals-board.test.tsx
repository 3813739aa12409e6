import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, mockFetch, problem, renderRoute } from '@/testing/test-utils';
import { DealsBoardRoute } from './deals-board';

const pipeline = {
  id: 'p1',
  name: 'Sales',
  stages: [
    { id: 's1', name: 'New', order: 1, probability: 10 },
    { id: 's2', name: 'Offer', order: 2, probability: 60 },
  ],
  createdAt: null,
  version: 1,
};

function deal(stageId: string, version = 1) {
  return {
    id: 'd1',
    title: 'Villa 7',
    pipelineId: 'p1',
    stageId,
    value: { amount: 250000, currency: 'USD' },
    contactId: null,
    companyId: null,
    leadId: null,
    unitIds: [],
    ownerId: 'u',
    expectedCloseAt: null,
    discountPercent: 0,
    status: 'open',
    closedReason: null,
    closedAt: null,
    createdAt: null,
    updatedAt: null,
    version,
  };
}

function setup(answerMove: () => Promise<Response>, extra: Record<string, () => Response> = {}) {
  const { requests } = mockFetch({
    'GET /api/v1/approvals': () => json(200, { items: [], nextCursor: null }),
    ...extra,
    'GET /api/v1/pipelines': () => json(200, { items: [pipeline], nextCursor: null }),
    'GET /api/v1/deals': () => json(200, { items: [deal('s1')], nextCursor: null }),
    'POST /api/v1/deals/d1/move': answerMove,
  });
  renderRoute([{ path: '/app/deals', element: <DealsBoardRoute /> }], '/app/deals');
  return requests;
}

const column = (name: string) => screen.getByRole('region', { name });

describe('moving a deal on the board', () => {
  it('shows the move at once and keeps it when the server agrees', async () => {
    let answer: (response: Response) => void = () => undefined;
    const requests = setup(() => new Promise((resolve) => (answer = resolve)));
    const user = userEvent.setup();

    await user.selectOptions(await screen.findByLabelText('Move Villa 7 to'), 'Move to Offer');

    // Before the server answered.
    expect(within(column('Offer')).getByText('Villa 7')).toBeInTheDocument();
    expect(within(column('New')).queryByText('Villa 7')).toBeNull();
    answer(json(200, deal('s2', 2)));
    expect(await screen.findByText('Villa 7 moved to Offer.')).toBeInTheDocument();
    expect(within(column('Offer')).getByText('Villa 7')).toBeInTheDocument();
    const move = requests.find((r) => r.method === 'POST')!;
    expect(await move.json()).toEqual({ stageId: 's2' });
  });

  it('puts the card back and shows the problem when the server refuses', async () => {
    let answer: (response: Response) => void = () => undefined;
    setup(() => new Promise((resolve) => (answer = resolve)));
    const user = userEvent.setup();

    await user.selectOptions(await screen.findByLabelText('Move Villa 7 to'), 'Move to Offer');
    expect(within(column('Offer')).getByText('Villa 7')).toBeInTheDocument();
    answer(problem(409, 'deal_closed'));

    expect(await screen.findByRole('alert')).toHaveTextContent('Detail of deal_closed.');
    expect(within(column('New')).getByText('Villa 7')).toBeInTheDocument();
    expect(within(column('Offer')).queryByText('Villa 7')).toBeNull();
  });

  it('offers winning from the card, and says when that awaits approval', async () => {
    setup(() => Promise.resolve(json(200, deal('s1'))), {
      'POST /api/v1/deals/d1/win': () => json(202, { approvalId: 'a1', status: 'pending' }),
    });
    const user = userEvent.setup();

    await user.selectOptions(
      await screen.findByLabelText('Move Villa 7 to'),
      await screen.findByRole('option', { name: 'Mark won' }),
    );

    expect(await screen.findByText('Winning Villa 7 awaits approval.')).toBeInTheDocument();
  });
});
