import { useState, type SyntheticEvent } from 'react';
import { Button } from '@/components/button';
import { TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import type { Company, SaveCompany } from '../api/contacts';

const fields = ['name', 'domain', 'industry'] as const;

interface CompanyFormProps {
  company?: Company;
  submitLabel: string;
  error: unknown;
  pending: boolean;
  onSubmit: (company: SaveCompany) => void;
}

export function CompanyForm({ company, submitLabel, error, pending, onSubmit }: CompanyFormProps) {
  const [form, setForm] = useState({
    name: company?.name ?? '',
    domain: company?.domain ?? '',
    industry: company?.industry ?? '',
  });
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [name]: event.target.value }));

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const optional = (value: string) => (value.trim() === '' ? null : value.trim());
    onSubmit({ name: form.name, domain: optional(form.domain), industry: optional(form.industry) });
  };

  return (
    <form onSubmit={submit} className="max-w-xl space-y-4" noValidate>
      <FormAlert error={error} fields={fields} />
      <TextField
        label="Name"
        name="name"
        required
        value={form.name}
        onChange={set('name')}
        error={fieldError(error, 'name')}
      />
      <TextField
        label="Domain"
        name="domain"
        value={form.domain}
        onChange={set('domain')}
        hint="Such as example.com."
        error={fieldError(error, 'domain')}
      />
      <TextField
        label="Industry"
        name="industry"
        value={form.industry}
        onChange={set('industry')}
        error={fieldError(error, 'industry')}
      />
      <Button type="submit" disabled={pending}>
        {submitLabel}
      </Button>
    </form>
  );
}
