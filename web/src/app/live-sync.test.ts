import { describe, expect, it } from 'vitest';
import { queryKeysFor } from './live-sync';

describe('live events to stale queries', () => {
  it('makes lead lists, and the lead timeline, stale on lead and call events', () => {
    expect(queryKeysFor({ id: '1', type: 'lead.created', entityType: 'lead', entityId: 'L1' })).toEqual([
      ['leads'],
      ['timeline', 'lead', 'L1'],
    ]);
    expect(queryKeysFor({ id: '2', type: 'call.logged', entityType: 'lead', entityId: 'L1' })).toEqual([
      ['leads'],
      ['timeline', 'lead', 'L1'],
    ]);
  });

  it('makes the notification count stale on a new notification, and ignores unknown types', () => {
    expect(queryKeysFor({ id: '3', type: 'notification.created' })).toEqual([['notifications']]);
    expect(queryKeysFor({ id: '4', type: 'something.else' })).toEqual([]);
  });
});
