import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import type { components } from '@/types/api.gen';
import { placedWidget, type PlacedWidget } from '../utils/layout';
import { figuresFor, reportRequestFor, type ReportAnswer, type WidgetFigures } from '../utils/widget-data';

export type WidgetType = components['schemas']['WidgetTypeView'];
export type Task = components['schemas']['TaskItemInfo'];
export type Approval = components['schemas']['ApprovalInfo'];

export interface Dashboard {
  widgets: PlacedWidget[];
  /** True while the user has saved nothing: the widgets are their role's default. */
  isDefault: boolean;
}

export const widgetCatalogQuery = () =>
  queryOptions({
    queryKey: ['dashboards', 'widgets'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/dashboards/widgets', { signal })),
    staleTime: Infinity,
  });

export const useWidgetCatalog = () => useQuery(widgetCatalogQuery());

export const myDashboardQuery = () =>
  queryOptions({
    queryKey: ['dashboards', 'me'],
    queryFn: async ({ signal }): Promise<Dashboard> => {
      const layout = await unwrap(api.GET('/api/v1/dashboards/me', { signal }));
      return { widgets: layout.widgets.map(placedWidget), isDefault: layout.isDefault };
    },
    staleTime: Infinity,
  });

export const useMyDashboard = () => useQuery(myDashboardQuery());

/**
 * Saves the whole layout. The page shows the new layout at once (the grid already moved); a refused save puts
 * back what the server has.
 */
export function useSaveDashboard() {
  const queryClient = useQueryClient();
  const key = myDashboardQuery().queryKey;
  return useMutation({
    mutationFn: async (widgets: PlacedWidget[]) => {
      const saved = await unwrap(
        api.PUT('/api/v1/dashboards/me', {
          body: {
            widgets: widgets.map(({ id, type, params, x, y, w, h }) => ({ id, type, params, x, y, w, h })),
          },
        }),
      );
      return { widgets: saved.widgets.map(placedWidget), isDefault: saved.isDefault };
    },
    onMutate: async (widgets) => {
      await queryClient.cancelQueries({ queryKey: key });
      queryClient.setQueryData<Dashboard>(key, (old) => ({ widgets, isDefault: old?.isDefault ?? false }));
    },
    onSuccess: (saved) => queryClient.setQueryData(key, saved),
    onError: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

export type WidgetData =
  | { kind: 'figures'; figures: WidgetFigures }
  | { kind: 'tasks'; tasks: Task[] }
  | { kind: 'approvals'; approvals: Approval[] };

const dayMs = 86_400_000;

async function loadWidget(widget: PlacedWidget, userId: string, signal: AbortSignal): Promise<WidgetData> {
  const now = new Date();
  if (widget.type === 'tasks_due') {
    const days = Number(widget.params.days ?? 7);
    const page = await unwrap(
      api.GET('/api/v1/tasks', {
        params: {
          query: {
            status: 'open',
            assigneeId: userId,
            dueBefore: new Date(now.getTime() + (Number.isFinite(days) ? days : 7) * dayMs).toISOString(),
            limit: 50,
          },
        },
        signal,
      }),
    );
    return { kind: 'tasks', tasks: page.items };
  }
  if (widget.type === 'approvals_pending') {
    const page = await unwrap(
      api.GET('/api/v1/approvals', { params: { query: { mine: 'awaiting', limit: 50 } }, signal }),
    );
    return { kind: 'approvals', approvals: page.items };
  }
  const request = reportRequestFor(widget.type, widget.params, now);
  if (!request) throw new Error(`This dashboard does not know the widget type "${widget.type}".`);
  const answer = await unwrap(
    api.GET('/api/v1/reports/{name}', {
      params: { path: { name: request.report }, query: request.query },
      signal,
    }),
  );
  return {
    kind: 'figures',
    figures: figuresFor(widget.type, widget.params, answer as unknown as ReportAnswer),
  };
}

/**
 * A widget's numbers, read once; the widget reads them again when a live event says they changed (not on focus
 * or on a timer), see the widget card.
 */
export const widgetDataQuery = (widget: PlacedWidget, userId: string) =>
  queryOptions({
    queryKey: ['dashboards', 'widget', widget.type, widget.params, userId],
    queryFn: ({ signal }) => loadWidget(widget, userId, signal),
    staleTime: Infinity,
  });

export const useWidgetData = (widget: PlacedWidget, userId: string) =>
  useQuery(widgetDataQuery(widget, userId));
