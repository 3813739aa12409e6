import { useState, type SyntheticEvent } from 'react';
import { Button } from '@/components/button';
import { TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import {
  useDeleteRole,
  usePermissionCatalog,
  useRoles,
  useSaveRole,
  type Grant,
  type Role,
} from '../api/people';
import { EditorPanel } from '../components/editor-panel';
import { RecordTable } from '../components/record-table';
import { RecordsPage } from '../components/records-page';
import { useEditing } from '../components/use-editing';
import { LoadState } from '../components/load-state';
import { FormButtons } from '../components/form-buttons';
import { StaleNotice } from '../components/stale-notice';

const scopes = ['own', 'group', 'all'] as const;
type Scope = (typeof scopes)[number];

export function RolesRoute() {
  const roles = useRoles();
  const catalog = usePermissionCatalog();
  const { editor, startNew, edit } = useEditing(roles.refetch);

  return (
    <LoadState queries={[roles, catalog]} what="the roles">
      {() => (
        <RecordsPage title="Roles" newLabel="New role" onNew={startNew}>
          {editor && (
            <RoleEditor key={editor.key} {...editor.actions} role={editor.record} catalog={catalog.data!} />
          )}
          <RecordTable
            columns={[
              {
                header: 'Name',
                cell: (role) => (
                  <>
                    {role.name}
                    {role.builtIn !== null && (
                      <span className="ml-2 text-xs text-slate-600 dark:text-slate-400">(built-in)</span>
                    )}
                  </>
                ),
              },
              { header: 'Grants', cell: (role) => `${String(role.grants.length)} permissions` },
            ]}
            rows={roles.data!}
            rowKey={(role) => role.id}
            rowName={(role) => role.name}
            onEdit={edit}
          />
        </RecordsPage>
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
        <FormButtons what="role" isNew={role === undefined} pending={save.isPending} onCancel={onDone}>
          {role !== undefined && role.builtIn === null && (
            <Button
              variant="secondary"
              disabled={remove.isPending}
              onClick={() => remove.mutate(role, { onSuccess: onDone })}
            >
              Delete role
            </Button>
          )}
        </FormButtons>
      </form>
    </EditorPanel>
  );
}
