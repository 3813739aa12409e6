import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { ActionLink, PageHeader } from '@/components/page-header';
import { PagedTable, usePagedRows } from '@/components/paged-list';
import { FormAlert } from '@/components/form-alert';
import { TextField } from '@/components/field';
import { projectsQuery } from '../api/inventory';

/** The inventory's first page: the tenant's projects (developments), searchable by name or code. */
export function ProjectsListRoute() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const projects = useInfiniteQuery(projectsQuery(q));
  const { rows, hasMore, loadingMore, loadMore } = usePagedRows(projects);

  return (
    <div className="space-y-6">
      <PageHeader title="Inventory">
        <ActionLink to="/app/inventory/units">All units</ActionLink>
      </PageHeader>
      <div className="max-w-sm">
        <TextField
          label="Search projects"
          type="search"
          value={q}
          onChange={(event) =>
            setParams(event.target.value ? { q: event.target.value } : {}, { replace: true })
          }
        />
      </div>
      <FormAlert error={projects.error} fields={[]} />
      {!projects.isError && (
        <PagedTable
          columns={['Project', 'Code', 'Address']}
          pending={projects.isPending}
          pendingText="Loading projects…"
          empty={rows.length === 0}
          emptyText={q ? 'No project matches.' : 'No projects yet.'}
          hasMore={hasMore}
          loadingMore={loadingMore}
          onLoadMore={loadMore}
        >
          {rows.map((project) => (
            <tr key={project.id}>
              <td className="py-2 pr-4">
                <Link
                  className="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
                  to={`/app/inventory/projects/${project.id}`}
                >
                  {project.name}
                </Link>
              </td>
              <td className="py-2 pr-4">{project.code}</td>
              <td className="py-2 pr-4">{project.address ?? '—'}</td>
            </tr>
          ))}
        </PagedTable>
      )}
    </div>
  );
}
