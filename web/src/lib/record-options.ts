import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './api-client';

/** The kinds of record a filter or a widget parameter may name by id. */
export type RecordKind = 'pipeline' | 'project' | 'group' | 'user';

export interface RecordOption {
  value: string;
  label: string;
}

/** The first page (up to 200) of a record kind, as choices for a select: filters and widget parameters. */
async function loadOptions(kind: RecordKind, signal: AbortSignal): Promise<RecordOption[]> {
  const query = { limit: 200 };
  switch (kind) {
    case 'pipeline':
      return (await unwrap(api.GET('/api/v1/pipelines', { params: { query }, signal }))).items.map((p) => ({
        value: p.id,
        label: p.name,
      }));
    case 'project':
      return (await unwrap(api.GET('/api/v1/projects', { params: { query }, signal }))).items.map((p) => ({
        value: p.id,
        label: p.name,
      }));
    case 'group':
      return (await unwrap(api.GET('/api/v1/groups', { params: { query }, signal }))).items.map((g) => ({
        value: g.id,
        label: g.name,
      }));
    case 'user':
      return (await unwrap(api.GET('/api/v1/users', { params: { query }, signal }))).items.map((u) => ({
        value: u.id,
        label: u.name,
      }));
  }
}

export function useRecordOptions(kind: RecordKind, enabled = true) {
  return useQuery({
    queryKey: ['record-options', kind],
    queryFn: ({ signal }) => loadOptions(kind, signal),
    staleTime: 300_000,
    enabled,
  });
}

export function isRecordKind(value: unknown): value is RecordKind {
  return value === 'pipeline' || value === 'project' || value === 'group' || value === 'user';
}
