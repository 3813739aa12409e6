import { useState, type SyntheticEvent } from 'react';
import { Button } from '@/components/button';
import { SelectField, TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { PageHeader } from '@/components/page-header';
import { useDeleteGroup, useGroups, useSaveGroup, useUsers, type Group, type User } from '../api/people';
import { CheckboxList } from '../components/checkbox-list';
import {
  cellClass,
  EditorPanel,
  headCellClass,
  linkButtonClass,
  tableClass,
} from '../components/editor-panel';
import { LoadState } from '../components/load-state';
import { StaleNotice } from '../components/stale-notice';

export function GroupsRoute() {
  const groups = useGroups();
  const users = useUsers();
  const [editing, setEditing] = useState<Group | 'new' | null>(null);
  const nameOf = (id: string | null) => users.data?.find((user) => user.id === id)?.name ?? '';

  return (
    <LoadState queries={[groups, users]} what="the groups">
      {() => (
        <div className="space-y-6">
          <PageHeader title="Groups">
            <Button onClick={() => setEditing('new')}>New group</Button>
          </PageHeader>
          {editing !== null && (
            <GroupEditor
              key={editing === 'new' ? 'new' : `${editing.id}:${String(editing.version)}`}
              group={editing === 'new' ? undefined : editing}
              users={users.data!}
              onDone={() => setEditing(null)}
              onReload={() =>
                void groups.refetch().then(({ data }) => {
                  setEditing(data?.find((g) => editing !== 'new' && g.id === editing.id) ?? null);
                })
              }
            />
          )}
          {groups.data!.length === 0 ? (
            <p className="text-slate-600 dark:text-slate-400">No groups yet.</p>
          ) : (
            <table className={tableClass}>
              <thead>
                <tr>
                  <th className={headCellClass}>Name</th>
                  <th className={headCellClass}>Manager</th>
                  <th className={headCellClass}>Members</th>
                  <th className={headCellClass}>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
                {groups.data!.map((group) => (
                  <tr key={group.id}>
                    <td className={cellClass}>{group.name}</td>
                    <td className={cellClass}>{nameOf(group.managerId)}</td>
                    <td className={cellClass}>{group.memberIds.map(nameOf).join(', ')}</td>
                    <td className={cellClass}>
                      <button
                        type="button"
                        className={linkButtonClass}
                        aria-label={`Edit ${group.name}`}
                        onClick={() => setEditing(group)}
                      >
                        Edit
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </LoadState>
  );
}

function GroupEditor({
  group,
  users,
  onDone,
  onReload,
}: {
  group: Group | undefined;
  users: User[];
  onDone: () => void;
  onReload: () => void;
}) {
  const save = useSaveGroup();
  const remove = useDeleteGroup();
  const [name, setName] = useState(group?.name ?? '');
  const [memberIds, setMemberIds] = useState<string[]>(group?.memberIds ?? []);
  const [managerId, setManagerId] = useState(group?.managerId ?? '');
  const error = save.error ?? remove.error;

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.mutate(
      { group, changes: { name, memberIds, managerId: managerId === '' ? null : managerId } },
      { onSuccess: onDone },
    );
  };

  return (
    <EditorPanel title={group === undefined ? 'New group' : `Edit ${group.name}`}>
      <form onSubmit={submit} noValidate className="max-w-xl space-y-4">
        <StaleNotice error={error} onReload={onReload} />
        <FormAlert error={error} fields={['name', 'memberIds', 'managerId']} />
        <TextField
          label="Group name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldError(error, 'name')}
        />
        <SelectField
          label="Manager"
          value={managerId}
          onChange={(e) => setManagerId(e.target.value)}
          error={fieldError(error, 'managerId')}
          options={[
            { value: '', label: 'No manager' },
            ...users.map((user) => ({ value: user.id, label: user.name })),
          ]}
        />
        <CheckboxList
          legend="Members"
          options={users.map((user) => ({ value: user.id, label: user.name }))}
          selected={memberIds}
          onChange={setMemberIds}
          error={fieldError(error, 'memberIds')}
        />
        <div className="flex flex-wrap gap-3">
          <Button type="submit" disabled={save.isPending}>
            {group === undefined ? 'Create group' : 'Save group'}
          </Button>
          <Button variant="secondary" onClick={onDone}>
            Cancel
          </Button>
          {group !== undefined && (
            <Button
              variant="secondary"
              disabled={remove.isPending}
              onClick={() => remove.mutate(group, { onSuccess: onDone })}
            >
              Delete group
            </Button>
          )}
        </div>
      </form>
    </EditorPanel>
  );
}
