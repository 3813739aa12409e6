import { describe, expect, it } from 'vitest';
import { notificationLink } from './notification-link';

describe('where a notification leads', () => {
  it('to the record it is about', () => {
    expect(notificationLink({ entityType: 'approval', entityId: 'a1' })).toBe('/app/approvals/a1');
    expect(notificationLink({ entityType: 'deal', entityId: 'd1' })).toBe('/app/deals/d1');
    expect(notificationLink({ entityType: 'task', entityId: 't1' })).toBe('/app/tasks');
  });

  it('nowhere for a kind of record without a page', () => {
    expect(notificationLink({ entityType: 'user', entityId: 'u1' })).toBeNull();
  });
});
