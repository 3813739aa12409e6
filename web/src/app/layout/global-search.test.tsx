import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, mockFetch, renderRoute } from '@/testing/test-utils';
import { GlobalSearch } from './global-search';

const page = (items: unknown[]) => json(200, { items, nextCursor: null });

describe('the top bar search', () => {
  it('lists matches by kind and opens the one picked with the arrow keys', async () => {
    const { requests } = mockFetch({
      'GET /api/v1/leads': () => page([{ id: 'l1', name: 'Ada Lead', phone: '+1555', email: null }]),
      'GET /api/v1/contacts': () =>
        page([{ id: 'c1', firstName: 'Ada', lastName: 'Contact', emails: ['ada@x.test'], phones: [] }]),
      'GET /api/v1/companies': () => json(403, { code: 'forbidden', title: 'Forbidden', status: 403 }),
      'GET /api/v1/deals': () => page([]),
    });
    const { router } = renderRoute(
      [
        { path: '/app/dashboard', element: <GlobalSearch /> },
        { path: '*', element: <p>elsewhere</p> },
      ],
      '/app/dashboard',
    );
    const user = userEvent.setup();
    const box = screen.getByRole('combobox', { name: 'Search' });
    await user.type(box, 'ada');

    expect(await screen.findByRole('option', { name: /Ada Lead/ })).toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Leads' })).toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Contacts' })).toBeInTheDocument();
    // A list the user may not read is left out, not an error.
    expect(screen.queryByRole('group', { name: 'Companies' })).toBeNull();
    expect(box).toHaveAttribute('aria-expanded', 'true');
    expect(new URL(requests[0]!.url).searchParams.get('q')).toBe('ada');

    await user.keyboard('{ArrowDown}{ArrowDown}');
    const contact = screen.getByRole('option', { name: /Ada Contact/ });
    expect(contact).toHaveAttribute('aria-selected', 'true');
    expect(box).toHaveAttribute('aria-activedescendant', contact.id);
    await user.keyboard('{ArrowUp}{Enter}');
    expect(router.state.location.pathname).toBe('/app/leads/l1');
  });

  it('Escape closes the results; Enter with none chosen searches the lead list', async () => {
    mockFetch({
      'GET /api/v1/leads': () => page([]),
      'GET /api/v1/contacts': () => page([]),
      'GET /api/v1/companies': () => page([]),
      'GET /api/v1/deals': () => page([]),
    });
    const { router } = renderRoute(
      [
        { path: '/app/dashboard', element: <GlobalSearch /> },
        { path: '*', element: <p>elsewhere</p> },
      ],
      '/app/dashboard',
    );
    const user = userEvent.setup();
    const box = screen.getByRole('combobox', { name: 'Search' });
    await user.type(box, 'zed');
    expect(await screen.findByText('Nothing found. Press Enter to search the leads.')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(box).toHaveAttribute('aria-expanded', 'false');
    await user.keyboard('{Enter}');
    expect(router.state.location.pathname + router.state.location.search).toBe('/app/leads?q=zed');
  });
});
