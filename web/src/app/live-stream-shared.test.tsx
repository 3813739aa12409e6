import { QueryClientProvider } from '@tanstack/react-query';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TaskDueAlerts } from '@/features/tasks/components/task-due-alerts';
import { createQueryClient } from '@/lib/react-query';
import { json, mockFetch } from '@/testing/test-utils';
import { useLiveQuerySync } from './live-sync';

/** Stands in for the browser's EventSource: records every connection the page opens. */
class FakeEventSource {
  static opened: FakeEventSource[] = [];
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  private readonly listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();
  constructor(readonly url: string) {
    FakeEventSource.opened.push(this);
  }
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
  }
  send(type: string, id: string, data: unknown) {
    const event = new MessageEvent<string>(type, { data: JSON.stringify(data), lastEventId: id });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

/** What the signed-in shell does about the stream: the query sync (which opens it) and the task-due alert. */
function Shell() {
  useLiveQuerySync();
  return <TaskDueAlerts />;
}

function renderShell() {
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false } });
  const router = createMemoryRouter(
    [
      { path: '/app/dashboard', element: <Shell /> },
      { path: '/app/tasks', element: <p>The task board</p> },
    ],
    { initialEntries: ['/app/dashboard'] },
  );
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return queryClient;
}

describe('the live stream of a signed-in tab, with the task-due alert', () => {
  afterEach(() => {
    FakeEventSource.opened = [];
  });

  it('listens on the one stream of the tab, shows the due task and makes the task board stale', async () => {
    vi.stubGlobal('EventSource', FakeEventSource);
    const { requests } = mockFetch({ 'POST /api/v1/stream/ticket': () => json(200, { ticket: 't1' }) });
    const queryClient = renderShell();
    queryClient.setQueryData(['tasks', 'board'], []);

    await vi.waitFor(() => expect(FakeEventSource.opened).toHaveLength(1));
    const [source] = FakeEventSource.opened;
    expect(source!.url).toMatch(/\/api\/v1\/stream\?ticket=t1$/);
    expect(requests.filter((r) => r.url.endsWith('/api/v1/stream/ticket'))).toHaveLength(1);

    act(() => {
      source!.onopen?.(new Event('open'));
      source!.send('task.due', '7', {
        type: 'task.due',
        entityType: 'task',
        entityId: 'task-1',
        data: { title: 'Call back Ada' },
      });
    });

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Task due: Call back Ada');
    expect(queryClient.getQueryState(['tasks', 'board'])?.isInvalidated).toBe(true);
    // Still the one connection: the alert opened none of its own.
    expect(FakeEventSource.opened).toHaveLength(1);

    await userEvent.setup().click(screen.getByRole('link', { name: 'Open tasks' }));
    expect(await screen.findByText('The task board')).toBeInTheDocument();
  });

  it("reads again, when the stream opens at its ticket's position, only what was read before the ticket's answer", async () => {
    vi.stubGlobal('EventSource', FakeEventSource);
    mockFetch({ 'POST /api/v1/stream/ticket': () => json(200, { ticket: 't1', position: '40' }) });
    const queryClient = renderShell();
    queryClient.setQueryData(['leads', 'list'], []);

    await vi.waitFor(() => expect(FakeEventSource.opened).toHaveLength(1));
    const [source] = FakeEventSource.opened;
    expect(source!.url).toMatch(/\/api\/v1\/stream\?ticket=t1&lastEventId=40$/);
    // Read after the ticket's answer: the stream brings every change since, so this read stays as it is.
    await queryClient.query({ queryKey: ['deals', 'board'], queryFn: () => Promise.resolve([]) });

    act(() => source!.onopen?.(new Event('open')));

    expect(queryClient.getQueryState(['leads', 'list'])?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(['deals', 'board'])?.isInvalidated).toBe(false);
  });

  it('shows an event again only once, and says "A task" when the event has no title', async () => {
    vi.stubGlobal('EventSource', FakeEventSource);
    mockFetch({ 'POST /api/v1/stream/ticket': () => json(200, { ticket: 't1' }) });
    renderShell();
    await vi.waitFor(() => expect(FakeEventSource.opened).toHaveLength(1));
    const [source] = FakeEventSource.opened;

    act(() => {
      source!.send('task.due', '8', { entityType: 'task', entityId: 'task-2', data: {} });
      source!.send('task.due', '9', { entityType: 'task', entityId: 'task-2', data: {} });
    });

    expect(await screen.findByText('Task due: A task')).toBeInTheDocument();
    expect(screen.getAllByText(/^Task due:/)).toHaveLength(1);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Dismiss the alert about A task' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
