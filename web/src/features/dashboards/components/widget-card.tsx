import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef } from 'react';
import { ApiError } from '@/lib/problem';
import { useLiveEvents } from '@/lib/use-live';
import { useWidgetData, widgetDataQuery, type WidgetType } from '../api/dashboards';
import type { PlacedWidget } from '../utils/layout';
import { arrangeActions, type ArrangeAction } from '../utils/arrange';
import { isKpiMetric, kpiMetrics } from '../utils/widget-data';
import { WidgetBody } from './widget-views';

/** Events in a burst (an import, a busy call floor) are applied once per this many ms. */
const liveBatchMs = 200;

/** The class of a widget's title bar: the grid drags widgets by it. */
export const dragHandleClass = 'widget-drag-handle';

export function widgetTitle(widget: PlacedWidget, type: WidgetType | undefined): string {
  if (widget.type === 'kpi' && isKpiMetric(widget.params.metric))
    return kpiMetrics[widget.params.metric].label;
  return type?.title ?? widget.type;
}

/**
 * One widget: its numbers read once, then read again whenever the stream brings an event its type names (the
 * catalog's liveEvents).
 */
export function WidgetCard({
  widget,
  type,
  userId,
  onRemove,
  onArrange,
  removing,
}: {
  widget: PlacedWidget;
  type: WidgetType | undefined;
  userId: string;
  onRemove: () => void;
  onArrange: (action: ArrangeAction) => void;
  removing: boolean;
}) {
  const headingId = useId();
  const data = useWidgetData(widget, userId);
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const title = widgetTitle(widget, type);

  const refresh = () => {
    timer.current ??= setTimeout(() => {
      timer.current = null;
      void queryClient.invalidateQueries({ queryKey: widgetDataQuery(widget, userId).queryKey, exact: true });
    }, liveBatchMs);
  };
  // A stream that opens without resuming is the shell's live sync's to handle: it reads every older query again.
  useLiveEvents(type?.liveEvents ?? [], refresh);
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );

  return (
    <section
      aria-labelledby={headingId}
      className="flex h-full flex-col overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-700 dark:bg-slate-900"
      data-widget-id={widget.id}
    >
      <header
        className={`${dragHandleClass} flex cursor-move items-center justify-between gap-2 border-b border-slate-200 px-3 py-2 dark:border-slate-700`}
      >
        <h2 id={headingId} className="truncate text-sm font-semibold">
          {title}
        </h2>
        <div className="flex shrink-0 items-center gap-1">
          {/* The keyboard's way to move and resize (the mouse drags the title or the corner). */}
          <select
            aria-label={`Arrange ${title}`}
            value=""
            disabled={removing}
            onChange={(event) => {
              const action = event.target.value;
              if (Object.hasOwn(arrangeActions, action)) onArrange(action as ArrangeAction);
            }}
            className="max-w-24 rounded border border-slate-300 bg-white px-1 py-0.5 text-xs text-slate-700 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-200"
          >
            <option value="">Arrange…</option>
            {Object.entries(arrangeActions).map(([action, label]) => (
              <option key={action} value={action}>
                {label}
              </option>
            ))}
          </select>
          <button
            type="button"
            onClick={onRemove}
            disabled={removing}
            aria-label={`Remove ${title}`}
            className="rounded px-2 text-lg leading-none text-slate-500 hover:bg-slate-100 hover:text-slate-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-slate-100"
          >
            ×
          </button>
        </div>
      </header>
      <div className="min-h-0 flex-1 overflow-auto p-3" aria-busy={data.isFetching}>
        {data.isPending ? (
          <p className="text-sm text-slate-600 dark:text-slate-300">Loading…</p>
        ) : data.isError ? (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {data.error instanceof ApiError
              ? (data.error.detail ?? data.error.title)
              : 'The figures could not be loaded.'}
          </p>
        ) : (
          <WidgetBody data={data.data} title={title} />
        )}
      </div>
    </section>
  );
}
