import { useState, type SyntheticEvent } from 'react';
import { Button } from '@/components/button';
import { SelectField, TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { useGroups, useRoles, useUsers, type Group, type Role, type User } from '../api/people';
import {
  useApprovalActions,
  useApprovalPolicies,
  useDeleteApprovalPolicy,
  useSaveApprovalPolicy,
  type ApprovalAction,
  type ApprovalPolicy,
  type ConditionOperator,
} from '../api/policies';
import { CheckboxList } from '../components/checkbox-list';
import { EditorPanel } from '../components/editor-panel';
import { RecordTable } from '../components/record-table';
import { RecordsPage } from '../components/records-page';
import { useEditing } from '../components/use-editing';
import { LoadState } from '../components/load-state';
import { FormButtons } from '../components/form-buttons';
import { StaleNotice } from '../components/stale-notice';
import { conditionFormOf, conditionToSave } from '../utils/condition';

const operators: { value: ConditionOperator; label: string }[] = [
  { value: 'gt', label: 'greater than' },
  { value: 'gte', label: 'at least' },
  { value: 'lt', label: 'less than' },
  { value: 'lte', label: 'at most' },
  { value: 'eq', label: 'equal to' },
  { value: 'ne', label: 'not equal to' },
];

const fields = [
  'name',
  'action',
  'condition',
  'condition.field',
  'condition.op',
  'condition.value',
  'approverRoleIds',
  'approverGroupIds',
  'approverUserIds',
  'levels',
  'expiresAfterMinutes',
];

const describeCondition = (policy: ApprovalPolicy) =>
  policy.condition === null
    ? 'Every request'
    : `${policy.condition.field} ${operators.find((op) => op.value === policy.condition!.op)?.label ?? policy.condition.op} ${String(policy.condition.value)}`;

export function ApprovalPoliciesRoute() {
  const policies = useApprovalPolicies();
  const actions = useApprovalActions();
  const roles = useRoles();
  const groups = useGroups();
  const users = useUsers();
  const { editor, startNew, edit } = useEditing(policies.refetch);

  return (
    <LoadState queries={[policies, actions, roles, groups, users]} what="the approval policies">
      {() => (
        <RecordsPage title="Approval policies" newLabel="New approval policy" onNew={startNew}>
          {editor && (
            <PolicyEditor
              key={editor.key}
              {...editor.actions}
              policy={editor.record}
              actions={actions.data!}
              roles={roles.data!}
              groups={groups.data!}
              users={users.data!}
            />
          )}
          <RecordTable
            columns={[
              { header: 'Name', cell: (policy) => policy.name },
              { header: 'Action', cell: (policy) => policy.action },
              { header: 'When', cell: describeCondition },
              { header: 'Levels', cell: (policy) => String(policy.levels) },
            ]}
            rows={policies.data!}
            rowKey={(policy) => policy.id}
            rowName={(policy) => policy.name}
            onEdit={edit}
            empty="No approval policies yet: every action happens without waiting for approval."
          />
        </RecordsPage>
      )}
    </LoadState>
  );
}

function PolicyEditor({
  policy,
  actions,
  roles,
  groups,
  users,
  onDone,
  onReload,
}: {
  policy: ApprovalPolicy | undefined;
  actions: ApprovalAction[];
  roles: Role[];
  groups: Group[];
  users: User[];
  onDone: () => void;
  onReload: () => void;
}) {
  const save = useSaveApprovalPolicy();
  const remove = useDeleteApprovalPolicy();
  const [form, setForm] = useState({
    name: policy?.name ?? '',
    action: policy?.action ?? actions[0]?.action ?? '',
    levels: String(policy?.levels ?? 1),
    expiresAfterMinutes: policy?.expiresAfterMinutes == null ? '' : String(policy.expiresAfterMinutes),
  });
  const [condition, setCondition] = useState(() => conditionFormOf(policy?.condition ?? null));
  const [roleIds, setRoleIds] = useState<string[]>(policy?.approverRoleIds ?? []);
  const [groupIds, setGroupIds] = useState<string[]>(policy?.approverGroupIds ?? []);
  const [userIds, setUserIds] = useState<string[]>(policy?.approverUserIds ?? []);
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [name]: event.target.value }));
  const actionFields = actions.find((action) => action.action === form.action)?.fields ?? [];
  const chosenField = actionFields.find((field) => field.name === condition.field);
  const error = save.error ?? remove.error;

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const number = (text: string) => (text.trim() === '' ? null : Number(text));
    save.mutate(
      {
        policy,
        changes: {
          name: form.name,
          action: form.action,
          condition: conditionToSave(condition, actionFields),
          approverRoleIds: roleIds,
          approverGroupIds: groupIds,
          approverUserIds: userIds,
          levels: number(form.levels),
          expiresAfterMinutes: number(form.expiresAfterMinutes),
        },
      },
      { onSuccess: onDone },
    );
  };

  return (
    <EditorPanel title={policy === undefined ? 'New approval policy' : `Edit ${policy.name}`}>
      <form onSubmit={submit} noValidate className="max-w-xl space-y-4">
        <StaleNotice error={error} onReload={onReload} />
        <FormAlert error={error} fields={fields} />
        <TextField
          label="Policy name"
          value={form.name}
          onChange={set('name')}
          error={fieldError(error, 'name')}
        />
        <SelectField
          label="Action"
          value={form.action}
          onChange={(event) => {
            set('action')(event);
            // The fields differ from action to action: a condition on the old action's field means nothing now.
            setCondition((current) => ({ ...current, field: '' }));
          }}
          error={fieldError(error, 'action')}
          options={actions.map((action) => ({ value: action.action, label: action.action }))}
        />
        <fieldset className="space-y-3">
          <legend className="text-sm font-medium text-slate-700 dark:text-slate-200">Condition</legend>
          {fieldError(error, 'condition') && (
            <p className="text-sm text-red-700 dark:text-red-400">{fieldError(error, 'condition')}</p>
          )}
          <SelectField
            label="Condition field"
            value={condition.field}
            onChange={(event) => setCondition((current) => ({ ...current, field: event.target.value }))}
            error={fieldError(error, 'condition.field')}
            options={[
              { value: '', label: 'No condition: every request' },
              ...actionFields.map((field) => ({
                value: field.name,
                label: `${field.name} (${field.meaning})`,
              })),
            ]}
          />
          {condition.field !== '' && (
            <>
              <SelectField
                label="Condition operator"
                value={condition.op}
                onChange={(event) =>
                  setCondition((current) => ({ ...current, op: event.target.value as ConditionOperator }))
                }
                error={fieldError(error, 'condition.op')}
                options={
                  chosenField?.kind === 'number'
                    ? operators
                    : operators.filter((op) => op.value === 'eq' || op.value === 'ne')
                }
              />
              <TextField
                label="Condition value"
                value={condition.value}
                inputMode={chosenField?.kind === 'number' ? 'decimal' : undefined}
                onChange={(event) => setCondition((current) => ({ ...current, value: event.target.value }))}
                error={fieldError(error, 'condition.value')}
              />
            </>
          )}
        </fieldset>
        <CheckboxList
          legend="Approver roles"
          options={roles.map((role) => ({ value: role.id, label: role.name }))}
          selected={roleIds}
          onChange={setRoleIds}
          error={fieldError(error, 'approverRoleIds')}
        />
        <CheckboxList
          legend="Approver groups"
          options={groups.map((group) => ({ value: group.id, label: group.name }))}
          selected={groupIds}
          onChange={setGroupIds}
          error={fieldError(error, 'approverGroupIds')}
        />
        <CheckboxList
          legend="Approver users"
          options={users.map((user) => ({ value: user.id, label: user.name }))}
          selected={userIds}
          onChange={setUserIds}
          error={fieldError(error, 'approverUserIds')}
        />
        <TextField
          label="Levels"
          type="number"
          min={1}
          max={5}
          value={form.levels}
          onChange={set('levels')}
          hint="How many approvals in a row, each by a different approver (1 to 5)."
          error={fieldError(error, 'levels')}
        />
        <TextField
          label="Expires after (minutes)"
          type="number"
          min={1}
          value={form.expiresAfterMinutes}
          onChange={set('expiresAfterMinutes')}
          hint="Empty: a week."
          error={fieldError(error, 'expiresAfterMinutes')}
        />
        <FormButtons
          what="approval policy"
          isNew={policy === undefined}
          pending={save.isPending}
          onCancel={onDone}
        >
          {policy !== undefined && (
            <Button
              variant="secondary"
              disabled={remove.isPending}
              onClick={() => remove.mutate(policy, { onSuccess: onDone })}
            >
              Delete approval policy
            </Button>
          )}
        </FormButtons>
      </form>
    </EditorPanel>
  );
}
