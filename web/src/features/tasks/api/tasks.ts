import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import type { components } from '@/types/api.gen';
import { withTaskCompleted } from '../utils/buckets';

export type Task = components['schemas']['TaskItemInfo'];
export type SaveTask = components['schemas']['SaveTaskRequest'];
type TaskPage = components['schemas']['PageOfTaskItemInfo'];

/** At most this many open tasks on the board (pages of 200); done ones: the latest page of 200. */
const openLimit = 1000;

async function readOpen(signal: AbortSignal) {
  const tasks: Task[] = [];
  let cursor: string | null = null;
  do {
    const page: TaskPage = await unwrap(
      api.GET('/api/v1/tasks', {
        params: { query: { status: 'open', limit: 200, ...(cursor ? { cursor } : {}) } },
        signal,
      }),
    );
    tasks.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && tasks.length < openLimit);
  return tasks;
}

/** Every open task the caller may see and up to 200 completed ones, for the board's four columns. */
export const taskBoardQuery = () =>
  queryOptions({
    queryKey: ['tasks', 'board'],
    queryFn: async ({ signal }) => {
      const [open, done] = await Promise.all([
        readOpen(signal),
        unwrap(api.GET('/api/v1/tasks', { params: { query: { status: 'completed', limit: 200 } }, signal })),
      ]);
      return [...open, ...done.items];
    },
  });

export const useTaskBoard = () => useQuery(taskBoardQuery());

/** Completes a task; the board shows it done at once and puts it back if the server refuses. */
export function useCompleteTask() {
  const queryClient = useQueryClient();
  const key = taskBoardQuery().queryKey;
  return useMutation({
    mutationFn: (task: Task) =>
      unwrap(api.POST('/api/v1/tasks/{id}/complete', { params: { path: { id: task.id } } })),
    onMutate: async (task) => {
      await queryClient.cancelQueries({ queryKey: key });
      const before = queryClient.getQueryData(key);
      queryClient.setQueryData(key, (tasks) => withTaskCompleted(tasks ?? [], task.id, new Date()));
      return { before };
    },
    onError: (_error, _task, context) => {
      if (context?.before) queryClient.setQueryData(key, context.before);
    },
    onSuccess: (saved) =>
      queryClient.setQueryData(key, (tasks) => (tasks ?? []).map((t) => (t.id === saved.id ? saved : t))),
  });
}

export function useCreateTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (task: SaveTask) => unwrap(api.POST('/api/v1/tasks', { body: task })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['tasks'] }),
  });
}

/** The people a task can be assigned to (the first 200 active users). */
export const assigneesQuery = () =>
  queryOptions({
    queryKey: ['users', 'owners'],
    queryFn: async () =>
      (
        await unwrap(
          api.GET('/api/v1/users', { params: { query: { status: 'active', limit: 200, sort: 'name' } } }),
        )
      ).items,
    staleTime: 300_000,
  });

export const useAssignees = () => useQuery(assigneesQuery());
