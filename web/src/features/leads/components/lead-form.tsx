import { useState, type SyntheticEvent } from 'react';
import { Link } from 'react-router';
import { Button } from '@/components/button';
import { SelectField, TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { isApiError } from '@/lib/api-client';
import { useLeadSources, useLeadStatuses, type Lead, type SaveLead } from '../api/leads';

const fields = ['name', 'phone', 'email', 'source', 'status', 'notes'] as const;

interface LeadFormProps {
  /** The lead being edited; a new lead's form starts empty. */
  lead?: Lead;
  submitLabel: string;
  error: unknown;
  pending: boolean;
  onSubmit: (lead: SaveLead) => void;
}

export function LeadForm({ lead, submitLabel, error, pending, onSubmit }: LeadFormProps) {
  const statuses = useLeadStatuses();
  const sources = useLeadSources();
  const [form, setForm] = useState({
    name: lead?.name ?? '',
    phone: lead?.phone ?? '',
    email: lead?.email ?? '',
    source: lead?.source ?? '',
    status: lead?.status ?? '',
    notes: lead?.notes ?? '',
  });
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [name]: event.target.value }));

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const optional = (value: string) => (value.trim() === '' ? null : value.trim());
    onSubmit({
      name: form.name,
      phone: optional(form.phone),
      email: optional(form.email),
      source: optional(form.source),
      status: optional(form.status),
      notes: optional(form.notes),
    });
  };

  const duplicateId = isApiError(error, 'duplicate_lead') ? error.body.existingId : undefined;
  const existingId = duplicateId === lead?.id ? undefined : duplicateId;
  return (
    <form onSubmit={submit} className="max-w-xl space-y-4" noValidate>
      <FormAlert error={error} fields={fields}>
        {typeof existingId === 'string' && (
          <p className="mt-2">
            <Link to={`/app/leads/${existingId}`} className="font-semibold underline">
              Open the existing lead
            </Link>
          </p>
        )}
      </FormAlert>
      <TextField
        label="Name"
        name="name"
        required
        value={form.name}
        onChange={set('name')}
        error={fieldError(error, 'name')}
      />
      <TextField
        label="Phone"
        name="phone"
        type="tel"
        value={form.phone}
        onChange={set('phone')}
        hint="International form: + and the country code."
        error={fieldError(error, 'phone')}
      />
      <TextField
        label="Email"
        name="email"
        type="email"
        value={form.email}
        onChange={set('email')}
        error={fieldError(error, 'email')}
      />
      <SelectField
        label="Source"
        name="source"
        value={form.source}
        onChange={set('source')}
        error={fieldError(error, 'source')}
        options={[
          { value: '', label: 'Choose a source' },
          ...(sources.data ?? []).map((s) => ({ value: s.key, label: s.name })),
        ]}
      />
      <SelectField
        label="Status"
        name="status"
        value={form.status}
        onChange={set('status')}
        error={fieldError(error, 'status')}
        options={[
          { value: '', label: 'Default' },
          ...(statuses.data ?? []).map((s) => ({ value: s.key, label: s.name })),
        ]}
      />
      <TextField
        label="Notes"
        name="notes"
        value={form.notes}
        onChange={set('notes')}
        error={fieldError(error, 'notes')}
      />
      <Button type="submit" disabled={pending}>
        {submitLabel}
      </Button>
    </form>
  );
}
