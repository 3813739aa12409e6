import { useState, type SyntheticEvent } from 'react';
import { NavLink, useParams } from 'react-router';
import { Button } from '@/components/button';
import { TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { PageHeader } from '@/components/page-header';
import {
  useIntegration,
  useSaveIntegration,
  type IntegrationName,
  type IntegrationView,
} from '../api/integrations';
import { LoadState } from '../components/load-state';
import { StaleNotice } from '../components/stale-notice';
import {
  integrationBodyOf,
  integrationFields,
  integrationFormOf,
  type IntegrationField,
} from '../utils/integration-fields';

const titles: Record<IntegrationName, string> = {
  email: 'Email (SMTP)',
  infobip: 'Infobip (SMS, WhatsApp)',
  voip: 'VOIP',
};
const names = Object.keys(titles) as IntegrationName[];

export function IntegrationsRoute() {
  const { name: param } = useParams();
  const name: IntegrationName = names.includes(param as IntegrationName)
    ? (param as IntegrationName)
    : 'email';
  const settings = useIntegration(name);
  // Held here, not in the form: a save stores a new version, and the form starts again from it.
  const save = useSaveIntegration(name);
  return (
    <div className="space-y-6">
      <PageHeader title="Integrations" />
      <nav aria-label="Integrations" className="flex gap-2 border-b border-slate-200 dark:border-slate-800">
        {names.map((each) => (
          <NavLink
            key={each}
            to={`/app/settings/integrations/${each}`}
            className={({ isActive }) =>
              `-mb-px border-b-2 px-3 py-2 text-sm ${
                isActive
                  ? 'border-indigo-600 font-semibold text-indigo-700 dark:text-indigo-300'
                  : 'border-transparent text-slate-700 dark:text-slate-300'
              }`
            }
          >
            {titles[each]}
          </NavLink>
        ))}
      </nav>
      <LoadState queries={[settings]} what={`the ${titles[name]} settings`}>
        {() => (
          <IntegrationForm
            key={`${name}:${String(settings.data!.version)}`}
            name={name}
            view={settings.data!}
            save={save}
            onReload={() => void settings.refetch()}
          />
        )}
      </LoadState>
    </div>
  );
}

function IntegrationForm({
  name,
  view,
  save,
  onReload,
}: {
  name: IntegrationName;
  view: IntegrationView;
  save: ReturnType<typeof useSaveIntegration>;
  onReload: () => void;
}) {
  const fields: IntegrationField[] = integrationFields[name];
  const stored = view as unknown as Record<string, unknown>;
  const [form, setForm] = useState(() => integrationFormOf(fields, stored));
  const [removed, setRemoved] = useState<Set<string>>(new Set());
  const isSet = (field: string) => (stored[field] as { set?: boolean } | undefined)?.set === true;

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const body = integrationBodyOf(fields, form, removed);
    // VOIP agents' numbers are not edited here; the whole document is replaced, so they go back as stored.
    if (name === 'voip' && 'agents' in view) body.agents = view.agents;
    save.mutate({ version: view.version, body });
  };

  return (
    <form onSubmit={submit} noValidate className="max-w-xl space-y-4">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {view.configured ? 'Configured.' : 'Not configured: messages go to the development outbox.'}
      </p>
      <StaleNotice error={save.error} onReload={onReload} />
      <FormAlert error={save.error} fields={fields.map((field) => field.name)} />
      {fields.map((field) => (
        <div key={field.name}>
          <TextField
            label={field.label}
            type={field.secret ? 'password' : field.number ? 'number' : 'text'}
            autoComplete={field.secret ? 'new-password' : 'off'}
            value={form[field.name] ?? ''}
            onChange={(event) => {
              if (save.isSuccess) save.reset();
              setForm((current) => ({ ...current, [field.name]: event.target.value }));
            }}
            hint={
              field.secret ? (isSet(field.name) ? 'Set. Leave it empty to keep it.' : 'Not set.') : field.hint
            }
            error={fieldError(save.error, field.name)}
          />
          {field.secret && isSet(field.name) && (
            <label className="mt-1 flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={removed.has(field.name)}
                onChange={(event) =>
                  setRemoved((current) => {
                    const next = new Set(current);
                    if (event.target.checked) next.add(field.name);
                    else next.delete(field.name);
                    return next;
                  })
                }
              />
              Remove the stored {field.label}
            </label>
          )}
        </div>
      ))}
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={save.isPending}>
          Save {titles[name]} settings
        </Button>
        {save.isSuccess && <p role="status">Saved.</p>}
      </div>
    </form>
  );
}
