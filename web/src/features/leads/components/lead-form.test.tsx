import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, mockFetch, problem, renderRoute } from '@/testing/test-utils';
import { LeadNewRoute } from '../routes/lead-new';

const catalogs = {
  'GET /api/v1/lead-statuses': () =>
    json(200, { items: [{ key: 'new', name: 'New', category: 'open', order: 1 }] }),
  'GET /api/v1/lead-sources': () => json(200, { items: [{ key: 'web', name: 'Website' }] }),
};

const routes = [
  { path: '/app/leads/new', element: <LeadNewRoute /> },
  { path: '/app/leads/:id', element: <h1>Lead page</h1> },
];

describe('the new lead form', () => {
  it('offers to open the existing lead when the phone is already on one', async () => {
    mockFetch({
      ...catalogs,
      'POST /api/v1/leads': () => problem(409, 'duplicate_lead', { existingId: 'lead-42' }),
    });
    const { router } = renderRoute(routes, '/app/leads/new');
    const user = userEvent.setup();

    await user.type(screen.getByLabelText('Name'), 'Ada');
    await user.type(screen.getByLabelText('Phone'), '+44 20 7946 0000');
    await user.selectOptions(
      await screen.findByLabelText('Source'),
      await screen.findByRole('option', { name: 'Website' }),
    );
    await user.click(screen.getByRole('button', { name: 'Create lead' }));
    await user.click(await screen.findByRole('link', { name: 'Open the existing lead' }));

    expect(router.state.location.pathname).toBe('/app/leads/lead-42');
  });

  it('sends what was typed and opens the created lead', async () => {
    const { requests } = mockFetch({
      ...catalogs,
      'POST /api/v1/leads': () => json(201, { id: 'lead-9', name: 'Ada' }),
    });
    const { router } = renderRoute(routes, '/app/leads/new');
    const user = userEvent.setup();

    await user.type(screen.getByLabelText('Name'), 'Ada');
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.selectOptions(
      await screen.findByLabelText('Source'),
      await screen.findByRole('option', { name: 'Website' }),
    );
    await user.click(screen.getByRole('button', { name: 'Create lead' }));

    expect(await screen.findByRole('heading', { name: 'Lead page' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/app/leads/lead-9');
    const post = requests.find((r) => r.method === 'POST')!;
    expect(await post.json()).toEqual({
      name: 'Ada',
      phone: null,
      email: 'ada@example.com',
      source: 'web',
      status: null,
      notes: null,
    });
  });
});
