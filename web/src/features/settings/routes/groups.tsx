import { useState, type SyntheticEvent } from 'react';
import { Button } from '@/components/button';
import { SelectField, TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { useDeleteGroup, useGroups, useSaveGroup, useUsers, type Group, type User } from '../api/people';
import { CheckboxList } from '../components/checkbox-list';
import { EditorPanel } from '../components/editor-panel';
import { RecordTable } from '../components/record-table';
import { RecordsPage } from '../components/records-page';
import { useEditing } from '../components/use-editing';
import { LoadState } from '../components/load-state';
import { FormButtons } from '../components/form-buttons';
import { StaleNotice } from '../components/stale-notice';

export function GroupsRoute() {
  const groups = useGroups();
  const users = useUsers();
  const { editor, startNew, edit } = useEditing(groups.refetch);
  const nameOf = (id: string | null) => users.data?.find((user) => user.id === id)?.name ?? '';

  return (
    <LoadState queries={[groups, users]} what="the groups">
      {() => (
        <RecordsPage title="Groups" newLabel="New group" onNew={startNew}>
          {editor && (
            <GroupEditor key={editor.key} {...editor.actions} group={editor.record} users={users.data!} />
          )}
          <RecordTable
            columns={[
              { header: 'Name', cell: (group) => group.name },
              { header: 'Manager', cell: (group) => nameOf(group.managerId) },
              { header: 'Members', cell: (group) => group.memberIds.map(nameOf).join(', ') },
            ]}
            rows={groups.data!}
            rowKey={(group) => group.id}
            rowName={(group) => group.name}
            onEdit={edit}
            empty="No groups yet."
          />
        </RecordsPage>
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
        <FormButtons what="group" isNew={group === undefined} pending={save.isPending} onCancel={onDone}>
          {group !== undefined && (
            <Button
              variant="secondary"
              disabled={remove.isPending}
              onClick={() => remove.mutate(group, { onSuccess: onDone })}
            >
              Delete group
            </Button>
          )}
        </FormButtons>
      </form>
    </EditorPanel>
  );
}
