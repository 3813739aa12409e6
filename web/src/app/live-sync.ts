import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { LiveEvent } from '@/lib/live';
import { liveEventTypes } from '@/lib/live';
import { readBefore } from '@/lib/react-query';
import { useLiveConnection, useLiveEvents } from '@/lib/use-live';

/**
 * The queries a live event makes stale. Lists are read again as a whole (a created or changed row may now sort or
 * filter differently); the record itself and its timeline are read again by id.
 */
export function queryKeysFor(event: LiveEvent): QueryKey[] {
  const [resource] = event.type.split('.');
  const id = event.entityId;
  switch (resource) {
    case 'lead':
    case 'call':
      return [['leads'], ...(id ? [['timeline', 'lead', id]] : [])];
    case 'deal':
      return [['deals'], ...(id ? [['timeline', 'deal', id]] : [])];
    case 'notification':
      return [['notifications']];
    case 'task':
      return [['tasks'], ['notifications']];
    case 'approval':
      return [['approvals'], ['notifications']];
    case 'unit':
      return [['units'], ...(id ? [['timeline', 'unit', id]] : [])];
    case 'activity': {
      // An activity shows in the timeline of the record it is about.
      const { subjectType, subjectId } = (event.data ?? {}) as { subjectType?: unknown; subjectId?: unknown };
      return typeof subjectType === 'string' && typeof subjectId === 'string'
        ? [['timeline', subjectType, subjectId]]
        : [];
    }
    default:
      return [];
  }
}

/** Bursts (an import, a busy call floor) are read again once per this many ms, not once per event. */
const batchMs = 250;

/**
 * Keeps the signed-in tab's queries in step with the live stream: one connection for the tab, each event turned
 * into the invalidation of what it changed; when a connection opens without resuming, whatever was read before the
 * moment it is current from is read again (with the ticket's position, that is seldom anything).
 */
export function useLiveQuerySync() {
  const queryClient = useQueryClient();
  const pending = useRef(new Map<string, QueryKey>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useLiveConnection();
  useLiveEvents(
    liveEventTypes,
    (event) => {
      for (const key of queryKeysFor(event)) pending.current.set(JSON.stringify(key), key);
      timer.current ??= setTimeout(() => {
        timer.current = null;
        const keys = [...pending.current.values()];
        pending.current.clear();
        for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
      }, batchMs);
    },
    (since) => void queryClient.invalidateQueries({ predicate: (query) => readBefore(query, since) }),
  );
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
}
