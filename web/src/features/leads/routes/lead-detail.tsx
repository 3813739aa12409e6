import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { FormAlert } from '@/components/form-alert';
import { Timeline } from '@/components/timeline';
import { useLead, useLeadStatuses, useOwners } from '../api/leads';
import { ConversionNote, LeadActions } from '../components/lead-actions';

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-4 py-2">
      <dt className="text-sm font-medium text-slate-600 dark:text-slate-400">{term}</dt>
      <dd className="col-span-2 text-sm">{children ?? '—'}</dd>
    </div>
  );
}

export function LeadDetailRoute() {
  const { id = '' } = useParams();
  const lead = useLead(id);
  const statuses = useLeadStatuses();
  const owners = useOwners();

  if (lead.isPending) return <p>Loading the lead…</p>;
  if (lead.isError) return <FormAlert error={lead.error} fields={[]} />;

  const l = lead.data;
  const status = statuses.data?.find((s) => s.key === l.status)?.name ?? l.status;
  const owner = l.ownerId ? (owners.data?.find((u) => u.id === l.ownerId)?.name ?? l.ownerId) : null;
  return (
    <div className="space-y-6">
      <p>
        <Link to="/app/leads" className="text-sm text-indigo-700 dark:text-indigo-300">
          ← Leads
        </Link>
      </p>
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">{l.name}</h1>
        <Link
          to={`/app/leads/${l.id}/edit`}
          className="rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold dark:border-slate-600"
        >
          Edit
        </Link>
      </div>
      <ConversionNote lead={l} />
      <div className="grid gap-8 lg:grid-cols-2">
        <div className="space-y-6">
          <dl className="max-w-2xl divide-y divide-slate-100 dark:divide-slate-800">
            <Row term="Status">{status}</Row>
            <Row term="Source">{l.source}</Row>
            <Row term="Phone">{l.phone}</Row>
            <Row term="Email">{l.email}</Row>
            <Row term="Owner">{owner}</Row>
            <Row term="Budget">{l.budget ? `${l.budget.amount} ${l.budget.currency}` : null}</Row>
            <Row term="Tags">{l.tags.length > 0 ? l.tags.join(', ') : null}</Row>
            <Row term="Calls">{String(l.calls.attempts)}</Row>
            <Row term="Notes">{l.notes}</Row>
            <Row term="Created">
              {typeof l.createdAt === 'string' ? new Date(l.createdAt).toLocaleString() : null}
            </Row>
          </dl>
          <LeadActions lead={l} />
        </div>
        <Timeline type="lead" id={l.id} />
      </div>
    </div>
  );
}
