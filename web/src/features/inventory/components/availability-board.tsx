import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Availability, BoardUnit } from '../api/inventory';
import { boardGrid, cellAttributes, cellsHtml } from '../utils/board';
import './unit-status.css';

/**
 * One floor's cells. The board draws 1,000 of them at once, so a floor's cells are not React elements: its HTML is
 * made once, when the floor is first drawn (the browser's parser makes the buttons far faster than a render of 1,000
 * components), and each later change is written onto the cell it concerns, so a cell keeps its focus while live
 * events change its neighbours. A floor whose set of units changes is drawn afresh (the parent keys it by its units).
 */
const FloorCells = memo(function FloorCells({
  units,
  selectedId,
  label,
}: {
  units: BoardUnit[];
  /** The selected unit, when it is on this floor. */
  selectedId: string | null;
  label: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [html] = useState(() => ({ __html: cellsHtml(units, selectedId) }));
  const drawn = useRef({ units, selectedId });
  useLayoutEffect(() => {
    const cells = ref.current?.children;
    if (!cells) return;
    const before = drawn.current;
    units.forEach((unit, index) => {
      const cell = cells[index];
      if (!(cell instanceof HTMLElement)) return;
      if (unit !== before.units[index]) {
        for (const [name, value] of Object.entries(cellAttributes(unit))) cell.setAttribute(name, value);
      }
      if (unit.id === selectedId || unit.id === before.selectedId) {
        cell.setAttribute('aria-pressed', String(unit.id === selectedId));
      }
    });
    drawn.current = { units, selectedId };
  }, [units, selectedId]);
  return (
    <div
      ref={ref}
      role="group"
      aria-label={label}
      className="flex flex-wrap gap-2"
      dangerouslySetInnerHTML={html}
    />
  );
});

/** The availability board: a grid of buildings and their floors, each unit a cell showing its status. */
export function AvailabilityBoard({
  availability,
  selectedId,
  onSelect,
}: {
  availability: Availability;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const buildings = useMemo(() => boardGrid(availability), [availability]);
  const board = useRef<HTMLDivElement>(null);
  const select = useRef(onSelect);
  useLayoutEffect(() => {
    select.current = onSelect;
  }, [onSelect]);
  // One listener for every cell (a click, or Enter or Space on a focused cell, which the browser turns into a click).
  const empty = buildings.length === 0;
  useEffect(() => {
    const root = board.current;
    if (!root) return;
    const onClick = (event: MouseEvent) => {
      const cell = event.target instanceof Element ? event.target.closest<HTMLElement>('[data-unit]') : null;
      if (cell?.dataset.unit) select.current(cell.dataset.unit);
    };
    root.addEventListener('click', onClick);
    return () => root.removeEventListener('click', onClick);
  }, [empty]);

  if (empty) return <p>This project has no units yet.</p>;
  return (
    <div ref={board} className="space-y-6">
      {buildings.map(({ building, floors }) => {
        const name = building === null ? 'No building' : `Building ${building}`;
        return (
          // content-visibility: a building out of view is neither laid out nor painted until it scrolls near (its
          // cells stay in the page and its accessibility tree).
          <section
            key={building ?? ''}
            aria-label={name}
            className="space-y-2 [contain-intrinsic-size:auto_48rem] [content-visibility:auto]"
          >
            <h2 className="text-lg font-semibold">{name}</h2>
            {floors.map(({ floor, units }) => {
              const floorName = floor === null ? 'No floor' : `Floor ${String(floor)}`;
              return (
                <div key={floor ?? 'none'} className="flex items-start gap-3">
                  <h3 className="w-20 shrink-0 pt-2 text-sm font-medium text-slate-700 dark:text-slate-300">
                    {floorName}
                  </h3>
                  <FloorCells
                    key={units.map((unit) => unit.id).join()}
                    units={units}
                    selectedId={units.some((unit) => unit.id === selectedId) ? selectedId : null}
                    label={`${name}, ${floorName}`}
                  />
                </div>
              );
            })}
          </section>
        );
      })}
    </div>
  );
}
