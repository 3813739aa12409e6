import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { FormAlert } from '@/components/form-alert';
import { PageHeader } from '@/components/page-header';
import { Timeline } from '@/components/timeline';
import { formatDateTime, formatMoney } from '@/lib/format';
import { projectQuery, unitQuery, type Unit } from '../api/inventory';
import { StatusBadge } from '../components/status-legend';
import { UnitActions } from '../components/unit-actions';
import { timeLeft } from '../utils/countdown';

/** Seconds left on a hold, ticking while the page is open. */
function HoldCountdown({ until }: { until: unknown }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = timeLeft(until, now);
  // Read out by screen readers only when asked: a live region would announce every second.
  return left ? <span>({left === 'expired' ? 'ending now' : `${left} left`})</span> : null;
}

function Holder({ unit }: { unit: Unit }) {
  if (!unit.heldBy) return <>—</>;
  const path = unit.heldBy.type === 'deal' ? `/app/deals/${unit.heldBy.id}` : `/app/leads/${unit.heldBy.id}`;
  return (
    <Link className="text-indigo-700 underline dark:text-indigo-300" to={path}>
      {unit.heldBy.type === 'deal' ? 'Deal' : 'Lead'}
    </Link>
  );
}

const row = 'font-medium';

/** A unit: where it is, its size and rooms, prices, who holds it and until when, what can be done, its history. */
export function UnitDetailRoute() {
  const { id = '' } = useParams();
  const unit = useQuery(unitQuery(id));
  const project = useQuery({ ...projectQuery(unit.data?.projectId ?? ''), enabled: Boolean(unit.data) });

  if (unit.isPending) return <p>Loading the unit…</p>;
  if (unit.isError) return <FormAlert error={unit.error} fields={[]} />;
  const u = unit.data;
  return (
    <div className="space-y-6">
      <PageHeader title={`Unit ${u.code}`} />
      <p
        className="flex flex-wrap items-center gap-3 text-sm"
        data-testid="unit-status"
        data-status={u.status}
      >
        <StatusBadge status={u.status} />
        <Link
          className="text-indigo-700 underline dark:text-indigo-300"
          to={`/app/inventory/projects/${u.projectId}/board?unit=${u.id}`}
        >
          {project.data ? `${project.data.name}: availability board` : 'Availability board'}
        </Link>
      </p>
      <div className="grid gap-8 lg:grid-cols-2">
        <div className="space-y-6">
          <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
            <dt className={row}>Type</dt>
            <dd>{u.typeCode}</dd>
            <dt className={row}>Building</dt>
            <dd>{u.building ?? '—'}</dd>
            <dt className={row}>Floor</dt>
            <dd>{u.floor ?? '—'}</dd>
            <dt className={row}>Orientation</dt>
            <dd>{u.orientation ?? '—'}</dd>
            <dt className={row}>Area</dt>
            <dd>{u.dimensions.areaSqm} m²</dd>
            <dt className={row}>Bedrooms</dt>
            <dd>{u.dimensions.bedrooms}</dd>
            <dt className={row}>Bathrooms</dt>
            <dd>{u.dimensions.bathrooms}</dd>
            <dt className={row}>List price</dt>
            <dd>{formatMoney(u.listPrice)}</dd>
            <dt className={row}>Frozen price</dt>
            <dd>{u.frozenPrice ? formatMoney(u.frozenPrice) : '—'}</dd>
            <dt className={row}>Held by</dt>
            <dd>
              <Holder unit={u} />
            </dd>
            <dt className={row}>Hold ends</dt>
            <dd>
              {u.status === 'on_hold' ? (
                <>
                  {formatDateTime(u.holdExpiresAt)} <HoldCountdown until={u.holdExpiresAt} />
                </>
              ) : (
                '—'
              )}
            </dd>
          </dl>
          <section aria-labelledby="unit-rooms" className="space-y-2">
            <h2 id="unit-rooms" className="text-lg font-semibold">
              Rooms
            </h2>
            {u.dimensions.rooms.length === 0 ? (
              <p className="text-sm">No rooms listed.</p>
            ) : (
              <ul className="list-disc pl-5 text-sm">
                {u.dimensions.rooms.map((room, index) => (
                  <li key={`${room.name}-${String(index)}`}>
                    {room.name}: {room.areaSqm} m²
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="unit-components" className="space-y-2">
            <h2 id="unit-components" className="text-lg font-semibold">
              Components
            </h2>
            {u.components.length === 0 ? (
              <p className="text-sm">No components.</p>
            ) : (
              <ul className="list-disc pl-5 text-sm">
                {u.components.map((component) => (
                  <li key={component.typeCode}>
                    {component.typeCode} × {component.quantity}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
        <section aria-labelledby="unit-actions" className="space-y-3">
          <h2 id="unit-actions" className="text-lg font-semibold">
            Actions
          </h2>
          {u.status === 'sold' ? (
            <p className="text-sm">This unit is sold.</p>
          ) : (
            <UnitActions key={u.status} unit={u} />
          )}
        </section>
      </div>
      <Timeline type="unit" id={u.id} />
    </div>
  );
}
