import { describe, expect, it } from 'vitest';
import { arranged } from './arrange';

const at = (layout: { i: string; x: number; y: number; w: number; h: number }[], id: string) => {
  const item = layout.find((l) => l.i === id)!;
  return { x: item.x, y: item.y, w: item.w, h: item.h };
};

describe('arranged', () => {
  const layout = [
    { i: 'a', x: 0, y: 0, w: 6, h: 2, minW: 4, maxW: 12, minH: 2, maxH: 4 },
    { i: 'b', x: 0, y: 2, w: 6, h: 3 },
    { i: 'c', x: 6, y: 0, w: 6, h: 5 },
  ];

  it('resizes within the type sizes and the grid', () => {
    expect(at(arranged(layout, 'a', 'narrower', 12), 'a')).toEqual({ x: 0, y: 0, w: 5, h: 2 });
    expect(at(arranged(layout, 'a', 'shorter', 12), 'a')).toEqual({ x: 0, y: 0, w: 6, h: 2 });
    expect(at(arranged(layout, 'a', 'taller', 12), 'a')).toEqual({ x: 0, y: 0, w: 6, h: 3 });
    expect(at(arranged(layout, 'c', 'wider', 12), 'c')).toEqual({ x: 6, y: 0, w: 6, h: 5 });
  });

  it('moves a widget below the next one down, and back up', () => {
    const down = arranged(layout, 'a', 'down', 12);
    expect(at(down, 'b').y).toBe(0);
    expect(at(down, 'a').y).toBe(3);
    const up = arranged(down, 'a', 'up', 12);
    expect(at(up, 'a').y).toBe(0);
    expect(at(up, 'b').y).toBe(2);
  });

  it('leaves the layout as it was for a step past the edge', () => {
    expect(at(arranged(layout, 'a', 'left', 12), 'a')).toEqual({ x: 0, y: 0, w: 6, h: 2 });
    expect(at(arranged(layout, 'c', 'right', 12), 'c')).toEqual({ x: 6, y: 0, w: 6, h: 5 });
  });
});
