import { useState, type DragEvent } from 'react';
import { Link } from 'react-router';
import { formatDateTime } from '@/lib/format';
import type { Task } from '../api/tasks';
import { groupTasks, taskColumns } from '../utils/buckets';

const taskType = 'application/x-m3-task';

/** Done keeps growing; the board shows the latest of it. */
const doneShown = 50;

const subjectPaths: Record<string, string> = {
  lead: '/app/leads',
  deal: '/app/deals',
  contact: '/app/contacts',
  company: '/app/companies',
};

const priorityClass = {
  high: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-100',
  normal: 'bg-slate-200 text-slate-900 dark:bg-slate-700 dark:text-slate-100',
  low: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100',
};

/**
 * The tasks in four columns by where they stand now. Dropping a card on Done completes the task; each open card's
 * "Mark done" button does the same from the keyboard.
 */
export function TaskBoard({
  tasks,
  now,
  onComplete,
}: {
  tasks: Task[];
  now: Date;
  onComplete: (task: Task) => void;
}) {
  const columns = groupTasks(tasks, now);
  const [dropping, setDropping] = useState(false);
  const byId = new Map(tasks.map((task) => [task.id, task]));

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setDropping(false);
    const task = byId.get(event.dataTransfer.getData(taskType));
    if (task && task.status === 'open') onComplete(task);
  };

  return (
    <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-4">
      {taskColumns.map(({ key, name }) => {
        const headingId = `tasks-${key}`;
        const isDone = key === 'done';
        return (
          // Dropping on Done is a pointer shortcut; the cards' "Mark done" buttons do it from the keyboard.
          // eslint-disable-next-line jsx-a11y/no-static-element-interactions
          <div
            key={key}
            onDragOver={
              isDone
                ? (event) => {
                    if (!event.dataTransfer.types.includes(taskType)) return;
                    event.preventDefault();
                    event.dataTransfer.dropEffect = 'move';
                    setDropping(true);
                  }
                : undefined
            }
            onDragLeave={isDone ? () => setDropping(false) : undefined}
            onDrop={isDone ? drop : undefined}
            className={`rounded-lg border p-3 ${
              isDone && dropping
                ? 'border-indigo-500 bg-indigo-50 dark:bg-indigo-950'
                : 'border-slate-200 bg-slate-100 dark:border-slate-700 dark:bg-slate-900'
            }`}
          >
            <section aria-labelledby={headingId}>
              <h2 id={headingId} className="text-sm font-semibold">
                {name}
              </h2>
              <p className="mb-3 text-xs text-slate-600 dark:text-slate-400">
                {columns[key].length} {columns[key].length === 1 ? 'task' : 'tasks'}
                {isDone && columns[key].length > doneShown ? `, the latest ${String(doneShown)} shown` : ''}
              </p>
              <ul className="flex min-h-16 flex-col gap-2">
                {(isDone ? columns[key].slice(0, doneShown) : columns[key]).map((task) => (
                  <li key={task.id}>
                    <TaskCard task={task} onComplete={onComplete} />
                  </li>
                ))}
              </ul>
            </section>
          </div>
        );
      })}
    </div>
  );
}

function TaskCard({ task, onComplete }: { task: Task; onComplete: (task: Task) => void }) {
  const open = task.status === 'open';
  const subjectPath = task.subject ? subjectPaths[task.subject.type] : undefined;
  return (
    // Dragging is a pointer shortcut; the "Mark done" button below does the same from the keyboard.
    // eslint-disable-next-line jsx-a11y/no-static-element-interactions
    <div
      draggable={open}
      onDragStart={(event) => {
        event.dataTransfer.setData(taskType, task.id);
        event.dataTransfer.effectAllowed = 'move';
      }}
      className={`rounded-md border border-slate-200 bg-white p-3 text-sm shadow-sm dark:border-slate-700 dark:bg-slate-800 ${
        open ? 'cursor-grab' : ''
      }`}
    >
      <article aria-label={task.title}>
        <div className="flex items-start justify-between gap-2">
          <p className={`font-medium ${open ? '' : 'text-slate-600 line-through dark:text-slate-400'}`}>
            {task.title}
          </p>
          <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ${priorityClass[task.priority]}`}>
            {task.priority}
          </span>
        </div>
        <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
          {open ? `Due ${formatDateTime(task.dueAt)}` : `Done ${formatDateTime(task.completedAt)}`}
        </p>
        {task.subject && subjectPath && (
          <Link
            to={`${subjectPath}/${task.subject.id}`}
            className="mt-1 block text-xs text-indigo-700 dark:text-indigo-300"
          >
            Open the {task.subject.type}
          </Link>
        )}
        {task.notes && <p className="mt-1 text-xs">{task.notes}</p>}
        {open && (
          <button
            type="button"
            aria-label={`Mark ${task.title} done`}
            onClick={() => onComplete(task)}
            className="mt-2 rounded-md border border-slate-300 px-2 py-1 text-xs font-semibold hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-slate-600 dark:hover:bg-slate-700"
          >
            Mark done
          </button>
        )}
      </article>
    </div>
  );
}
