import { cloneLayout, moveElement, verticalCompactor, type LayoutItem } from 'react-grid-layout';

export const arrangeActions = {
  left: 'Move left',
  right: 'Move right',
  up: 'Move up',
  down: 'Move down',
  wider: 'Wider',
  narrower: 'Narrower',
  taller: 'Taller',
  shorter: 'Shorter',
} as const;

export type ArrangeAction = keyof typeof arrangeActions;

/**
 * The keyboard's way to do what dragging does: one widget moved or resized by one step, the others pushed aside
 * and everything compacted upwards, as the grid does after a drag. Steps past the grid or the type's sizes do nothing.
 */
export function arranged(
  layout: readonly LayoutItem[],
  id: string,
  action: ArrangeAction,
  cols: number,
): LayoutItem[] {
  let next: LayoutItem[] = cloneLayout(layout);
  const item = next.find((candidate) => candidate.i === id);
  if (!item) return next;
  const fits = (w: number, h: number) =>
    w >= (item.minW ?? 1) &&
    w <= (item.maxW ?? cols) &&
    h >= (item.minH ?? 1) &&
    h <= (item.maxH ?? Infinity) &&
    item.x + w <= cols;
  const move = (x: number, y: number) => {
    next = moveElement(next, item, x, y, true, false, 'vertical', cols);
  };
  switch (action) {
    case 'left':
      if (item.x > 0) move(item.x - 1, item.y);
      break;
    case 'right':
      if (item.x + item.w < cols) move(item.x + 1, item.y);
      break;
    case 'up': {
      // Over the widget just above, so that the two change places (one row up would compact back).
      const above = next.filter(
        (other) =>
          other.i !== id &&
          other.y + other.h <= item.y &&
          other.x < item.x + item.w &&
          item.x < other.x + other.w,
      );
      const top =
        above.length === 0
          ? 0
          : Math.min(
              ...above.filter((o) => o.y + o.h === Math.max(...above.map((a) => a.y + a.h))).map((o) => o.y),
            );
      if (item.y > 0) move(item.x, top);
      break;
    }
    case 'down': {
      const below = next.filter(
        (other) =>
          other.i !== id &&
          other.y >= item.y + item.h &&
          other.x < item.x + item.w &&
          item.x < other.x + other.w,
      );
      if (below.length > 0) {
        const first = Math.min(...below.map((other) => other.y));
        const nearest = below.filter((other) => other.y === first);
        move(item.x, first + Math.max(...nearest.map((other) => other.h)) - item.h + 1);
      }
      break;
    }
    case 'wider':
      if (fits(item.w + 1, item.h)) item.w += 1;
      break;
    case 'narrower':
      if (fits(item.w - 1, item.h)) item.w -= 1;
      break;
    case 'taller':
      if (fits(item.w, item.h + 1)) item.h += 1;
      break;
    case 'shorter':
      if (fits(item.w, item.h - 1)) item.h -= 1;
      break;
  }
  return [...verticalCompactor.compact(next, cols)];
}
