import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo, useState, type SyntheticEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button } from '@/components/button';
import { SelectField, TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { PageHeader } from '@/components/page-header';
import { PagedTable, usePagedRows } from '@/components/paged-list';
import { formatMoney } from '@/lib/format';
import { projectQuery, unitFilterKeys, unitsQuery, unitTypesQuery, type UnitFilter } from '../api/inventory';
import { ProjectNav } from '../components/project-nav';
import { StatusBadge } from '../components/status-legend';
import { unitStatuses } from '../utils/status';
import { matchesPlace } from '../utils/filter';

/** The unit list; its filters live in the URL, so a filtered list can be bookmarked and the back button works. */
export function UnitsListRoute() {
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => {
    const result: UnitFilter = {};
    for (const key of unitFilterKeys) {
      const value = params.get(key);
      if (value) result[key] = value;
    }
    return result;
  }, [params]);
  const [draft, setDraft] = useState<UnitFilter>(filter);
  const units = useInfiniteQuery(unitsQuery(filter));
  const types = useQuery(unitTypesQuery());
  const project = useQuery({ ...projectQuery(filter.projectId ?? ''), enabled: Boolean(filter.projectId) });
  const { rows, hasMore, loadingMore, loadMore } = usePagedRows(units);
  const shown = useMemo(() => rows.filter((unit) => matchesPlace(unit, filter)), [rows, filter]);

  const apply = (event: SyntheticEvent) => {
    event.preventDefault();
    const next: Record<string, string> = {};
    for (const key of unitFilterKeys) {
      const value = draft[key]?.trim();
      if (value) next[key] = value;
    }
    setParams(next, { replace: true });
  };
  const field = (key: keyof UnitFilter) => ({
    name: key,
    value: draft[key] ?? '',
    onChange: (event: { target: { value: string } }) =>
      setDraft((d) => ({ ...d, [key]: event.target.value })),
    error: fieldError(units.error, key),
  });

  return (
    <div className="space-y-6">
      <PageHeader title={project.data ? `Units: ${project.data.name}` : 'Units'} />
      {filter.projectId && <ProjectNav projectId={filter.projectId} />}
      <form
        onSubmit={apply}
        aria-label="Filter units"
        className="grid max-w-4xl grid-cols-2 items-end gap-3 md:grid-cols-4"
      >
        <SelectField
          label="Status"
          {...field('status')}
          options={[
            { value: '', label: 'Any status' },
            ...unitStatuses.map((s) => ({ value: s.status, label: s.label })),
          ]}
        />
        <SelectField
          label="Type code"
          {...field('typeCode')}
          options={[
            { value: '', label: 'Any type' },
            ...(types.data ?? []).map((t) => ({ value: t.code, label: `${t.code} (${t.name})` })),
          ]}
        />
        <TextField label="Building" {...field('building')} />
        <TextField label="Floor" inputMode="numeric" {...field('floor')} />
        <TextField label="Minimum price" inputMode="decimal" {...field('minPrice')} />
        <TextField label="Maximum price" inputMode="decimal" {...field('maxPrice')} />
        <div className="flex gap-2">
          <Button type="submit">Apply filters</Button>
          <Button
            variant="secondary"
            onClick={() => {
              const kept: Record<string, string> = filter.projectId ? { projectId: filter.projectId } : {};
              setDraft(kept);
              setParams(kept, { replace: true });
            }}
          >
            Clear
          </Button>
        </div>
      </form>
      <FormAlert error={units.error} fields={[...unitFilterKeys]} />
      {!units.isError && (
        <PagedTable
          columns={['Unit', 'Type', 'Building', 'Floor', 'Bedrooms', 'Area (m²)', 'List price', 'Status']}
          pending={units.isPending}
          pendingText="Loading units…"
          empty={shown.length === 0 && !hasMore}
          emptyText="No units match."
          hasMore={hasMore}
          loadingMore={loadingMore}
          onLoadMore={loadMore}
        >
          {shown.map((unit) => (
            <tr key={unit.id}>
              <td className="py-2 pr-4">
                <Link
                  className="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
                  to={`/app/inventory/units/${unit.id}`}
                >
                  {unit.code}
                </Link>
              </td>
              <td className="py-2 pr-4">{unit.typeCode}</td>
              <td className="py-2 pr-4">{unit.building ?? '—'}</td>
              <td className="py-2 pr-4">{unit.floor ?? '—'}</td>
              <td className="py-2 pr-4">{unit.dimensions.bedrooms}</td>
              <td className="py-2 pr-4">{unit.dimensions.areaSqm}</td>
              <td className="py-2 pr-4">{formatMoney(unit.listPrice)}</td>
              <td className="py-2 pr-4">
                <StatusBadge status={unit.status} />
              </td>
            </tr>
          ))}
        </PagedTable>
      )}
    </div>
  );
}
