/** A point in the map's plane: x east, y south (SVG's y grows downwards). */
export type Point = [number, number];

type Position = number[];

/** The GeoJSON geometries the map draws; others are left out. */
export type Geometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] };

export function asGeometry(value: unknown): Geometry | null {
  if (typeof value !== 'object' || value === null) return null;
  const { type, coordinates } = value as { type?: unknown; coordinates?: unknown };
  if (!Array.isArray(coordinates)) return null;
  if (type === 'Point' || type === 'Polygon' || type === 'MultiPolygon') return value as Geometry;
  return null;
}

function rings(geometry: Geometry): Position[][] {
  switch (geometry.type) {
    case 'Point':
      return [[geometry.coordinates]];
    case 'Polygon':
      return geometry.coordinates;
    case 'MultiPolygon':
      return geometry.coordinates.flat();
  }
}

export interface Extent {
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
}

/** The smallest box holding every geometry, or null when there is none. */
export function extentOf(geometries: readonly Geometry[]): Extent | null {
  let extent: Extent | null = null;
  for (const geometry of geometries) {
    for (const ring of rings(geometry)) {
      for (const [lng, lat] of ring) {
        if (lng === undefined || lat === undefined) continue;
        extent = extent
          ? {
              minLng: Math.min(extent.minLng, lng),
              minLat: Math.min(extent.minLat, lat),
              maxLng: Math.max(extent.maxLng, lng),
              maxLat: Math.max(extent.maxLat, lat),
            }
          : { minLng: lng, minLat: lat, maxLng: lng, maxLat: lat };
      }
    }
  }
  return extent;
}

/**
 * Longitude and latitude onto a width × height plane holding the extent with a margin: equirectangular, with
 * longitudes shortened by the cosine of the middle latitude so that a site's shapes keep their proportions.
 */
export function projection(extent: Extent, width: number, height: number, margin = 24) {
  const midLat = ((extent.minLat + extent.maxLat) / 2) * (Math.PI / 180);
  const xScale = Math.cos(midLat);
  // A single point (or a line) still gets a view some metres across.
  const spanX = Math.max((extent.maxLng - extent.minLng) * xScale, 1e-4);
  const spanY = Math.max(extent.maxLat - extent.minLat, 1e-4);
  const scale = Math.min((width - 2 * margin) / spanX, (height - 2 * margin) / spanY);
  const centreLng = (extent.minLng + extent.maxLng) / 2;
  const centreLat = (extent.minLat + extent.maxLat) / 2;
  return ([lng, lat]: Position): Point => [
    width / 2 + ((lng ?? 0) - centreLng) * xScale * scale,
    height / 2 - ((lat ?? 0) - centreLat) * scale,
  ];
}

/** An SVG path for a polygon geometry, or the centre of a point. */
export function shapeOf(
  geometry: Geometry,
  project: (position: Position) => Point,
): { path: string } | { at: Point } {
  if (geometry.type === 'Point') return { at: project(geometry.coordinates) };
  const path = rings(geometry)
    .map(
      (ring) =>
        ring
          .map((position, index) => {
            const [x, y] = project(position);
            return `${index === 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`;
          })
          .join(' ') + ' Z',
    )
    .join(' ');
  return { path };
}

export interface View {
  x: number;
  y: number;
  zoom: number;
}

export const minZoom = 0.5;
export const maxZoom = 40;

/** The view zoomed by a factor about a point of the plane (the pointer, or the centre), within the zoom limits. */
export function zoomAbout(view: View, factor: number, [px, py]: Point): View {
  const zoom = Math.min(maxZoom, Math.max(minZoom, view.zoom * factor));
  const applied = zoom / view.zoom;
  return { zoom, x: px - (px - view.x) * applied, y: py - (py - view.y) * applied };
}
