import { useEffect, useRef, useSyncExternalStore } from 'react';
import { api, unwrap } from './api-client';
import { liveEventTypes, openLiveStream, type LiveEvent, type LiveStatus, type LiveTicket } from './live';

type Listener = (event: LiveEvent) => void;

/**
 * One stream per tab, shared by everything that shows live data: the signed-in shell keeps it open
 * ({@link useLiveConnection}) and everything else listens to it ({@link useLiveEvents}: the query sync, the task-due
 * alert, pages); nothing else opens an EventSource on /api/v1/stream (the server caps streams per user).
 */
const listeners = new Set<Listener>();
const resyncListeners = new Set<(since: number) => void>();
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

/** Tells every subscriber that the stream opened without resuming, current from `since` on (exported for tests). */
export function dispatchLiveResync(since: number) {
  resyncListeners.forEach((listener) => listener(since));
}

async function requestTicket(): Promise<LiveTicket> {
  const answer = await unwrap(api.POST('/api/v1/stream/ticket', {}));
  // An older server answers no position: the stream then starts at the present, and the resync covers every read.
  const position: unknown = (answer as { position?: unknown }).position;
  return {
    ticket: answer.ticket,
    position: typeof position === 'string' ? position : null,
    answeredAt: performance.now(),
  };
}

/** A ticket asked for as the app starts; used by the first connection if it comes within this many ms. */
let primed: { at: number; ticket: Promise<LiveTicket> } | null = null;
const primedTicketMs = 20_000;

/**
 * Asks for the stream's ticket before any page reads (main.tsx, on a signed-in page): the stream then starts at a
 * position older than every read of the first page, and none of them needs reading again when it opens. Resolves
 * once the ticket is answered, true if it was: reads started from then on are ones the stream will not resync.
 */
export function primeLiveTicket(): Promise<boolean> {
  const ticket = requestTicket();
  primed = { at: performance.now(), ticket };
  return ticket.then(
    () => true,
    () => false,
  );
}

function takeTicket(): Promise<LiveTicket> {
  const ready = primed;
  primed = null;
  if (ready !== null && performance.now() - ready.at < primedTicketMs)
    return ready.ticket.catch(requestTicket);
  return requestTicket();
}

/** Opens the stream while the calling component is mounted (the signed-in shell). */
export function useLiveConnection() {
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const stream = openLiveStream({
      ticket: takeTicket,
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
 * without resuming, with the moment from which it is current; returns the unsubscribe. The stream itself is opened
 * by {@link useLiveConnection}, not here.
 */
export function subscribeLiveEvents(
  types: readonly string[],
  handler: Listener,
  onResync?: (since: number) => void,
): () => void {
  const wanted = new Set(types);
  const listener: Listener = (event) => {
    if (wanted.has(event.type)) handler(event);
  };
  // Wrapped, so that the same function subscribed twice is also unsubscribed once at a time.
  const resync = (since: number) => onResync?.(since);
  listeners.add(listener);
  resyncListeners.add(resync);
  return () => {
    listeners.delete(listener);
    resyncListeners.delete(resync);
  };
}

/**
 * Calls `handler` for each live event of the given types, and `onResync` when the stream (re)opened without
 * resuming, so that what was read before `since` is read again.
 */
export function useLiveEvents(
  types: readonly string[],
  handler: Listener,
  onResync?: (since: number) => void,
) {
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
        (since) => latest.current.onResync?.(since),
      ),
    [key],
  );
}
