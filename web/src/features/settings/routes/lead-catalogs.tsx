import { useState, type SyntheticEvent } from 'react';
import { Button } from '@/components/button';
import { SelectField, TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { PageHeader } from '@/components/page-header';
import { useAddLeadSource, useAddLeadStatus, useLeadSources, useLeadStatuses } from '../api/sales';
import { EditorPanel } from '../components/editor-panel';
import { LoadState } from '../components/load-state';
import { RecordTable } from '../components/record-table';

const keyHint = 'What leads store: lower-case letters, digits and underscores, starting with a letter.';

/** The workspace's lead statuses and lead sources: both are lists that leads pick from, added to here. */
export function LeadCatalogsRoute() {
  const statuses = useLeadStatuses();
  const sources = useLeadSources();
  return (
    <LoadState queries={[statuses, sources]} what="the lead statuses and sources">
      {() => (
        <div className="space-y-8">
          <PageHeader title="Lead statuses and sources" />
          <section aria-labelledby="statuses-heading" className="space-y-4">
            <h2 id="statuses-heading" className="text-lg font-semibold">
              Statuses
            </h2>
            <RecordTable
              columns={[
                { header: 'Name', cell: (status) => status.name },
                { header: 'Key', cell: (status) => status.key },
                { header: 'Category', cell: (status) => status.category },
                { header: 'Order', cell: (status) => String(status.order) },
              ]}
              rows={[...statuses.data!].sort((a, b) => Number(a.order) - Number(b.order))}
              rowKey={(status) => status.key}
            />
            <StatusForm />
          </section>
          <section aria-labelledby="sources-heading" className="space-y-4">
            <h2 id="sources-heading" className="text-lg font-semibold">
              Sources
            </h2>
            <RecordTable
              columns={[
                { header: 'Name', cell: (source) => source.name },
                { header: 'Key', cell: (source) => source.key },
              ]}
              rows={sources.data!}
              rowKey={(source) => source.key}
            />
            <SourceForm />
          </section>
        </div>
      )}
    </LoadState>
  );
}

function StatusForm() {
  const add = useAddLeadStatus();
  const empty = { name: '', key: '', category: 'open', order: '50' };
  const [form, setForm] = useState(empty);
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [name]: event.target.value }));
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    add.mutate(
      {
        name: form.name,
        key: form.key,
        category: form.category as 'open' | 'won' | 'lost',
        order: form.order.trim() === '' ? null : Number(form.order),
      },
      { onSuccess: () => setForm(empty) },
    );
  };
  return (
    <EditorPanel title="Add a status">
      <form onSubmit={submit} noValidate className="grid max-w-2xl gap-4 sm:grid-cols-2">
        <div className="sm:col-span-2">
          <FormAlert error={add.error} fields={['name', 'key', 'category', 'order']} />
        </div>
        <TextField
          label="Status name"
          value={form.name}
          onChange={set('name')}
          error={fieldError(add.error, 'name')}
        />
        <TextField
          label="Status key"
          value={form.key}
          onChange={set('key')}
          hint={keyHint}
          error={fieldError(add.error, 'key')}
        />
        <SelectField
          label="Category"
          value={form.category}
          onChange={set('category')}
          error={fieldError(add.error, 'category')}
          options={[
            { value: 'open', label: 'Open' },
            { value: 'won', label: 'Won' },
            { value: 'lost', label: 'Lost' },
          ]}
        />
        <TextField
          label="Order"
          type="number"
          inputMode="numeric"
          value={form.order}
          onChange={set('order')}
          error={fieldError(add.error, 'order')}
        />
        <div>
          <Button type="submit" disabled={add.isPending}>
            Add status
          </Button>
        </div>
      </form>
    </EditorPanel>
  );
}

function SourceForm() {
  const add = useAddLeadSource();
  const [form, setForm] = useState({ name: '', key: '' });
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    add.mutate(form, { onSuccess: () => setForm({ name: '', key: '' }) });
  };
  return (
    <EditorPanel title="Add a source">
      <form onSubmit={submit} noValidate className="grid max-w-2xl gap-4 sm:grid-cols-2">
        <div className="sm:col-span-2">
          <FormAlert error={add.error} fields={['name', 'key']} />
        </div>
        <TextField
          label="Source name"
          value={form.name}
          onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))}
          error={fieldError(add.error, 'name')}
        />
        <TextField
          label="Source key"
          value={form.key}
          onChange={(e) => setForm((f) => ({ ...f, key: e.target.value }))}
          hint={keyHint}
          error={fieldError(add.error, 'key')}
        />
        <div>
          <Button type="submit" disabled={add.isPending}>
            Add source
          </Button>
        </div>
      </form>
    </EditorPanel>
  );
}
