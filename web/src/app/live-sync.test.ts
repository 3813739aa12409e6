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

  it('makes the timeline of the record an activity is about stale', () => {
    const data = { subjectType: 'deal', subjectId: 'D1', type: 'meeting' };
    expect(
      queryKeysFor({ id: '5', type: 'activity.created', entityType: 'activity', entityId: 'A1', data }),
    ).toEqual([['timeline', 'deal', 'D1']]);
    expect(
      queryKeysFor({ id: '6', type: 'activity.created', entityType: 'activity', entityId: 'A2' }),
    ).toEqual([]);
  });

  it('makes the notification count stale on a new notification, and ignores unknown types', () => {
    expect(queryKeysFor({ id: '3', type: 'notification.created' })).toEqual([['notifications']]);
    expect(queryKeysFor({ id: '4', type: 'something.else' })).toEqual([]);
  });
});
