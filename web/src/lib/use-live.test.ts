import { describe, expect, it, vi } from 'vitest';
import type { LiveEvent } from './live';
import { dispatchLiveEvent, dispatchLiveResync, subscribeLiveEvents } from './use-live';

const event = (type: string, entityId = 'e1'): LiveEvent => ({ id: '1', type, entityId });

describe("the tab's one live stream, shared", () => {
  it('hands each subscriber the events of its types only', () => {
    const due: LiveEvent[] = [];
    const deals: LiveEvent[] = [];
    const stopDue = subscribeLiveEvents(['task.due'], (e) => due.push(e));
    const stopDeals = subscribeLiveEvents(['deal.won', 'deal.lost'], (e) => deals.push(e));

    dispatchLiveEvent(event('task.due', 'task-1'));
    dispatchLiveEvent(event('deal.won', 'deal-1'));
    dispatchLiveEvent(event('lead.created'));

    expect(due.map((e) => e.entityId)).toEqual(['task-1']);
    expect(deals.map((e) => e.entityId)).toEqual(['deal-1']);
    stopDue();
    stopDeals();
  });

  it('stops calling a subscriber once it unsubscribed, the others still hear', () => {
    const first = vi.fn();
    const second = vi.fn();
    const firstResync = vi.fn();
    const stopFirst = subscribeLiveEvents(['task.due'], first, firstResync);
    const stopSecond = subscribeLiveEvents(['task.due'], second);

    dispatchLiveResync(0);
    expect(firstResync).toHaveBeenCalledTimes(1);
    stopFirst();
    dispatchLiveEvent(event('task.due'));
    dispatchLiveResync(0);

    expect(first).not.toHaveBeenCalled();
    expect(firstResync).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(1);
    stopSecond();
  });

  it('keeps one resync per subscription when the same function subscribes twice', () => {
    const resync = vi.fn();
    const stopOne = subscribeLiveEvents(['task.due'], () => undefined, resync);
    const stopTwo = subscribeLiveEvents(['deal.won'], () => undefined, resync);
    stopOne();
    dispatchLiveResync(0);
    expect(resync).toHaveBeenCalledTimes(1);
    stopTwo();
  });
});
