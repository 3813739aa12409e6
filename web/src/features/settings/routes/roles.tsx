import { useState, type SyntheticEvent } from 'react';
import { Button } from '@/components/button';
import { TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { PageHeader } from '@/components/page-header';
import {
  useDeleteRole,
  usePermissionCatalog,
  useRoles,
  useSaveRole,
  type Grant,
  type Role,
} from '../api/people';
import {
  cellClass,
  EditorPanel,
  headCellClass,
  linkButtonClass,
  tableClass,
} from '../components/editor-panel';
import { LoadState } from '../components/load-state';
import { StaleNotice } from '../components/stale-notice';

const scopes = ['own', 'group', 'all'] as const;
type Scope = (typeof scopes)[number];

export function RolesRoute() {
  const roles = useRoles();
  const catalog = usePermissionCatalog();
  const [editing, setEditing] = useState<Role | 'new' | null>(null);

  return (
    <LoadState queries={[roles, catalog]} what="the roles">
      {() => (
        <div className="space-y-6">
          <PageHeader title="Roles">
            <Button onClick={() => setEditing('new')}>New role</Button>
          </PageHeader>
          {editing !== null && (
            <RoleEditor
              key={editing === 'new' ? 'new' : `${editing.id}:${String(editing.version)}`}
              role={editing === 'new' ? undefined : editing}
              catalog={catalog.data!}
              onDone={() => setEditing(null)}
              onReload={() =>
                void roles.refetch().then(({ data }) => {
                  setEditing(data?.find((r) => editing !== 'new' && r.id === editing.id) ?? null);
                })
              }
            />
          )}
          <table className={tableClass}>
            <thead>
              <tr>
                <th className={headCellClass}>Name</th>
                <th className={headCellClass}>Grants</th>
                <th className={headCellClass}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
              {roles.data!.map((role) => (
                <tr key={role.id}>
                  <td className={cellClass}>
                    {role.name}
                    {role.builtIn !== null && (
                      <span className="ml-2 text-xs text-slate-600 dark:text-slate-400">(built-in)</span>
                    )}
                  </td>
                  <td className={cellClass}>{role.grants.length} permissions</td>
                  <td className={cellClass}>
                    <button
                      type="button"
                      className={linkButtonClass}
                      aria-label={`Edit ${role.name}`}
                      onClick={() => setEditing(role)}
                    >
                      Edit
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </LoadState>
  );
}

function RoleEditor({
  role,
  catalog,
  onDone,
  onReload,
}: {
  role: Role | undefined;
  catalog: { name: string; description: string }[];
  onDone: () => void;
  onReload: () => void;
}) {
  const save = useSaveRole();
  const remove = useDeleteRole();
  const [name, setName] = useState(role?.name ?? '');
  const [grants, setGrants] = useState<Record<string, Scope>>(
    Object.fromEntries((role?.grants ?? []).map((grant) => [grant.permission, grant.scope])),
  );
  const error = save.error ?? remove.error;

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const list: Grant[] = Object.entries(grants).map(([permission, scope]) => ({ permission, scope }));
    save.mutate({ role, changes: { name, grants: list } }, { onSuccess: onDone });
  };

  return (
    <EditorPanel title={role === undefined ? 'New role' : `Edit ${role.name}`}>
      <form onSubmit={submit} noValidate className="space-y-4">
        <StaleNotice error={error} onReload={onReload} />
        <FormAlert error={error} fields={['name', 'grants']} />
        <div className="max-w-xl">
          <TextField
            label="Role name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={fieldError(error, 'name')}
          />
        </div>
        <fieldset>
          <legend className="text-sm font-medium text-slate-700 dark:text-slate-200">Grants</legend>
          {fieldError(error, 'grants') && (
            <p className="mt-1 text-sm text-red-700 dark:text-red-400">{fieldError(error, 'grants')}</p>
          )}
          <div className="mt-2 grid gap-x-6 gap-y-2 sm:grid-cols-2">
            {catalog.map((permission) => (
              <label key={permission.name} className="flex items-center justify-between gap-3 text-sm">
                <span title={permission.description}>{permission.name}</span>
                <select
                  className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-800"
                  value={grants[permission.name] ?? ''}
                  onChange={(event) => {
                    const scope = event.target.value as Scope | '';
                    setGrants((current) => {
                      const others = Object.entries(current).filter(([name]) => name !== permission.name);
                      return Object.fromEntries(
                        scope === '' ? others : [...others, [permission.name, scope]],
                      );
                    });
                  }}
                >
                  <option value="">Not granted</option>
                  {scopes.map((scope) => (
                    <option key={scope} value={scope}>
                      {scope}
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="flex flex-wrap gap-3">
          <Button type="submit" disabled={save.isPending}>
            {role === undefined ? 'Create role' : 'Save role'}
          </Button>
          <Button variant="secondary" onClick={onDone}>
            Cancel
          </Button>
          {role !== undefined && role.builtIn === null && (
            <Button
              variant="secondary"
              disabled={remove.isPending}
              onClick={() => remove.mutate(role, { onSuccess: onDone })}
            >
              Delete role
            </Button>
          )}
        </div>
      </form>
    </EditorPanel>
  );
}
