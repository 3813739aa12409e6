import ReactGridLayout, { useContainerWidth, type Layout } from 'react-grid-layout';
import 'react-grid-layout/css/styles.css';
import 'react-resizable/css/styles.css';
import { useState } from 'react';
import { FormAlert } from '@/components/form-alert';
import { PageHeader } from '@/components/page-header';
import { useSession } from '@/lib/use-session';
import { useMyDashboard, useSaveDashboard, useWidgetCatalog, type WidgetType } from '../api/dashboards';
import { AddWidgetForm } from '../components/add-widget-form';
import { LiveStatusBadge } from '../components/live-status';
import { dragHandleClass, WidgetCard, widgetTitle } from '../components/widget-card';
import { arranged, arrangeActions, type ArrangeAction } from '../utils/arrange';
import {
  gridColumns,
  newWidgetId,
  placeNew,
  sameLayout,
  withGridLayout,
  type PlacedWidget,
} from '../utils/layout';

const rowHeight = 64;

export function DashboardRoute() {
  const session = useSession();
  const dashboard = useMyDashboard();
  const catalog = useWidgetCatalog();
  const save = useSaveDashboard();
  const { width, containerRef, mounted } = useContainerWidth();
  const [adding, setAdding] = useState(false);
  const [announcement, setAnnouncement] = useState('');

  const widgets = dashboard.data?.widgets ?? [];
  const types = new Map((catalog.data ?? []).map((type) => [type.type, type]));

  const saveLayout = (layout: Layout) => {
    const moved = withGridLayout(widgets, layout);
    if (!sameLayout(moved, widgets)) save.mutate(moved);
  };

  const add = (type: WidgetType, params: Record<string, unknown>) => {
    const limits = {
      minW: Number(type.minW),
      minH: Number(type.minH),
      maxW: Number(type.maxW),
      maxH: Number(type.maxH),
    };
    const widget: PlacedWidget = {
      id: newWidgetId(type.type, widgets),
      type: type.type,
      params,
      ...placeNew(widgets, limits),
    };
    save.mutate([...widgets, widget], {
      onSuccess: () => {
        setAdding(false);
        setAnnouncement(`${widgetTitle(widget, type)} added.`);
      },
    });
  };

  const gridLayout = () =>
    widgets.map((widget) => {
      const type = types.get(widget.type);
      return {
        i: widget.id,
        x: widget.x,
        y: widget.y,
        w: widget.w,
        h: widget.h,
        ...(type
          ? {
              minW: Number(type.minW),
              minH: Number(type.minH),
              maxW: Number(type.maxW),
              maxH: Number(type.maxH),
            }
          : {}),
      };
    });

  const arrange = (widget: PlacedWidget, action: ArrangeAction) => {
    const moved = withGridLayout(widgets, arranged(gridLayout(), widget.id, action, gridColumns));
    const title = widgetTitle(widget, types.get(widget.type));
    if (sameLayout(moved, widgets)) {
      setAnnouncement(`${title} cannot go further that way.`);
      return;
    }
    save.mutate(moved, {
      onSuccess: () => setAnnouncement(`${title}: ${arrangeActions[action].toLowerCase()}.`),
    });
  };

  const remove = (widget: PlacedWidget) => {
    const title = widgetTitle(widget, types.get(widget.type));
    save.mutate(
      widgets.filter((w) => w.id !== widget.id),
      { onSuccess: () => setAnnouncement(`${title} removed.`) },
    );
  };

  return (
    <div className="space-y-4">
      <PageHeader title="Dashboard">
        <LiveStatusBadge />
        <button
          type="button"
          aria-expanded={adding}
          aria-controls="add-widget"
          onClick={() => setAdding((open) => !open)}
          className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500"
        >
          Add widget
        </button>
      </PageHeader>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        {session ? `Welcome, ${session.user.name}. ` : ''}
        {dashboard.data?.isDefault
          ? 'These are the suggested widgets for your role: move, resize, add or remove them to make the dashboard yours.'
          : 'Drag a widget by its title to move it, or by its corner to resize it.'}
      </p>
      <p role="status" className="sr-only">
        {announcement}
      </p>
      <FormAlert error={save.error ?? dashboard.error ?? catalog.error} fields={[]} />
      {adding && (
        <div
          id="add-widget"
          className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-900"
        >
          {catalog.data ? (
            <AddWidgetForm catalog={catalog.data} onAdd={add} busy={save.isPending} />
          ) : (
            <p>Loading the widget catalog…</p>
          )}
        </div>
      )}
      <div ref={containerRef}>
        {dashboard.isPending ? (
          <p>Loading your dashboard…</p>
        ) : widgets.length === 0 ? (
          <p className="rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-600 dark:text-slate-300">
            Your dashboard has no widgets. Use “Add widget” to put some on it.
          </p>
        ) : (
          mounted && (
            <ReactGridLayout
              width={width}
              layout={gridLayout()}
              gridConfig={{ cols: gridColumns, rowHeight, margin: [12, 12] }}
              dragConfig={{ handle: `.${dragHandleClass}`, cancel: 'button, select' }}
              onDragStop={saveLayout}
              onResizeStop={saveLayout}
            >
              {widgets.map((widget) => (
                <div key={widget.id} data-testid={`widget-${widget.id}`}>
                  <WidgetCard
                    widget={widget}
                    type={types.get(widget.type)}
                    userId={session?.user.id ?? ''}
                    onRemove={() => remove(widget)}
                    onArrange={(action) => arrange(widget, action)}
                    removing={save.isPending}
                  />
                </div>
              ))}
            </ReactGridLayout>
          )
        )}
      </div>
    </div>
  );
}
