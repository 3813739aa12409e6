import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, mockFetch, problem, renderRoute } from '@/testing/test-utils';
import { ContactDetailRoute } from '../routes/contact-detail';

const contact = {
  id: 'c1',
  firstName: 'Layla',
  lastName: 'Nasser',
  emails: [],
  phones: ['+971509990011'],
  companyId: null,
  ownerId: 'u1',
  createdAt: '2026-12-01T09:00:00Z',
  updatedAt: '2026-12-01T09:00:00Z',
  version: 1,
};

function renderContact(answerCall: (request: Request) => Response | Promise<Response>) {
  let timelineReads = 0;
  const mocks = mockFetch({
    'GET /api/v1/contacts/c1': () => json(200, contact),
    'GET /api/v1/deals': () => json(200, { items: [], nextCursor: null }),
    'GET /api/v1/entities/contact/c1/timeline': () => {
      timelineReads++;
      return json(200, {
        items:
          timelineReads === 1
            ? []
            : [{ kind: 'event', type: 'call.logged', at: '2026-12-05T10:00:00Z', actorId: 'u1' }],
        nextCursor: null,
      });
    },
    'POST /api/v1/contacts/c1/calls': answerCall,
  });
  renderRoute([{ path: '/app/contacts/:id', element: <ContactDetailRoute /> }], '/app/contacts/c1');
  return mocks;
}

describe("a contact's call log", () => {
  it('sends the outcome, the length in seconds and the notes, and shows the call on the timeline', async () => {
    const { requests } = renderContact(() =>
      json(200, { id: 'a1', type: 'call', subject: { type: 'contact', id: 'c1' }, outcome: 'interested' }),
    );
    const user = userEvent.setup();

    await user.selectOptions(await screen.findByLabelText('Outcome'), 'interested');
    await user.clear(screen.getByLabelText('Duration (minutes)'));
    await user.type(screen.getByLabelText('Duration (minutes)'), '2.5');
    await user.type(screen.getByLabelText('Call notes'), '  Wants the payment plan. ');
    await user.click(screen.getByRole('button', { name: 'Log call' }));

    expect(await screen.findByRole('status')).toHaveTextContent('Call logged.');
    expect(await screen.findByText(/call logged/)).toBeInTheDocument();
    expect(screen.getByLabelText('Call notes')).toHaveValue('');
    const post = requests.find((r) => r.method === 'POST')!;
    expect(await post.json()).toEqual({
      disposition: 'interested',
      durationSeconds: 150,
      notes: 'Wants the payment plan.',
    });
  });

  it("shows the server's refusal of a field under that field", async () => {
    renderContact(() =>
      problem(400, 'validation_failed', { errors: { durationSeconds: ['0 to 86400 seconds.'] } }),
    );
    const user = userEvent.setup();

    await user.clear(await screen.findByLabelText('Duration (minutes)'));
    await user.type(screen.getByLabelText('Duration (minutes)'), '9999');
    await user.click(screen.getByRole('button', { name: 'Log call' }));

    expect(await screen.findByText('0 to 86400 seconds.')).toBeInTheDocument();
    expect(screen.getByLabelText('Duration (minutes)')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByRole('status')).toBeNull();
  });
});
