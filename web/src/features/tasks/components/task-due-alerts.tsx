import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { useLiveEvents } from '@/lib/use-live';

const taskDue = ['task.due'] as const;

interface DueAlert {
  id: string;
  title: string;
}

/**
 * Tells the signed-in user, on whatever page they are, when one of their tasks falls due: the server's `task.due`
 * event on the tab's one live stream (src/lib/use-live.ts, opened by the shell; only events about tasks the user
 * may read arrive). The task board reloads with it.
 */
export function TaskDueAlerts() {
  const queryClient = useQueryClient();
  const [alerts, setAlerts] = useState<DueAlert[]>([]);

  useLiveEvents(taskDue, (event) => {
    const id = event.entityId;
    if (!id) return;
    const data = event.data as { title?: unknown } | null | undefined;
    const title = typeof data?.title === 'string' ? data.title : 'A task';
    setAlerts((current) =>
      current.some((alert) => alert.id === id) ? current : [...current, { id, title }].slice(-3),
    );
    void queryClient.invalidateQueries({ queryKey: ['tasks'] });
  });

  if (alerts.length === 0) return null;
  return (
    <div className="fixed right-4 bottom-4 z-40 flex w-80 flex-col gap-2" role="alert">
      {alerts.map((alert) => (
        <div
          key={alert.id}
          className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 shadow-lg dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
        >
          <p className="font-semibold">Task due: {alert.title}</p>
          <div className="mt-2 flex gap-3">
            <Link
              to="/app/tasks"
              className="font-semibold underline"
              onClick={() => setAlerts((current) => current.filter((a) => a.id !== alert.id))}
            >
              Open tasks
            </Link>
            <button
              type="button"
              className="underline"
              aria-label={`Dismiss the alert about ${alert.title}`}
              onClick={() => setAlerts((current) => current.filter((a) => a.id !== alert.id))}
            >
              Dismiss
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}
