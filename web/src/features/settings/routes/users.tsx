import { useState, type SyntheticEvent } from 'react';
import { Button } from '@/components/button';
import { SelectField, TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import {
  useCreateUser,
  useDisableUser,
  useGroups,
  useRoles,
  useUpdateUser,
  useUsers,
  type Group,
  type Role,
  type User,
} from '../api/people';
import { CheckboxList } from '../components/checkbox-list';
import { EditorPanel } from '../components/editor-panel';
import { RecordTable } from '../components/record-table';
import { RecordsPage } from '../components/records-page';
import { useEditing } from '../components/use-editing';
import { LoadState } from '../components/load-state';
import { FormButtons } from '../components/form-buttons';
import { StaleNotice } from '../components/stale-notice';

const fields = ['name', 'email', 'mobile', 'password', 'roleIds', 'groupIds', 'status'] as const;

const namesOf = (ids: readonly string[], items: readonly { id: string; name: string }[]) =>
  ids.map((id) => items.find((item) => item.id === id)?.name ?? 'Unknown').join(', ');

export function UsersRoute() {
  const users = useUsers();
  const roles = useRoles();
  const groups = useGroups();
  const { editor, startNew, edit } = useEditing(users.refetch);

  return (
    <LoadState queries={[users, roles, groups]} what="the users">
      {() => (
        <RecordsPage title="Users" newLabel="New user" onNew={startNew}>
          {editor && (
            <UserEditor
              key={editor.key}
              {...editor.actions}
              user={editor.record}
              roles={roles.data!}
              groups={groups.data!}
            />
          )}
          <RecordTable
            columns={[
              { header: 'Name', cell: (user) => user.name },
              { header: 'Email', cell: (user) => user.email },
              { header: 'Roles', cell: (user) => namesOf(user.roleIds, roles.data!) },
              { header: 'Groups', cell: (user) => namesOf(user.groupIds, groups.data!) },
              { header: 'Status', cell: (user) => user.status },
            ]}
            rows={users.data!}
            rowKey={(user) => user.id}
            rowName={(user) => user.name}
            onEdit={edit}
          />
        </RecordsPage>
      )}
    </LoadState>
  );
}

function UserEditor({
  user,
  roles,
  groups,
  onDone,
  onReload,
}: {
  user: User | undefined;
  roles: Role[];
  groups: Group[];
  onDone: () => void;
  onReload: () => void;
}) {
  const create = useCreateUser();
  const update = useUpdateUser();
  const disable = useDisableUser();
  const saving = user === undefined ? create : update;
  const [form, setForm] = useState({
    name: user?.name ?? '',
    email: user?.email ?? '',
    mobile: user?.mobile ?? '',
    password: '',
    status: user?.status ?? 'active',
  });
  const [roleIds, setRoleIds] = useState<string[]>(user?.roleIds ?? []);
  const [groupIds, setGroupIds] = useState<string[]>(user?.groupIds ?? []);
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [name]: event.target.value }));
  const error = saving.error ?? disable.error;

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const mobile = form.mobile.trim() === '' ? null : form.mobile.trim();
    if (user === undefined) {
      // Without a password the server invites the user instead (a single-use link through the notification channels).
      const password = form.password === '' ? null : form.password;
      create.mutate(
        { name: form.name, email: form.email, mobile, roleIds, groupIds, password },
        { onSuccess: onDone },
      );
    } else {
      const status = form.status === 'invited' ? null : (form.status as User['status']);
      update.mutate(
        { user, changes: { name: form.name, email: form.email, mobile, roleIds, groupIds, status } },
        { onSuccess: onDone },
      );
    }
  };

  return (
    <EditorPanel title={user === undefined ? 'New user' : `Edit ${user.name}`}>
      <form onSubmit={submit} noValidate className="max-w-xl space-y-4">
        <StaleNotice error={error} onReload={onReload} />
        <FormAlert error={error} fields={fields} />
        <TextField label="Name" value={form.name} onChange={set('name')} error={fieldError(error, 'name')} />
        <TextField
          label="Email"
          type="email"
          value={form.email}
          onChange={set('email')}
          error={fieldError(error, 'email')}
        />
        <TextField
          label="Mobile"
          type="tel"
          value={form.mobile}
          onChange={set('mobile')}
          hint="Optional. International form: + and the country code."
          error={fieldError(error, 'mobile')}
        />
        {user === undefined ? (
          <TextField
            label="Password"
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={set('password')}
            hint="Leave it empty to send an invitation instead: the user then chooses their own."
            error={fieldError(error, 'password')}
          />
        ) : (
          <SelectField
            label="Status"
            value={form.status}
            onChange={set('status')}
            error={fieldError(error, 'status')}
            options={[
              ...(user.status === 'invited' ? [{ value: 'invited', label: 'Invited' }] : []),
              { value: 'active', label: 'Active' },
              { value: 'disabled', label: 'Disabled' },
            ]}
          />
        )}
        <CheckboxList
          legend="Roles"
          options={roles.map((role) => ({ value: role.id, label: role.name }))}
          selected={roleIds}
          onChange={setRoleIds}
          error={fieldError(error, 'roleIds')}
        />
        <CheckboxList
          legend="Groups"
          options={groups.map((group) => ({ value: group.id, label: group.name }))}
          selected={groupIds}
          onChange={setGroupIds}
          error={fieldError(error, 'groupIds')}
        />
        <FormButtons what="user" isNew={user === undefined} pending={saving.isPending} onCancel={onDone}>
          {user !== undefined && user.status !== 'disabled' && (
            <Button
              variant="secondary"
              disabled={disable.isPending}
              onClick={() => disable.mutate(user, { onSuccess: onDone })}
            >
              Disable user
            </Button>
          )}
        </FormButtons>
      </form>
    </EditorPanel>
  );
}
