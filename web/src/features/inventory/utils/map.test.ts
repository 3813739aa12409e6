import { describe, expect, it } from 'vitest';
import { asGeometry, extentOf, projection, shapeOf, zoomAbout, maxZoom } from './map';

describe('map geometry', () => {
  const square = asGeometry({
    type: 'Polygon',
    coordinates: [
      [
        [10, 50],
        [10.001, 50],
        [10.001, 50.001],
        [10, 50.001],
        [10, 50],
      ],
    ],
  })!;
  it('finds the extent and fits it into the plane, north up', () => {
    const extent = extentOf([square, asGeometry({ type: 'Point', coordinates: [10.002, 50.002] })!])!;
    expect(extent).toEqual({ minLng: 10, minLat: 50, maxLng: 10.002, maxLat: 50.002 });
    const project = projection(extent, 800, 500);
    const [, ySouth] = project([10, 50]);
    const [, yNorth] = project([10, 50.002]);
    expect(yNorth).toBeLessThan(ySouth);
    expect(shapeOf(square, project)).toHaveProperty('path');
  });
  it('leaves out what it does not draw', () => {
    expect(asGeometry({ type: 'LineString', coordinates: [] })).toBeNull();
    expect(extentOf([])).toBeNull();
  });
  it('zooms about a point, within the limits', () => {
    const view = zoomAbout({ x: 0, y: 0, zoom: 1 }, 2, [100, 100]);
    expect(view).toEqual({ x: -100, y: -100, zoom: 2 });
    expect(zoomAbout(view, 1000, [0, 0]).zoom).toBe(maxZoom);
  });
});
