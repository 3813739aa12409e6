import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, mockFetch, problem, renderRoute } from '@/testing/test-utils';
import { TasksBoardRoute } from './tasks-board';

const task = {
  id: 't1',
  title: 'Call the bank',
  dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
  assigneeId: 'u',
  subject: null,
  priority: 'normal',
  notes: null,
  status: 'open',
  completedAt: null,
  overdue: false,
  createdBy: 'u',
  createdAt: null,
  version: 1,
};

describe('completing a task on the board', () => {
  it('shows it done at once, and puts it back with the problem when the server refuses', async () => {
    let answer: (response: Response) => void = () => undefined;
    mockFetch({
      'GET /api/v1/tasks': (request) =>
        json(200, {
          items: new URL(request.url).searchParams.get('status') === 'open' ? [task] : [],
          nextCursor: null,
        }),
      'POST /api/v1/tasks/t1/complete': () => new Promise((resolve) => (answer = resolve)),
    });
    renderRoute([{ path: '/app/tasks', element: <TasksBoardRoute /> }], '/app/tasks');
    const user = userEvent.setup();
    const column = (name: string) => screen.getByRole('region', { name });

    await user.click(await screen.findByRole('button', { name: 'Mark Call the bank done' }));
    expect(within(column('Done')).getByText('Call the bank')).toBeInTheDocument();
    expect(within(column('To do')).queryByText('Call the bank')).toBeNull();

    answer(problem(403, 'forbidden'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Detail of forbidden.');
    expect(within(column('To do')).getByText('Call the bank')).toBeInTheDocument();
    expect(within(column('Done')).queryByText('Call the bank')).toBeNull();
  });
});
