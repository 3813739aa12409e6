import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { FormAlert } from '@/components/form-alert';
import { PageHeader } from '@/components/page-header';
import { availabilityQuery, projectQuery } from '../api/inventory';
import { ProjectNav } from '../components/project-nav';
import { StatusLegend } from '../components/status-legend';

/** A project: its details, how many units are in each status (overall and by type code), and its views. */
export function ProjectDetailRoute() {
  const { id = '' } = useParams();
  const project = useQuery(projectQuery(id));
  const availability = useQuery(availabilityQuery(id));

  if (project.isPending) return <p>Loading the project…</p>;
  if (project.isError) return <FormAlert error={project.error} fields={[]} />;
  const p = project.data;
  return (
    <div className="space-y-6">
      <PageHeader title={p.name} />
      <ProjectNav projectId={id} />
      <dl className="grid max-w-2xl grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
        <dt className="font-medium">Code</dt>
        <dd>{p.code}</dd>
        <dt className="font-medium">Address</dt>
        <dd>{p.address ?? '—'}</dd>
        <dt className="font-medium">Location</dt>
        <dd>{p.location ? `${String(p.location.lat)}, ${String(p.location.lng)}` : '—'}</dd>
      </dl>
      <section aria-labelledby="project-units" className="space-y-3">
        <h2 id="project-units" className="text-lg font-semibold">
          Units
        </h2>
        <FormAlert error={availability.error} fields={[]} />
        {availability.isPending ? (
          <p>Loading the counts…</p>
        ) : availability.data ? (
          <>
            <p>{String(availability.data.counts.total)} units in all.</p>
            <StatusLegend counts={availability.data.counts} />
            {availability.data.byTypeCode.length > 0 && (
              <table className="min-w-full max-w-2xl text-sm">
                <caption className="sr-only">Units by type code and status</caption>
                <thead>
                  <tr className="text-left">
                    {['Type', 'Total', 'Available', 'On hold', 'Reserved', 'Sold'].map((h) => (
                      <th key={h} scope="col" className="py-2 pr-4 font-medium">
                        {h}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {availability.data.byTypeCode.map(({ typeCode, counts }) => (
                    <tr key={typeCode}>
                      <th scope="row" className="py-1 pr-4 text-left font-normal">
                        {typeCode}
                      </th>
                      <td className="py-1 pr-4">{String(counts.total)}</td>
                      <td className="py-1 pr-4">{String(counts.available)}</td>
                      <td className="py-1 pr-4">{String(counts.onHold)}</td>
                      <td className="py-1 pr-4">{String(counts.reserved)}</td>
                      <td className="py-1 pr-4">{String(counts.sold)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        ) : null}
      </section>
    </div>
  );
}
