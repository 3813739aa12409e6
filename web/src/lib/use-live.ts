import { useEffect, useRef, useSyncExternalStore } from 'react';
import { api, unwrap } from './api-client';
import { liveEventTypes, openLiveStream, type LiveEvent, type LiveStatus } from './live';

type Listener = (event: LiveEvent) => void;

/**
 * One stream per tab, shared by everything that shows live data: the signed-in shell keeps it open
 * ({@link useLiveConnection}) and everything else listens to it ({@link useLiveEvents}: the query sync, the task-due
 * alert, pages); nothing else opens an EventSource on /api/v1/stream (the server caps streams per user).
 */
const listeners = new Set<Listener>();
const resyncListeners = new Set<() => void>();
const statusListeners = new Set<() => void>();
let status: LiveStatus = 'closed';

function setStatus(next: LiveStatus) {
  status = next;
  statusListeners.forEach((listener) => listener());
}

/** Hands an event of the stream to every subscriber (exported for tests). */
export function dispatchLiveEvent(event: LiveEvent) {
  listeners.forEach((listener) => listener(event));
}

/** Tells every subscriber that the stream opened without resuming (exported for tests). */
export function dispatchLiveResync() {
  resyncListeners.forEach((listener) => listener());
}

/** Opens the stream while the calling component is mounted (the signed-in shell). */
export function useLiveConnection() {
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const stream = openLiveStream({
      ticket: async () => (await unwrap(api.POST('/api/v1/stream/ticket', {}))).ticket,
      types: liveEventTypes,
      onEvent: dispatchLiveEvent,
      onStatus: setStatus,
      onResync: dispatchLiveResync,
    });
    return () => stream.close();
  }, []);
}

/** Whether the stream is open now: a page may poll while it is not. */
export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    (listener) => {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    () => status,
    () => status,
  );
}

/**
 * Calls `handler` for each event of the given types on the tab's one stream, and `onResync` when it (re)opened
 * without resuming; returns the unsubscribe. The stream itself is opened by {@link useLiveConnection}, not here.
 */
export function subscribeLiveEvents(
  types: readonly string[],
  handler: Listener,
  onResync?: () => void,
): () => void {
  const wanted = new Set(types);
  const listener: Listener = (event) => {
    if (wanted.has(event.type)) handler(event);
  };
  // Wrapped, so that the same function subscribed twice is also unsubscribed once at a time.
  const resync = () => onResync?.();
  listeners.add(listener);
  resyncListeners.add(resync);
  return () => {
    listeners.delete(listener);
    resyncListeners.delete(resync);
  };
}

/**
 * Calls `handler` for each live event of the given types, and `onResync` when the stream (re)opened without
 * resuming, so that what changed in between is read again.
 */
export function useLiveEvents(types: readonly string[], handler: Listener, onResync?: () => void) {
  const latest = useRef({ handler, onResync });
  useEffect(() => {
    latest.current = { handler, onResync };
  });
  const key = types.join(',');
  useEffect(
    () =>
      subscribeLiveEvents(
        key.split(','),
        (event) => latest.current.handler(event),
        () => latest.current.onResync?.(),
      ),
    [key],
  );
}
