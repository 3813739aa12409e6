import { useState, type SyntheticEvent } from 'react';
import { Button } from '@/components/button';
import { FormAlert } from '@/components/form-alert';
import { PageHeader } from '@/components/page-header';
import { useRoles, type Role } from '../api/people';
import {
  useNotificationRules,
  useSaveNotificationRules,
  type NotificationChannel,
  type NotificationRecipient,
  type NotificationRule,
  type NotificationRules,
} from '../api/policies';
import { CheckboxList } from '../components/checkbox-list';
import { LoadState } from '../components/load-state';
import { StaleNotice } from '../components/stale-notice';

const channels: { value: NotificationChannel; label: string }[] = [
  { value: 'in_app', label: 'In the app' },
  { value: 'email', label: 'Email' },
  { value: 'sms', label: 'SMS' },
  { value: 'whatsapp', label: 'WhatsApp' },
];

const recipients: { value: NotificationRecipient; label: string }[] = [
  { value: 'owner', label: 'Owner' },
  { value: 'assignee', label: 'Assignee' },
  { value: 'approvers', label: 'Approvers' },
  { value: 'requester', label: 'Requester' },
];

export function NotificationRulesRoute() {
  const rules = useNotificationRules();
  const roles = useRoles();
  // Held here, not in the form: a save stores a new version, and the form starts again from it.
  const save = useSaveNotificationRules();
  return (
    <LoadState queries={[rules, roles]} what="the notification rules">
      {() => (
        <div className="space-y-6">
          <PageHeader title="Notification rules" />
          <p className="text-sm text-slate-600 dark:text-slate-400">
            For each event: how people hear of it, and who.
            {rules.data!.isDefault && ' These are the defaults; saving makes them this workspace’s own.'}
          </p>
          <RulesForm
            key={String(rules.data!.version)}
            current={rules.data!}
            roles={roles.data!}
            save={save}
            onReload={() => void rules.refetch()}
          />
        </div>
      )}
    </LoadState>
  );
}

function RulesForm({
  current,
  roles,
  save,
  onReload,
}: {
  current: NotificationRules;
  roles: Role[];
  save: ReturnType<typeof useSaveNotificationRules>;
  onReload: () => void;
}) {
  const [rules, setRules] = useState<NotificationRule[]>(current.rules);
  const change = (index: number, changes: Partial<NotificationRule>) => {
    if (save.isSuccess) save.reset();
    setRules((list) => list.map((rule, i) => (i === index ? { ...rule, ...changes } : rule)));
  };
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.mutate({ current, rules });
  };
  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <StaleNotice error={save.error} onReload={onReload} />
      <FormAlert error={save.error} fields={[]} />
      {rules.map((rule, index) => (
        <fieldset
          key={rule.eventType}
          className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
        >
          <legend className="px-1 font-semibold">{rule.eventType}</legend>
          <CheckboxList
            legend={`Channels for ${rule.eventType}`}
            options={channels}
            selected={rule.channels}
            onChange={(selected) => change(index, { channels: selected as NotificationChannel[] })}
          />
          <CheckboxList
            legend={`Recipients of ${rule.eventType}`}
            options={recipients}
            selected={rule.recipients}
            onChange={(selected) => change(index, { recipients: selected as NotificationRecipient[] })}
          />
          <CheckboxList
            legend={`Roles notified of ${rule.eventType}`}
            options={roles.map((role) => ({ value: role.id, label: role.name }))}
            selected={rule.roleIds}
            onChange={(selected) => change(index, { roleIds: selected })}
          />
        </fieldset>
      ))}
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={save.isPending}>
          Save notification rules
        </Button>
        {save.isSuccess && <p role="status">Saved.</p>}
      </div>
    </form>
  );
}
