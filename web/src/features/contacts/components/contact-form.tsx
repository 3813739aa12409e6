import { useState, type SyntheticEvent } from 'react';
import { Button } from '@/components/button';
import { SelectField, TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { ApiError } from '@/lib/problem';
import { useCompanyChoices, type Contact, type SaveContact } from '../api/contacts';

const fields = ['firstName', 'lastName', 'emails', 'phones', 'companyId'] as const;

/** The messages for a list field and its entries (`emails` and `emails[1]`), shown together under the one input. */
export function listFieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const messages = Object.entries(error.fieldErrors)
    .filter(([name]) => name === field || name.startsWith(`${field}[`))
    .flatMap(([, list]) => list);
  return messages.length > 0 ? messages.join(' ') : undefined;
}

/** Several addresses typed in one box, separated by commas, semicolons or new lines. */
export function splitList(value: string): string[] {
  return value
    .split(/[,;\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

interface ContactFormProps {
  contact?: Contact;
  submitLabel: string;
  error: unknown;
  pending: boolean;
  onSubmit: (contact: SaveContact) => void;
}

export function ContactForm({ contact, submitLabel, error, pending, onSubmit }: ContactFormProps) {
  const companies = useCompanyChoices();
  const [form, setForm] = useState({
    firstName: contact?.firstName ?? '',
    lastName: contact?.lastName ?? '',
    emails: contact?.emails.join(', ') ?? '',
    phones: contact?.phones.join(', ') ?? '',
    companyId: contact?.companyId ?? '',
  });
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [name]: event.target.value }));

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    onSubmit({
      firstName: form.firstName,
      lastName: form.lastName.trim(),
      emails: splitList(form.emails),
      phones: splitList(form.phones),
      companyId: form.companyId === '' ? null : form.companyId,
    });
  };

  // A message about emails[1] is shown under the emails box (listFieldError), so the alert leaves it out.
  const shownFields =
    error instanceof ApiError
      ? Object.keys(error.fieldErrors).filter((f) => fields.some((k) => f === k || f.startsWith(`${k}[`)))
      : [];
  return (
    <form onSubmit={submit} className="max-w-xl space-y-4" noValidate>
      <FormAlert error={error} fields={shownFields} />
      <div className="grid grid-cols-2 gap-4">
        <TextField
          label="First name"
          name="firstName"
          required
          value={form.firstName}
          onChange={set('firstName')}
          error={fieldError(error, 'firstName')}
        />
        <TextField
          label="Last name"
          name="lastName"
          value={form.lastName}
          onChange={set('lastName')}
          error={fieldError(error, 'lastName')}
        />
      </div>
      <TextField
        label="Emails"
        name="emails"
        value={form.emails}
        onChange={set('emails')}
        hint="Separate several with commas."
        error={listFieldError(error, 'emails')}
      />
      <TextField
        label="Phones"
        name="phones"
        value={form.phones}
        onChange={set('phones')}
        hint="International form (+ and the country code); separate several with commas."
        error={listFieldError(error, 'phones')}
      />
      <SelectField
        label="Company"
        name="companyId"
        value={form.companyId}
        onChange={set('companyId')}
        error={fieldError(error, 'companyId')}
        options={[
          { value: '', label: 'None' },
          ...(companies.data ?? []).map((c) => ({ value: c.id, label: c.name })),
        ]}
      />
      <Button type="submit" disabled={pending}>
        {submitLabel}
      </Button>
    </form>
  );
}
