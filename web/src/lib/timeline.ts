import { queryOptions, useQuery } from '@tanstack/react-query';
import type { components } from '@/types/api.gen';
import { api, unwrap } from './api-client';

export type TimelineEntry = components['schemas']['TimelineEntry'];

/** The newest 50 entries of a record's timeline (activities, tasks, field changes, approvals). */
export const timelineQuery = (type: string, id: string) =>
  queryOptions({
    queryKey: ['timeline', type, id],
    queryFn: async ({ signal }) =>
      (
        await unwrap(
          api.GET('/api/v1/entities/{type}/{id}/timeline', {
            params: { path: { type, id }, query: { limit: 50 } },
            signal,
          }),
        )
      ).items,
  });

export const useTimeline = (type: string, id: string) =>
  useQuery({ ...timelineQuery(type, id), enabled: id !== '' });

/** A value of an entry's data by its JSON name (state is stored camelCase; older rows may be PascalCase). */
export function entryField(entry: TimelineEntry, name: string): unknown {
  const data = entry.data as Record<string, unknown> | null;
  if (typeof data !== 'object' || data === null) return undefined;
  return data[name] ?? data[name.charAt(0).toUpperCase() + name.slice(1)];
}

const words = (value: string) => value.replaceAll('_', ' ');

/** One line saying what an entry was, for people: "Call: no answer", "Task: Send the brochure", "Updated: status". */
export function describeEntry(entry: TimelineEntry): { title: string; detail: string | null } {
  const text = (name: string) => {
    const value = entryField(entry, name);
    return typeof value === 'string' && value !== '' ? value : null;
  };
  switch (entry.kind) {
    case 'activity': {
      const outcome = text('outcome');
      const type = words(entry.type);
      return {
        title: `${type.charAt(0).toUpperCase()}${type.slice(1)}${outcome ? `: ${words(outcome)}` : ''}`,
        detail: text('body'),
      };
    }
    case 'task':
      return { title: `Task: ${text('title') ?? 'untitled'}`, detail: text('priority') };
    case 'approval':
      return { title: `Approval requested: ${words(entry.type)}`, detail: text('status') };
    default: {
      const data = entry.data as Record<string, unknown> | null;
      const fields = typeof data === 'object' && data !== null ? Object.keys(data) : [];
      // "lead.created" → "Lead created", "call.logged" → "Call logged".
      const action = words(entry.type.replaceAll('.', ' '));
      return {
        title: `${action.charAt(0).toUpperCase()}${action.slice(1)}`,
        detail: fields.length > 0 ? `Changed: ${fields.join(', ')}` : null,
      };
    }
  }
}
