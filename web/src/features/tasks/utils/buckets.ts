import type { components } from '@/types/api.gen';

type Task = components['schemas']['TaskItemInfo'];

export type TaskColumnKey = 'todo' | 'today' | 'overdue' | 'done';

export const taskColumns: { key: TaskColumnKey; name: string }[] = [
  { key: 'todo', name: 'To do' },
  { key: 'today', name: 'Due today' },
  { key: 'overdue', name: 'Overdue' },
  { key: 'done', name: 'Done' },
];

function sameLocalDay(a: Date, b: Date) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/**
 * Where a task stands at `now`: done once completed; overdue once its due time passed; due today when it falls
 * later on today's date where the user is; to do otherwise. (The user's day, not UTC's: "today" is theirs.)
 */
export function taskColumn(task: Pick<Task, 'status' | 'dueAt'>, now: Date): TaskColumnKey {
  if (task.status === 'completed') return 'done';
  const due = new Date(String(task.dueAt));
  if (due.getTime() <= now.getTime()) return 'overdue';
  return sameLocalDay(due, now) ? 'today' : 'todo';
}

/** The tasks by column: open ones soonest due first, done ones most recently completed first. */
export function groupTasks(tasks: readonly Task[], now: Date): Record<TaskColumnKey, Task[]> {
  const columns: Record<TaskColumnKey, Task[]> = { todo: [], today: [], overdue: [], done: [] };
  for (const task of tasks) columns[taskColumn(task, now)].push(task);
  const time = (value: unknown) => new Date(String(value)).getTime();
  for (const key of ['todo', 'today', 'overdue'] as const) {
    columns[key].sort((a, b) => time(a.dueAt) - time(b.dueAt));
  }
  columns.done.sort((a, b) => time(b.completedAt) - time(a.completedAt));
  return columns;
}

/** The tasks with one completed: what the board shows while the server has not answered yet. */
export function withTaskCompleted(tasks: readonly Task[], id: string, now: Date): Task[] {
  return tasks.map((task) =>
    task.id === id ? { ...task, status: 'completed', completedAt: now.toISOString(), overdue: false } : task,
  );
}
