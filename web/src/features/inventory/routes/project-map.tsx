import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useParams } from 'react-router';
import { FormAlert } from '@/components/form-alert';
import { PageHeader } from '@/components/page-header';
import { mapProjectsQuery, mapUnitsQuery, projectQuery } from '../api/inventory';
import { ProjectNav } from '../components/project-nav';
import { StatusLegend } from '../components/status-legend';
import { UnitMap } from '../components/unit-map';

/** A project's units on a map of their own shapes (GET /map/units), with the project's boundary. */
export function ProjectMapRoute() {
  const { id = '' } = useParams();
  const project = useQuery(projectQuery(id));
  const units = useQuery(mapUnitsQuery(id));
  const projects = useQuery(mapProjectsQuery());
  const outline = useMemo(
    () => (projects.data?.features ?? []).filter((feature) => feature.id === id),
    [projects.data, id],
  );

  return (
    <div className="space-y-6">
      <PageHeader title={project.data ? `Map: ${project.data.name}` : 'Map'} />
      <ProjectNav projectId={id} />
      <FormAlert error={project.error ?? units.error ?? projects.error} fields={[]} />
      <StatusLegend />
      {units.isPending ? (
        <p>Loading the map…</p>
      ) : units.data ? (
        <>
          {units.data.truncated && (
            <p role="status">The map shows the first {units.data.features.length} units.</p>
          )}
          <UnitMap units={units.data.features} projects={outline} />
        </>
      ) : null}
    </div>
  );
}
