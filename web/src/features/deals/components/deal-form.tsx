import { useQuery } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import { Button } from '@/components/button';
import { SelectField, TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import {
  companyChoicesQuery,
  contactChoicesQuery,
  tenantCurrencyQuery,
  usePipelines,
  type Deal,
  type SaveDeal,
} from '../api/deals';

const fields = [
  'title',
  'pipelineId',
  'stageId',
  'value',
  'value.amount',
  'value.currency',
  'contactId',
  'companyId',
  'expectedCloseAt',
] as const;

/** yyyy-mm-dd of an instant, where the user is (what a date input shows). */
function localDate(iso: string) {
  const at = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${String(at.getFullYear())}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

interface DealFormProps {
  /** The deal being edited; its fields fill the form. */
  deal?: Deal | undefined;
  /** The pipeline to start with (the board's). */
  pipelineId?: string | undefined;
  /** The contact and company to start with (a contact's or company's "New deal"). */
  contactId?: string | undefined;
  companyId?: string | undefined;
  submitLabel: string;
  error: unknown;
  pending: boolean;
  onSubmit: (deal: SaveDeal) => void;
}

export function DealForm({
  deal,
  pipelineId,
  contactId,
  companyId,
  submitLabel,
  error,
  pending,
  onSubmit,
}: DealFormProps) {
  const pipelines = usePipelines();
  const contacts = useQuery(contactChoicesQuery());
  const companies = useQuery(companyChoicesQuery());
  const currency = useQuery(tenantCurrencyQuery());
  const [form, setForm] = useState({
    title: deal?.title ?? '',
    pipelineId: deal?.pipelineId ?? pipelineId ?? '',
    stageId: deal?.stageId ?? '',
    amount: deal ? String(deal.value.amount) : '',
    currency: deal?.value.currency ?? '',
    contactId: deal?.contactId ?? contactId ?? '',
    companyId: deal?.companyId ?? companyId ?? '',
    expectedCloseAt: typeof deal?.expectedCloseAt === 'string' ? localDate(deal.expectedCloseAt) : '',
  });
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({
      ...current,
      [name]: event.target.value,
      // Another pipeline has other stages.
      ...(name === 'pipelineId' ? { stageId: '' } : {}),
    }));

  const chosenPipeline = form.pipelineId || pipelines.data?.[0]?.id || '';
  const stages = [...(pipelines.data?.find((p) => p.id === chosenPipeline)?.stages ?? [])].sort(
    (a, b) => Number(a.order) - Number(b.order),
  );
  const chosenCurrency = form.currency || currency.data || 'USD';

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const optional = (value: string) => (value.trim() === '' ? null : value.trim());
    onSubmit({
      title: form.title,
      pipelineId: optional(chosenPipeline),
      stageId: optional(form.stageId),
      value: { amount: form.amount.trim() === '' ? null : Number(form.amount), currency: chosenCurrency },
      contactId: optional(form.contactId),
      companyId: optional(form.companyId),
      // A date is taken as the end of that day where the user is.
      expectedCloseAt: form.expectedCloseAt
        ? new Date(`${form.expectedCloseAt}T23:59:59`).toISOString()
        : null,
    });
  };

  return (
    <form onSubmit={submit} className="max-w-xl space-y-4" noValidate>
      <FormAlert error={error} fields={fields} />
      <TextField
        label="Title"
        name="title"
        required
        value={form.title}
        onChange={set('title')}
        error={fieldError(error, 'title')}
      />
      <SelectField
        label="Pipeline"
        name="pipelineId"
        value={chosenPipeline}
        onChange={set('pipelineId')}
        error={fieldError(error, 'pipelineId')}
        options={(pipelines.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
      />
      <SelectField
        label="Stage"
        name="stageId"
        value={form.stageId}
        onChange={set('stageId')}
        error={fieldError(error, 'stageId')}
        options={[
          // A deal being edited is in a stage; a pipeline chosen anew starts it at the first.
          ...(deal && form.stageId !== '' ? [] : [{ value: '', label: 'First stage' }]),
          ...stages.map((s) => ({ value: s.id, label: s.name })),
        ]}
      />
      <div className="grid grid-cols-3 gap-4">
        <div className="col-span-2">
          <TextField
            label="Value"
            name="amount"
            inputMode="decimal"
            required
            value={form.amount}
            onChange={set('amount')}
            error={fieldError(error, 'value.amount') ?? fieldError(error, 'value')}
          />
        </div>
        <TextField
          label="Currency"
          name="currency"
          maxLength={3}
          value={chosenCurrency}
          onChange={(event) => set('currency')({ target: { value: event.target.value.toUpperCase() } })}
          error={fieldError(error, 'value.currency')}
        />
      </div>
      <SelectField
        label="Contact"
        name="contactId"
        value={form.contactId}
        onChange={set('contactId')}
        error={fieldError(error, 'contactId')}
        options={[
          // A saved deal keeps its contact: the API changes links, it does not drop them.
          ...(deal?.contactId ? [] : [{ value: '', label: 'None' }]),
          ...(contacts.data ?? []).map((c) => ({
            value: c.id,
            label: `${c.firstName} ${c.lastName}`.trim(),
          })),
        ]}
      />
      <SelectField
        label="Company"
        name="companyId"
        value={form.companyId}
        onChange={set('companyId')}
        error={fieldError(error, 'companyId')}
        options={[
          ...(deal?.companyId ? [] : [{ value: '', label: 'None' }]),
          ...(companies.data ?? []).map((c) => ({ value: c.id, label: c.name })),
        ]}
      />
      <TextField
        label="Expected close"
        name="expectedCloseAt"
        type="date"
        value={form.expectedCloseAt}
        onChange={set('expectedCloseAt')}
        error={fieldError(error, 'expectedCloseAt')}
      />
      <Button type="submit" disabled={pending}>
        {submitLabel}
      </Button>
    </form>
  );
}
