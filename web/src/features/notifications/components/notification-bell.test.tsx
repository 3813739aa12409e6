import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, mockFetch, renderElement } from '@/testing/test-utils';
import { NotificationBell } from './notification-bell';

describe('the notification bell', () => {
  it('names and shows the unread count', async () => {
    mockFetch({ 'GET /api/v1/notifications/unread-count': () => json(200, { count: 3 }) });
    renderElement(<NotificationBell />);

    expect(await screen.findByRole('button', { name: 'Notifications, 3 unread' })).toBeInTheDocument();
    expect(screen.getByTestId('unread-count')).toHaveTextContent('3');
  });

  it('shows no badge when nothing is unread', async () => {
    mockFetch({ 'GET /api/v1/notifications/unread-count': () => json(200, { count: 0 }) });
    renderElement(<NotificationBell />);

    expect(await screen.findByRole('button', { name: 'Notifications, none unread' })).toBeInTheDocument();
    expect(screen.queryByTestId('unread-count')).toBeNull();
  });
});

describe('the notification centre', () => {
  const unread = {
    id: 'n1',
    eventType: 'approval.requested',
    entityType: 'approval',
    entityId: 'a1',
    title: 'Approval requested',
    body: 'An approval of deal discount awaits your decision.',
    createdAt: '2026-12-03T10:00:00Z',
    read: false,
    readAt: null,
  };

  it('opens from the bell, links each notification to its record, and closes on Escape with the focus back on the bell', async () => {
    mockFetch({
      'GET /api/v1/notifications/unread-count': () => json(200, { count: 1 }),
      'GET /api/v1/notifications': () => json(200, { items: [unread], nextCursor: null }),
    });
    renderElement(<NotificationBell />);
    const user = userEvent.setup();
    const bell = await screen.findByRole('button', { name: 'Notifications, 1 unread' });

    await user.click(bell);
    const panel = screen.getByRole('dialog', { name: 'Notifications' });
    expect(bell).toHaveAttribute('aria-expanded', 'true');
    expect(await within(panel).findByRole('link', { name: 'Approval requested' })).toHaveAttribute(
      'href',
      '/app/approvals/a1',
    );
    expect(within(panel).getByTestId('notification')).toHaveAttribute('data-unread', 'true');

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(bell).toHaveFocus();
  });

  it('marks one read, and all read', async () => {
    const { requests } = mockFetch({
      'GET /api/v1/notifications/unread-count': () => json(200, { count: 1 }),
      'GET /api/v1/notifications': () => json(200, { items: [unread], nextCursor: null }),
      'POST /api/v1/notifications/n1/read': () => json(200, { ...unread, read: true }),
      'POST /api/v1/notifications/read-all': () => new Response(null, { status: 204 }),
    });
    renderElement(<NotificationBell />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Notifications, 1 unread' }));

    await user.click(await screen.findByRole('button', { name: 'Mark read: Approval requested' }));
    await user.click(screen.getByRole('button', { name: 'Mark all read' }));
    await waitFor(() =>
      expect(requests.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual(
        expect.arrayContaining(['POST /api/v1/notifications/n1/read', 'POST /api/v1/notifications/read-all']),
      ),
    );
  });
});
