import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  defaultBackoff,
  liveEventTypes,
  openLiveStream,
  type EventSourceLike,
  type LiveEvent,
  type LiveStatus,
  type LiveTicket,
} from './live';

/** An EventSource double the test drives: open it, fail it, send it named events. */
class FakeSource implements EventSourceLike {
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  private readonly listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.(new Event('open'));
  }
  fail() {
    this.onerror?.(new Event('error'));
  }
  send(type: string, id: string, data: unknown) {
    const event = new MessageEvent<string>(type, { data: JSON.stringify(data), lastEventId: id });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

describe('the live stream client', () => {
  let sources: FakeSource[];
  let tickets: number;
  beforeEach(() => {
    vi.useFakeTimers();
    sources = [];
    tickets = 0;
  });
  afterEach(() => vi.useRealTimers());

  function open(
    extra: {
      onResync?: (since: number) => void;
      ticket?: () => Promise<LiveTicket>;
      types?: readonly string[];
      now?: () => number;
    } = {},
  ) {
    const events: LiveEvent[] = [];
    const statuses: LiveStatus[] = [];
    const stream = openLiveStream({
      baseUrl: 'http://host',
      types: extra.types ?? ['lead.created', 'call.logged'],
      ticket: extra.ticket ?? (() => Promise.resolve({ ticket: `t${++tickets}`, position: null })),
      ...(extra.now ? { now: extra.now } : {}),
      onEvent: (event) => events.push(event),
      onStatus: (status) => statuses.push(status),
      ...(extra.onResync ? { onResync: extra.onResync } : {}),
      createEventSource: (url) => {
        const source = new FakeSource(url);
        sources.push(source);
        return source;
      },
      backoff: (attempt) => 1000 * 2 ** attempt,
    });
    return { events, statuses, stream };
  }

  it('opens with a ticket, and after a failure reconnects with a new ticket after the last event id', async () => {
    const resyncs = vi.fn();
    const { events, statuses } = open({ onResync: resyncs });
    await vi.advanceTimersByTimeAsync(0);
    expect(sources[0]!.url).toBe('http://host/api/v1/stream?ticket=t1');
    sources[0]!.open();
    expect(resyncs).toHaveBeenCalledTimes(1);
    sources[0]!.send('lead.created', '41', { entityType: 'lead', entityId: 'L1', data: { name: 'Ada' } });
    sources[0]!.send('call.logged', '42', { entityType: 'lead', entityId: 'L1' });
    expect(events.map((e) => [e.type, e.id, e.entityId])).toEqual([
      ['lead.created', '41', 'L1'],
      ['call.logged', '42', 'L1'],
    ]);

    sources[0]!.fail();
    expect(sources[0]!.closed).toBe(true);
    expect(statuses.at(-1)).toBe('waiting');
    await vi.advanceTimersByTimeAsync(999);
    expect(sources).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sources[1]!.url).toBe('http://host/api/v1/stream?ticket=t2&lastEventId=42');
    sources[1]!.open();
    // Resumed after event 42: nothing was missed, so nothing needs reading again.
    expect(resyncs).toHaveBeenCalledTimes(1);
    // A replayed event is dropped.
    sources[1]!.send('call.logged', '42', {});
    sources[1]!.send('lead.created', '43', { entityId: 'L2' });
    expect(events.map((e) => e.id)).toEqual(['41', '42', '43']);
    expect(statuses).toContain('open');
  });

  it("starts at its ticket's position, current from the ticket's answer, and resumes from there", async () => {
    const resyncs: number[] = [];
    let clock = 100;
    const { events } = open({
      onResync: (since) => resyncs.push(since),
      now: () => clock,
      ticket: () => Promise.resolve({ ticket: `t${++tickets}`, position: '40', answeredAt: 120 }),
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(sources[0]!.url).toBe('http://host/api/v1/stream?ticket=t1&lastEventId=40');
    clock = 500;
    sources[0]!.open();
    // Everything after event 40 comes on the stream: only what was read before the ticket's answer may be stale.
    expect(resyncs).toEqual([120]);

    sources[0]!.fail();
    await vi.advanceTimersByTimeAsync(1000);
    expect(sources[1]!.url).toBe('http://host/api/v1/stream?ticket=t2&lastEventId=40');
    sources[1]!.open();
    sources[1]!.send('lead.created', '41', { entityId: 'L1' });
    expect(resyncs).toEqual([120]);
    expect(events.map((e) => e.id)).toEqual(['41']);
  });

  it('without a position, is current only from the moment it opened', async () => {
    const resyncs: number[] = [];
    let clock = 100;
    open({ onResync: (since) => resyncs.push(since), now: () => clock });
    await vi.advanceTimersByTimeAsync(0);
    expect(sources[0]!.url).toBe('http://host/api/v1/stream?ticket=t1');
    clock = 500;
    sources[0]!.open();
    expect(resyncs).toEqual([500]);
  });

  it('waits longer after each failed attempt, and starts over once a connection opened', async () => {
    let refuse = true;
    open({
      ticket: () =>
        refuse
          ? Promise.reject(new Error('offline'))
          : Promise.resolve({ ticket: `t${++tickets}`, position: null }),
    });
    await vi.advanceTimersByTimeAsync(0); // attempt 0 fails at once
    await vi.advanceTimersByTimeAsync(1000); // attempt 1 after 1 s
    await vi.advanceTimersByTimeAsync(2000); // attempt 2 after 2 s
    expect(sources).toHaveLength(0);
    refuse = false;
    await vi.advanceTimersByTimeAsync(3999);
    expect(sources).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1); // attempt 3 after 4 s
    expect(sources).toHaveLength(1);
    sources[0]!.open();
    sources[0]!.fail();
    await vi.advanceTimersByTimeAsync(1000); // back to 1 s
    expect(sources).toHaveLength(2);
  });

  it('stops for good when closed, also while waiting to reconnect', async () => {
    const { stream, statuses } = open();
    await vi.advanceTimersByTimeAsync(0);
    sources[0]!.fail();
    stream.close();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sources).toHaveLength(1);
    expect(statuses.at(-1)).toBe('closed');
  });

  it('delivers task.due with its data, also on a connection opened again', async () => {
    const { events } = open({ types: liveEventTypes });
    await vi.advanceTimersByTimeAsync(0);
    sources[0]!.open();
    sources[0]!.send('task.due', '7', { entityType: 'task', entityId: 'T1', data: { title: 'Call back' } });
    sources[0]!.fail();
    await vi.advanceTimersByTimeAsync(1000);
    expect(sources[1]!.url).toBe('http://host/api/v1/stream?ticket=t2&lastEventId=7');
    sources[1]!.send('task.due', '8', { entityType: 'task', entityId: 'T2', data: { title: 'Viewing' } });
    expect(events.map((e) => [e.type, e.entityId, e.data])).toEqual([
      ['task.due', 'T1', { title: 'Call back' }],
      ['task.due', 'T2', { title: 'Viewing' }],
    ]);
  });

  it('spreads the default backoff between half and all of a doubling ceiling of at most 30 s', () => {
    expect(defaultBackoff(0, () => 0)).toBe(1000);
    expect(defaultBackoff(0, () => 1)).toBe(500);
    expect(defaultBackoff(3, () => 0)).toBe(8000);
    expect(defaultBackoff(20, () => 0)).toBe(30_000);
  });
});
