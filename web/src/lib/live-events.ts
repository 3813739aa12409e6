import { useEffect, useRef } from 'react';
import { api, unwrap } from './api-client';

/** One event of the live stream (GET /api/v1/stream), as its `data:` line carries it. */
export interface LiveEvent {
  sequence: number | string;
  type: string;
  entityType: string;
  entityId: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

type Listener = (event: LiveEvent) => void;

/** What this module needs of an EventSource (a fake one in tests). */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
  onerror: ((event: Event) => void) | null;
  onopen: ((event: Event) => void) | null;
}

export interface LiveEventsOptions {
  /** A single-use stream ticket (POST /api/v1/stream/ticket): EventSource cannot send a bearer token. */
  issueTicket: () => Promise<string>;
  open: (url: string) => EventSourceLike;
  /** The wait before reconnecting, doubled after each failure up to a minute. */
  retryMs?: number;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/**
 * One stream connection shared by every subscriber, open while anyone listens. The stream ends now and then (the
 * access lifetime of its ticket, a restart of the host); each ticket opens it once, so every reconnection takes a
 * new ticket and names the last event seen, and the server sends what came after it: nothing missed or repeated.
 */
export function createLiveEvents(options: LiveEventsOptions) {
  const retryMs = options.retryMs ?? 2000;
  const setTimer = options.setTimer ?? ((run, ms) => window.setTimeout(run, ms));
  const clearTimer = options.clearTimer ?? ((timer) => window.clearTimeout(timer as number));
  const listeners = new Map<string, Set<Listener>>();
  let source: EventSourceLike | null = null;
  let listening = new Set<string>();
  let lastEventId: string | null = null;
  let timer: unknown = null;
  let failures = 0;
  // Bumped on every (re)connect and on close, so that a ticket arriving late opens nothing.
  let generation = 0;

  const dispatch = (type: string) => (message: MessageEvent<string>) => {
    if (message.lastEventId) lastEventId = message.lastEventId;
    failures = 0;
    let event: LiveEvent;
    try {
      event = JSON.parse(message.data) as LiveEvent;
    } catch {
      return;
    }
    listeners.get(type)?.forEach((listener) => listener(event));
  };

  function listen(type: string) {
    if (source && !listening.has(type)) {
      source.addEventListener(type, dispatch(type));
      listening.add(type);
    }
  }

  function retry() {
    const wait = Math.min(retryMs * 2 ** failures, 60_000);
    failures += 1;
    timer = setTimer(() => {
      timer = null;
      connect();
    }, wait);
  }

  function connect() {
    const current = ++generation;
    options.issueTicket().then(
      (ticket) => {
        if (current !== generation) return;
        const query = new URLSearchParams({ ticket });
        if (lastEventId !== null) query.set('lastEventId', lastEventId);
        source = options.open(`/api/v1/stream?${query.toString()}`);
        listening = new Set();
        for (const type of listeners.keys()) listen(type);
        source.onopen = () => {
          failures = 0;
        };
        source.onerror = () => {
          // The browser would reconnect with the spent ticket; reconnect here with a new one instead.
          source?.close();
          source = null;
          if (current === generation) retry();
        };
      },
      () => {
        if (current === generation) retry();
      },
    );
  }

  function close() {
    generation += 1;
    source?.close();
    source = null;
    if (timer !== null) clearTimer(timer);
    timer = null;
  }

  return {
    subscribe(type: string, listener: Listener): () => void {
      const first = listeners.size === 0;
      let set = listeners.get(type);
      if (!set) listeners.set(type, (set = new Set()));
      set.add(listener);
      if (first && !source && timer === null) connect();
      else listen(type);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(type);
        if (listeners.size === 0) close();
      };
    },
  };
}

const liveEvents = createLiveEvents({
  issueTicket: async () => (await unwrap(api.POST('/api/v1/stream/ticket', {}))).ticket,
  open: (url) => new EventSource(url),
});

/** Calls `listener` for each live event of `type` while the component is mounted. */
export function useLiveEvent(type: string, listener: Listener) {
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => liveEvents.subscribe(type, (event) => latest.current(event)), [type]);
}
