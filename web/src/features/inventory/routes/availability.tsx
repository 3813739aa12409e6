import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { FormAlert } from '@/components/form-alert';
import { PageHeader } from '@/components/page-header';
import { formatMoney } from '@/lib/format';
import { availabilityQuery, projectQuery, unitQuery } from '../api/inventory';
import { useLiveBoard } from '../api/use-live-board';
import { AvailabilityBoard } from '../components/availability-board';
import { ProjectNav } from '../components/project-nav';
import { StatusBadge, StatusLegend } from '../components/status-legend';
import { UnitActions } from '../components/unit-actions';

/** The unit chosen on the board: what it is, and what can be done with it. */
function SelectedUnit({ id }: { id: string }) {
  const unit = useQuery(unitQuery(id));
  if (unit.isPending) return <p>Loading the unit…</p>;
  if (unit.isError) return <FormAlert error={unit.error} fields={[]} />;
  const u = unit.data;
  return (
    <div className="space-y-3">
      <h2 className="text-lg font-semibold">Unit {u.code}</h2>
      <p className="flex items-center gap-2 text-sm">
        <StatusBadge status={u.status} /> {u.typeCode} · {formatMoney(u.listPrice)}
      </p>
      <Link
        className="text-sm text-indigo-700 underline dark:text-indigo-300"
        to={`/app/inventory/units/${u.id}`}
      >
        Open the unit page
      </Link>
      {/* Keyed by status, so that the forms start afresh for what the unit now allows. */}
      <UnitActions key={`${u.id}-${u.status}`} unit={u} />
    </div>
  );
}

/** A project's availability board, kept live: every unit by building and floor, coloured and labelled by status. */
export function AvailabilityRoute() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const selected = params.get('unit');
  const project = useQuery(projectQuery(id));
  const availability = useQuery(availabilityQuery(id));
  useLiveBoard(id);
  const select = useCallback(
    (unitId: string) =>
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          next.set('unit', unitId);
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  return (
    <div className="space-y-6">
      <PageHeader title={project.data ? `Availability: ${project.data.name}` : 'Availability'} />
      <ProjectNav projectId={id} />
      <FormAlert error={project.error ?? availability.error} fields={[]} />
      {availability.isPending ? (
        <p>Loading the board…</p>
      ) : availability.data ? (
        <>
          <StatusLegend counts={availability.data.counts} />
          <div className="flex flex-col gap-6 lg:flex-row">
            <div className="min-w-0 flex-1">
              <AvailabilityBoard availability={availability.data} selectedId={selected} onSelect={select} />
            </div>
            <aside aria-label="Selected unit" className="w-full shrink-0 lg:w-80">
              {selected ? (
                <SelectedUnit id={selected} />
              ) : (
                <p className="text-sm">Choose a unit to see it and act on it.</p>
              )}
            </aside>
          </div>
        </>
      ) : null}
    </div>
  );
}
