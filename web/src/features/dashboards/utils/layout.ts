/** A widget as the dashboard keeps it: numbers where the API may send numbers or strings. */
export interface PlacedWidget {
  id: string;
  type: string;
  params: Record<string, unknown>;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface SizeLimits {
  minW: number;
  minH: number;
  maxW: number;
  maxH: number;
}

export const gridColumns = 12;

export function placedWidget(widget: {
  id: string;
  type: string;
  params: unknown;
  x: number | string;
  y: number | string;
  w: number | string;
  h: number | string;
}): PlacedWidget {
  const params =
    widget.params !== null && typeof widget.params === 'object' && !Array.isArray(widget.params)
      ? (widget.params as Record<string, unknown>)
      : {};
  return {
    id: widget.id,
    type: widget.type,
    params,
    x: Number(widget.x),
    y: Number(widget.y),
    w: Number(widget.w),
    h: Number(widget.h),
  };
}

/** The widgets moved and sized as the grid now has them; widgets the grid does not know stay as they were. */
export function withGridLayout(
  widgets: PlacedWidget[],
  layout: readonly { i: string; x: number; y: number; w: number; h: number }[],
): PlacedWidget[] {
  const byId = new Map(layout.map((item) => [item.i, item]));
  return widgets.map((widget) => {
    const item = byId.get(widget.id);
    return item ? { ...widget, x: item.x, y: item.y, w: item.w, h: item.h } : widget;
  });
}

export function sameLayout(a: PlacedWidget[], b: PlacedWidget[]): boolean {
  return (
    a.length === b.length &&
    a.every((widget, i) => {
      const other = b[i];
      return (
        other !== undefined &&
        other.id === widget.id &&
        other.x === widget.x &&
        other.y === widget.y &&
        other.w === widget.w &&
        other.h === widget.h
      );
    })
  );
}

/**
 * A new widget's place: below everything else, full left, at a third of the grid's width (or its type's limits),
 * so that it overlaps nothing (the server refuses overlapping widgets).
 */
export function placeNew(
  widgets: PlacedWidget[],
  limits: SizeLimits,
): Pick<PlacedWidget, 'x' | 'y' | 'w' | 'h'> {
  const bottom = widgets.reduce((max, widget) => Math.max(max, widget.y + widget.h), 0);
  const w = Math.min(Math.max(4, limits.minW), limits.maxW, gridColumns);
  const h = Math.min(Math.max(3, limits.minH), limits.maxH);
  return { x: 0, y: bottom, w, h };
}

/** A widget id that none of the widgets has. */
export function newWidgetId(type: string, widgets: PlacedWidget[]): string {
  const taken = new Set(widgets.map((widget) => widget.id));
  for (let n = 1; ; n += 1) {
    const id = `${type}-${String(n)}`;
    if (!taken.has(id)) return id;
  }
}
