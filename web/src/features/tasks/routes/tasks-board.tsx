import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { FormAlert } from '@/components/form-alert';
import { useCompleteTask, useTaskBoard } from '../api/tasks';
import { TaskBoard } from '../components/task-board';

/** How often the board looks at the clock again, so that tasks pass into Due today and Overdue as time goes. */
const clockMs = 30_000;

export function TasksBoardRoute() {
  const tasks = useTaskBoard();
  const complete = useCompleteTask();
  const [now, setNow] = useState(() => new Date());
  const [announcement, setAnnouncement] = useState('');

  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), clockMs);
    return () => window.clearInterval(timer);
  }, []);

  return (
    <div className="space-y-6">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Tasks</h1>
        <Link
          to="/app/tasks/new"
          className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500"
        >
          New task
        </Link>
      </div>
      <FormAlert error={tasks.error ?? complete.error} fields={[]} />
      <p role="status" className="sr-only">
        {announcement}
      </p>
      {tasks.isPending ? (
        <p>Loading tasks…</p>
      ) : (
        <TaskBoard
          tasks={tasks.data ?? []}
          now={now}
          onComplete={(task) =>
            complete.mutate(task, {
              onSuccess: () => setAnnouncement(`${task.title} is done.`),
              onError: () => setAnnouncement(`${task.title} could not be completed.`),
            })
          }
        />
      )}
    </div>
  );
}
