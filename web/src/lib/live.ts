/**
 * The live event stream (server-sent events of GET /api/v1/stream). A browser's EventSource cannot send the bearer
 * token, so each connection opens with a single-use ticket (POST /api/v1/stream/ticket). EventSource's own
 * reconnect would present the spent ticket again, so every failure closes it and this client reconnects itself:
 * with a fresh ticket, the id of the last event it received (the server resumes after it, nothing missed or
 * repeated) and a growing delay between attempts. The first connection starts at the position its ticket names (the
 * tenant's latest event when the ticket was issued), so only what was read before that answer may need reading again.
 */

/** One event of the stream: `id:` the tenant's sequence, `event:` the type, `data:` the JSON below. */
export interface LiveEvent {
  id: string;
  type: string;
  entityType?: string;
  entityId?: string;
  data?: unknown;
}

export type LiveStatus = 'connecting' | 'open' | 'waiting' | 'closed';

/** What the client needs of an EventSource: the browser's one, or a test double. */
export interface EventSourceLike {
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

/** A ticket of POST /api/v1/stream/ticket, with the tenant's latest event position when it was issued. */
export interface LiveTicket {
  ticket: string;
  position: string | null;
  /** When its answer arrived (performance.now()); now, if not given. */
  answeredAt?: number;
}

export interface LiveStreamOptions {
  /** A fresh ticket for each connection. */
  ticket: () => Promise<LiveTicket>;
  onEvent: (event: LiveEvent) => void;
  onStatus?: (status: LiveStatus) => void;
  /**
   * Called when a connection opens without resuming (the first one, or a later one before any event arrived), with
   * the moment (performance.now()) from which the stream brings every change: what was read before it may be stale,
   * so a consumer that shows live data reads that again. What was read after it is current with the stream.
   */
  onResync?: (since: number) => void;
  /** The clock `onResync` speaks in; performance.now() unless a test gives another. */
  now?: () => number;
  /** The event types to listen for (EventSource delivers a named event only to its listeners). */
  types: readonly string[];
  baseUrl?: string;
  createEventSource?: (url: string) => EventSourceLike;
  /** Delay before reconnect attempt n (0-based), in ms. */
  backoff?: (attempt: number) => number;
}

/**
 * The contract's event types, and the others the grains raise that pages show: lead, deal, task and unit changes (the
 * availability board applies unit events in place; the dashboard's widgets name them in the catalog's liveEvents).
 */
export const liveEventTypes = [
  'lead.created',
  'lead.updated',
  'lead.assigned',
  'lead.converted',
  'lead.deleted',
  'deal.created',
  'deal.updated',
  'deal.stage_changed',
  'deal.won',
  'deal.lost',
  'deal.deleted',
  'unit.created',
  'unit.updated',
  'unit.status_changed',
  'unit.hold_extended',
  'approval.requested',
  'approval.decided',
  'task.created',
  'task.updated',
  'task.completed',
  'task.due',
  'notification.created',
  'call.started',
  'call.logged',
  'activity.created',
  'activity.updated',
] as const;

/** 1 s, 2 s, 4 s … up to 30 s, each with up to half of it taken off at random so that tabs do not reconnect in step. */
export function defaultBackoff(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(30_000, 1_000 * 2 ** attempt);
  return Math.round(ceiling * (1 - random() / 2));
}

export function streamUrl(baseUrl: string, ticket: string, lastEventId: string | null): string {
  const query = new URLSearchParams({ ticket });
  if (lastEventId !== null) query.set('lastEventId', lastEventId);
  return `${baseUrl}/api/v1/stream?${query.toString()}`;
}

export function openLiveStream(options: LiveStreamOptions): { close: () => void } {
  const baseUrl = options.baseUrl ?? (typeof window !== 'undefined' ? window.location.origin : '');
  const create = options.createEventSource ?? ((url: string) => new EventSource(url));
  const backoff = options.backoff ?? ((attempt: number) => defaultBackoff(attempt));
  const now = options.now ?? (() => performance.now());
  let lastEventId: string | null = null;
  let attempt = 0;
  let source: EventSourceLike | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  // A function, not the variable: a check after an await must read it afresh (narrowing would assume it unchanged).
  const isClosed = () => closed;

  const setStatus = (status: LiveStatus) => options.onStatus?.(status);

  const retry = () => {
    if (isClosed()) return;
    setStatus('waiting');
    timer = setTimeout(() => void connect(), backoff(attempt));
    attempt += 1;
  };

  const receive = (event: MessageEvent<string>) => {
    // The server never repeats an event after Last-Event-ID; this guards against a replay all the same.
    if (event.lastEventId && lastEventId !== null && Number(event.lastEventId) <= Number(lastEventId)) return;
    if (event.lastEventId) lastEventId = event.lastEventId;
    let payload: Partial<LiveEvent> & { data?: unknown } = {};
    try {
      payload = JSON.parse(event.data) as typeof payload;
    } catch {
      // A frame that is not JSON still says its type: consumers refresh on the type alone.
    }
    options.onEvent({
      id: event.lastEventId,
      type: event.type,
      ...(typeof payload.entityType === 'string' ? { entityType: payload.entityType } : {}),
      ...(typeof payload.entityId === 'string' ? { entityId: payload.entityId } : {}),
      data: payload.data,
    });
  };

  async function connect() {
    timer = null;
    if (isClosed()) return;
    setStatus('connecting');
    let issued: LiveTicket;
    try {
      issued = await options.ticket();
    } catch {
      retry();
      return;
    }
    if (isClosed()) return;
    const answeredAt = issued.answeredAt ?? now();
    const resumed = lastEventId !== null;
    // Not resuming: start where the ticket was issued, so that the events since then are not lost in between.
    const from = lastEventId ?? issued.position;
    const current = create(streamUrl(baseUrl, issued.ticket, from));
    source = current;
    current.onopen = () => {
      attempt = 0;
      setStatus('open');
      if (resumed) return;
      lastEventId ??= from;
      options.onResync?.(from === null ? now() : answeredAt);
    };
    current.onerror = () => {
      // Closed here, so that EventSource does not retry with the spent ticket; a new one comes with the next try.
      current.close();
      if (source === current) source = null;
      retry();
    };
    for (const type of options.types) current.addEventListener(type, receive);
  }

  void connect();

  return {
    close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      source?.close();
      source = null;
      setStatus('closed');
    },
  };
}
