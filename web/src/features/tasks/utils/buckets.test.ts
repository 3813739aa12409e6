import { describe, expect, it } from 'vitest';
import type { components } from '@/types/api.gen';
import { groupTasks, taskColumn, withTaskCompleted } from './buckets';

type Task = components['schemas']['TaskItemInfo'];

function task(
  id: string,
  dueAt: Date,
  status: Task['status'] = 'open',
  completedAt: Date | null = null,
): Task {
  return {
    id,
    title: `Task ${id}`,
    dueAt: dueAt.toISOString(),
    assigneeId: 'u',
    subject: null,
    priority: 'normal',
    notes: null,
    status,
    completedAt: completedAt?.toISOString() ?? null,
    overdue: false,
    createdBy: 'u',
    createdAt: null,
    version: 1,
  };
}

// Noon local time, so that an hour either side stays on the same local day.
const now = new Date(2026, 11, 3, 12, 0, 0);
const at = (days: number, hours = 0) => new Date(2026, 11, 3 + days, 12 + hours, 0, 0);

describe('the column of a task', () => {
  it('is overdue once the due time passed, even earlier today', () => {
    expect(taskColumn(task('a', at(0, -1)), now)).toBe('overdue');
    expect(taskColumn(task('a', at(-3)), now)).toBe('overdue');
    expect(taskColumn(task('a', now), now)).toBe('overdue');
  });

  it('is due today later on the local date, and to do from tomorrow on', () => {
    expect(taskColumn(task('a', at(0, 1)), now)).toBe('today');
    expect(taskColumn(task('a', new Date(2026, 11, 3, 23, 59)), now)).toBe('today');
    expect(taskColumn(task('a', new Date(2026, 11, 4, 0, 0)), now)).toBe('todo');
  });

  it('is done once completed, whenever it was due', () => {
    expect(taskColumn(task('a', at(-3), 'completed'), now)).toBe('done');
    expect(taskColumn(task('a', at(3), 'completed'), now)).toBe('done');
  });
});

describe('the board', () => {
  it('orders open tasks soonest due first and done ones latest completed first', () => {
    const columns = groupTasks(
      [
        task('later', at(5)),
        task('sooner', at(2)),
        task('old-done', at(-5), 'completed', at(-4)),
        task('new-done', at(-5), 'completed', at(0, -1)),
        task('late', at(-1)),
      ],
      now,
    );
    expect(columns.todo.map((t) => t.id)).toEqual(['sooner', 'later']);
    expect(columns.overdue.map((t) => t.id)).toEqual(['late']);
    expect(columns.today).toEqual([]);
    expect(columns.done.map((t) => t.id)).toEqual(['new-done', 'old-done']);
  });

  it('moves a completed task to done', () => {
    const after = withTaskCompleted([task('a', at(-1)), task('b', at(1))], 'a', now);
    expect(groupTasks(after, now).done.map((t) => t.id)).toEqual(['a']);
    expect(after[1]!.status).toBe('open');
  });
});
