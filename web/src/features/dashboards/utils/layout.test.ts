import { describe, expect, it } from 'vitest';
import { newWidgetId, placedWidget, placeNew, sameLayout, withGridLayout, type PlacedWidget } from './layout';

const widget = (id: string, x: number, y: number, w: number, h: number): PlacedWidget => ({
  id,
  type: 'kpi',
  params: {},
  x,
  y,
  w,
  h,
});

describe('layout', () => {
  it('reads the API widget, whose numbers may come as strings', () => {
    expect(placedWidget({ id: 'a', type: 'kpi', params: null, x: '1', y: 2, w: '3', h: 4 })).toEqual(
      widget('a', 1, 2, 3, 4),
    );
  });

  it('takes places and sizes from the grid, keeping the widgets it does not know', () => {
    const widgets = [widget('a', 0, 0, 3, 2), widget('b', 3, 0, 3, 2)];
    const moved = withGridLayout(widgets, [{ i: 'a', x: 6, y: 1, w: 4, h: 3 }]);
    expect(moved).toEqual([widget('a', 6, 1, 4, 3), widget('b', 3, 0, 3, 2)]);
    expect(sameLayout(moved, widgets)).toBe(false);
    expect(sameLayout(withGridLayout(widgets, []), widgets)).toBe(true);
  });

  it('puts a new widget below all others, within its type sizes', () => {
    const widgets = [widget('a', 0, 0, 6, 4), widget('b', 6, 2, 6, 5)];
    expect(placeNew(widgets, { minW: 2, minH: 2, maxW: 6, maxH: 4 })).toEqual({ x: 0, y: 7, w: 4, h: 3 });
    expect(placeNew([], { minW: 6, minH: 4, maxW: 12, maxH: 8 })).toEqual({ x: 0, y: 0, w: 6, h: 4 });
  });

  it('gives a new widget an id no other has', () => {
    expect(newWidgetId('kpi', [widget('kpi-1', 0, 0, 1, 1)])).toBe('kpi-2');
  });
});
