import { useEffect, useRef, useSyncExternalStore } from 'react';
import { api, unwrap } from './api-client';
import { liveEventTypes, openLiveStream, type LiveEvent, type LiveStatus } from './live';

type Listener = (event: LiveEvent) => void;

/**
 * One stream per tab, shared by every page that shows live data: the signed-in shell keeps it open
 * ({@link useLiveConnection}) and pages listen to it ({@link useLiveEvents}).
 */
const listeners = new Set<Listener>();
const resyncListeners = new Set<() => void>();
const statusListeners = new Set<() => void>();
let status: LiveStatus = 'closed';

function setStatus(next: LiveStatus) {
  status = next;
  statusListeners.forEach((listener) => listener());
}

export function dispatchLiveEvent(event: LiveEvent) {
  listeners.forEach((listener) => listener(event));
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
      onResync: () => resyncListeners.forEach((listener) => listener()),
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
 * Calls `handler` for each live event of the given types, and `onResync` when the stream (re)opened without
 * resuming, so that what changed in between is read again.
 */
export function useLiveEvents(types: readonly string[], handler: Listener, onResync?: () => void) {
  const latest = useRef({ handler, onResync });
  useEffect(() => {
    latest.current = { handler, onResync };
  });
  const key = types.join(',');
  useEffect(() => {
    const wanted = new Set(key.split(','));
    const listener: Listener = (event) => {
      if (wanted.has(event.type)) latest.current.handler(event);
    };
    const resync = () => latest.current.onResync?.();
    listeners.add(listener);
    resyncListeners.add(resync);
    return () => {
      listeners.delete(listener);
      resyncListeners.delete(resync);
    };
  }, [key]);
}
