import { describe, expect, it } from 'vitest';
import { createLiveEvents, type EventSourceLike, type LiveEvent } from './live-events';

class FakeSource implements EventSourceLike {
  listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();
  onerror: ((event: Event) => void) | null = null;
  onopen: ((event: Event) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
  }
  emit(type: string, id: string, data: object) {
    const event = new MessageEvent(type, { data: JSON.stringify(data), lastEventId: id });
    this.listeners.get(type)?.forEach((listener) => listener(event));
  }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup() {
  const sources: FakeSource[] = [];
  const timers: (() => void)[] = [];
  let tickets = 0;
  const live = createLiveEvents({
    issueTicket: () => Promise.resolve(`t${String(++tickets)}`),
    open: (url) => {
      const source = new FakeSource(url);
      sources.push(source);
      return source;
    },
    setTimer: (run) => timers.push(run),
    clearTimer: () => undefined,
  });
  return { live, sources, timers };
}

describe('the live event stream', () => {
  it('opens one connection with a ticket and hands each subscriber its events', async () => {
    const { live, sources } = setup();
    const due: LiveEvent[] = [];
    const other: LiveEvent[] = [];
    live.subscribe('task.due', (event) => due.push(event));
    live.subscribe('deal.won', (event) => other.push(event));
    await flush();

    expect(sources).toHaveLength(1);
    expect(sources[0]!.url).toBe('/api/v1/stream?ticket=t1');
    sources[0]!.emit('task.due', '7', { type: 'task.due', entityId: 'task-1', data: { title: 'Call back' } });

    expect(due.map((e) => e.entityId)).toEqual(['task-1']);
    expect(other).toEqual([]);
  });

  it('reconnects after the stream ends with a new ticket, from the last event seen', async () => {
    const { live, sources, timers } = setup();
    live.subscribe('task.due', () => undefined);
    await flush();
    sources[0]!.emit('task.due', '41', { type: 'task.due' });

    sources[0]!.onerror?.(new Event('error'));
    expect(sources[0]!.closed).toBe(true);
    timers.shift()!();
    await flush();

    expect(sources[1]!.url).toBe('/api/v1/stream?ticket=t2&lastEventId=41');
    expect(sources[1]!.listeners.has('task.due')).toBe(true);
  });

  it('closes the connection when the last subscriber leaves', async () => {
    const { live, sources } = setup();
    const stop = live.subscribe('task.due', () => undefined);
    await flush();
    stop();
    expect(sources[0]!.closed).toBe(true);
  });
});
