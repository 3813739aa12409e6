import { useState, type SyntheticEvent } from 'react';
import { Button } from '@/components/button';
import { SelectField, TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { PageHeader } from '@/components/page-header';
import { useSaveWorkspace, useWorkspace, type Workspace } from '../api/workspace';
import { LoadState } from '../components/load-state';
import { StaleNotice } from '../components/stale-notice';

const secondFactors = [
  { value: 'none', label: 'Password only' },
  { value: 'sms', label: 'Password and a code sent by SMS' },
];

export function WorkspaceRoute() {
  const workspace = useWorkspace();
  // Kept here: a save's new version remounts the form.
  const [saved, setSaved] = useState(false);
  return (
    <LoadState queries={[workspace]} what="the workspace">
      {() => (
        // A new version (saved here or loaded after a conflict) starts the form again from it.
        <WorkspaceForm
          key={String(workspace.data!.version)}
          workspace={workspace.data!}
          saved={saved}
          onSaved={setSaved}
          onReload={() => void workspace.refetch()}
        />
      )}
    </LoadState>
  );
}

function WorkspaceForm({
  workspace,
  saved,
  onSaved,
  onReload,
}: {
  workspace: Workspace;
  saved: boolean;
  onSaved: (saved: boolean) => void;
  onReload: () => void;
}) {
  const save = useSaveWorkspace();
  const [form, setForm] = useState({
    name: workspace.name,
    timezone: workspace.settings.timezone,
    currency: workspace.settings.currency,
    locale: workspace.settings.locale,
    secondFactor: workspace.settings.secondFactor ?? 'none',
  });
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) => {
    onSaved(false);
    setForm((current) => ({ ...current, [name]: event.target.value }));
  };

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const { name, ...settings } = form;
    save.mutate({ version: workspace.version, name, settings }, { onSuccess: () => onSaved(true) });
  };

  return (
    <form onSubmit={submit} className="max-w-xl space-y-4" noValidate>
      <PageHeader title="Workspace" />
      <FormAlert
        error={save.error}
        fields={[
          'name',
          'settings.timezone',
          'settings.currency',
          'settings.locale',
          'settings.secondFactor',
        ]}
      />
      <StaleNotice error={save.error} onReload={onReload} />
      <TextField
        label="Name"
        name="name"
        required
        value={form.name}
        onChange={set('name')}
        error={fieldError(save.error, 'name')}
      />
      <TextField
        label="Time zone"
        name="timezone"
        required
        value={form.timezone}
        onChange={set('timezone')}
        hint="An IANA time zone such as Asia/Dubai: where report days begin and end."
        error={fieldError(save.error, 'settings.timezone')}
      />
      <TextField
        label="Currency"
        name="currency"
        required
        value={form.currency}
        onChange={set('currency')}
        hint="An ISO 4217 code such as AED or USD."
        error={fieldError(save.error, 'settings.currency')}
      />
      <TextField
        label="Locale"
        name="locale"
        required
        value={form.locale}
        onChange={set('locale')}
        hint="Such as en or ar-AE."
        error={fieldError(save.error, 'settings.locale')}
      />
      <SelectField
        label="Signing in"
        name="secondFactor"
        options={secondFactors}
        value={form.secondFactor}
        onChange={set('secondFactor')}
        error={fieldError(save.error, 'settings.secondFactor')}
      />
      <p className="text-sm text-slate-600 dark:text-slate-400">
        With a code by SMS, everyone needs a mobile number on their profile to sign in; yours must be there
        first.
      </p>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={save.isPending}>
          Save
        </Button>
        {saved && <p role="status">Saved.</p>}
      </div>
    </form>
  );
}
