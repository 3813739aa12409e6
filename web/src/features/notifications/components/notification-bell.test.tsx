import { screen } from '@testing-library/react';
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
