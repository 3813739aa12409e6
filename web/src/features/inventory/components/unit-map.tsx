import {
  memo,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type PointerEvent,
  type WheelEvent,
} from 'react';
import { useNavigate } from 'react-router';
import { Button } from '@/components/button';
import type { ProjectFeature, UnitFeature, UnitStatus } from '../api/inventory';
import { asGeometry, extentOf, projection, shapeOf, zoomAbout, type Geometry, type View } from '../utils/map';
import { statusLook } from '../utils/status';

const width = 800;
const height = 500;
const panStep = 40;

interface DrawnUnit {
  id: string;
  code: string;
  status: UnitStatus;
  shape: ReturnType<typeof shapeOf>;
}

/** One unit on the map: a link to its page (click or Enter), filled by its status, with its code written on it. */
const UnitShape = memo(function UnitShape({
  unit,
  onOpen,
}: {
  unit: DrawnUnit;
  onOpen: (id: string) => void;
}) {
  const look = statusLook(unit.status);
  const open = (event: KeyboardEvent) => {
    if (event.key === 'Enter') onOpen(unit.id);
  };
  return (
    <g
      role="link"
      tabIndex={0}
      aria-label={`Unit ${unit.code}, ${look.label}`}
      data-status={unit.status}
      onClick={() => onOpen(unit.id)}
      onKeyDown={open}
      className="cursor-pointer focus:outline-none [&:focus>*:first-child]:stroke-indigo-500 [&:focus>*:first-child]:stroke-[3]"
    >
      {'path' in unit.shape ? (
        <path
          d={unit.shape.path}
          fill={look.fill}
          fillOpacity={0.75}
          stroke="#1e293b"
          strokeWidth={1}
          vectorEffect="non-scaling-stroke"
        />
      ) : (
        <circle
          cx={unit.shape.at[0]}
          cy={unit.shape.at[1]}
          r={6}
          fill={look.fill}
          stroke="#1e293b"
          vectorEffect="non-scaling-stroke"
        />
      )}
      <title>{`${unit.code}: ${look.label}`}</title>
    </g>
  );
});

/**
 * The units of a project (and the project boundaries) drawn as SVG, coloured by status. Drag or the arrow keys pan,
 * the wheel or the buttons zoom; a unit opens its page on click or Enter. Nothing comes from a tile server.
 */
export function UnitMap({ units, projects }: { units: UnitFeature[]; projects: ProjectFeature[] }) {
  const navigate = useNavigate();
  const [view, setView] = useState<View>({ x: 0, y: 0, zoom: 1 });
  const drag = useRef<{ x: number; y: number; view: View } | null>(null);
  const svg = useRef<SVGSVGElement>(null);

  const drawn = useMemo(() => {
    const unitGeometries = units.flatMap((feature) => {
      const geometry = asGeometry(feature.geometry);
      return geometry && feature.properties ? [{ feature, geometry }] : [];
    });
    const projectGeometries = projects.flatMap((feature) => {
      const geometry = asGeometry(feature.geometry);
      return geometry ? [{ feature, geometry }] : [];
    });
    // The view fits the units; the project outlines alone when there is no unit with a shape.
    const extent =
      extentOf(unitGeometries.map((u) => u.geometry)) ?? extentOf(projectGeometries.map((p) => p.geometry));
    if (!extent) return null;
    const project = projection(extent, width, height);
    return {
      units: unitGeometries.map(({ feature, geometry }): DrawnUnit => ({
        id: feature.properties!.id,
        code: feature.properties!.code,
        status: feature.properties!.status,
        shape: shapeOf(geometry, project),
      })),
      outlines: projectGeometries.map(
        ({ feature, geometry }: { feature: ProjectFeature; geometry: Geometry }) => ({
          id: feature.id,
          name: feature.properties?.name ?? '',
          shape: shapeOf(geometry, project),
        }),
      ),
    };
  }, [units, projects]);

  const open = useMemo(() => (id: string) => void navigate(`/app/inventory/units/${id}`), [navigate]);

  if (!drawn) return <p>No unit of this project has a shape on the map.</p>;

  const planePoint = (clientX: number, clientY: number): [number, number] => {
    const box = svg.current?.getBoundingClientRect();
    if (!box || box.width === 0) return [width / 2, height / 2];
    return [((clientX - box.left) / box.width) * width, ((clientY - box.top) / box.height) * height];
  };
  const onWheel = (event: WheelEvent) => {
    setView((v) => zoomAbout(v, event.deltaY < 0 ? 1.2 : 1 / 1.2, planePoint(event.clientX, event.clientY)));
  };
  const onPointerDown = (event: PointerEvent<SVGSVGElement>) => {
    if (event.target !== event.currentTarget && (event.target as Element).closest('[role="link"]')) return;
    drag.current = { x: event.clientX, y: event.clientY, view };
    event.currentTarget.setPointerCapture(event.pointerId);
  };
  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const start = drag.current;
    const box = svg.current?.getBoundingClientRect();
    if (!start || !box || box.width === 0) return;
    const ratio = width / box.width;
    setView({
      ...start.view,
      x: start.view.x + (event.clientX - start.x) * ratio,
      y: start.view.y + (event.clientY - start.y) * ratio,
    });
  };
  const endDrag = () => {
    drag.current = null;
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [panStep, 0],
      ArrowRight: [-panStep, 0],
      ArrowUp: [0, panStep],
      ArrowDown: [0, -panStep],
    };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      setView((v) => ({ ...v, x: v.x + move[0], y: v.y + move[1] }));
    } else if (event.key === '+' || event.key === '=') {
      setView((v) => zoomAbout(v, 1.2, [width / 2, height / 2]));
    } else if (event.key === '-') {
      setView((v) => zoomAbout(v, 1 / 1.2, [width / 2, height / 2]));
    }
  };

  return (
    <div className="space-y-2">
      <div className="flex gap-2">
        <Button
          variant="secondary"
          aria-label="Zoom in"
          onClick={() => setView((v) => zoomAbout(v, 1.5, [width / 2, height / 2]))}
        >
          +
        </Button>
        <Button
          variant="secondary"
          aria-label="Zoom out"
          onClick={() => setView((v) => zoomAbout(v, 1 / 1.5, [width / 2, height / 2]))}
        >
          −
        </Button>
        <Button variant="secondary" onClick={() => setView({ x: 0, y: 0, zoom: 1 })}>
          Reset view
        </Button>
      </div>
      <svg
        ref={svg}
        role="group"
        aria-label="Map of the units. Drag or use the arrow keys to pan, the wheel or + and − to zoom."
        tabIndex={0}
        viewBox={`0 0 ${String(width)} ${String(height)}`}
        className="w-full max-w-4xl touch-none rounded-md border border-slate-300 bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-slate-600 dark:bg-slate-900"
        onWheel={onWheel}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={endDrag}
        onPointerCancel={endDrag}
        onKeyDown={onKeyDown}
      >
        <g transform={`translate(${String(view.x)} ${String(view.y)}) scale(${String(view.zoom)})`}>
          {drawn.outlines.map((outline) =>
            'path' in outline.shape ? (
              <path
                key={outline.id}
                d={outline.shape.path}
                fill="none"
                stroke="#6366f1"
                strokeDasharray="6 4"
                strokeWidth={2}
                vectorEffect="non-scaling-stroke"
              >
                <title>{outline.name}</title>
              </path>
            ) : null,
          )}
          {drawn.units.map((unit) => (
            <UnitShape key={unit.id} unit={unit} onOpen={open} />
          ))}
        </g>
      </svg>
    </div>
  );
}
