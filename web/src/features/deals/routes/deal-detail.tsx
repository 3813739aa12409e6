import { useQueries, useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { FormAlert } from '@/components/form-alert';
import { formatDate, formatDateTime, formatMoney } from '@/lib/format';
import {
  approvalRequestQuery,
  companyNameQuery,
  contactNameQuery,
  leadNameQuery,
  timelineQuery,
  unitQuery,
  useDeal,
  usePendingApprovals,
  usePipelines,
} from '../api/deals';
import { DealActions } from '../components/deal-actions';
import { describeDealEntry } from '../utils/timeline';

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-4 py-2">
      <dt className="text-sm font-medium text-slate-600 dark:text-slate-400">{term}</dt>
      <dd className="col-span-2 text-sm">{children ?? '—'}</dd>
    </div>
  );
}

const actionNames: Record<string, string> = {
  'deal.win': 'Winning the deal',
  'deal.discount': 'A discount',
  'unit.reserve': 'Reserving a unit',
  'unit.sell': 'Selling a unit',
};

function describeApproval(action: string, input: unknown): string {
  const name = actionNames[action] ?? action;
  const percent =
    typeof input === 'object' && input !== null && 'discountPercent' in input
      ? String(input.discountPercent)
      : null;
  return action === 'deal.discount' && percent !== null ? `${name} of ${percent}%` : name;
}

export function DealDetailRoute() {
  const { id = '' } = useParams();
  const deal = useDeal(id);
  const pipelines = usePipelines();
  const approvals = usePendingApprovals(id);
  const timeline = useQuery(timelineQuery(id));
  const contactId = deal.data?.contactId;
  const companyId = deal.data?.companyId;
  const contact = useQuery({ ...contactNameQuery(contactId ?? ''), enabled: !!contactId });
  const company = useQuery({ ...companyNameQuery(companyId ?? ''), enabled: !!companyId });
  const leadId = deal.data?.leadId;
  const lead = useQuery({ ...leadNameQuery(leadId ?? ''), enabled: !!leadId });
  const units = useQueries({ queries: (deal.data?.unitIds ?? []).map((unitId) => unitQuery(unitId)) });
  const [justRequested, setJustRequested] = useState<{ message: string; approvalId: string } | null>(null);
  const sent = useQuery({
    ...approvalRequestQuery(justRequested?.approvalId ?? ''),
    enabled: !!justRequested,
  });
  const [params] = useSearchParams();

  if (deal.isPending) return <p>Loading the deal…</p>;
  if (deal.isError) return <FormAlert error={deal.error} fields={[]} />;

  const d = deal.data;
  const pipeline = pipelines.data?.find((p) => p.id === d.pipelineId);
  const stage = pipeline?.stages.find((s) => s.id === d.stageId);
  const pending = approvals.data ?? [];
  const sentStatus = sent.data?.status ?? 'pending';
  return (
    <div className="space-y-6">
      <p>
        <Link
          to={`/app/deals?pipeline=${d.pipelineId}`}
          className="text-sm text-indigo-700 dark:text-indigo-300"
        >
          ← Deals
        </Link>
      </p>
      <div className="flex items-center gap-3">
        <h1 className="text-2xl font-semibold">{d.title}</h1>
        <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold uppercase dark:bg-slate-700">
          {d.status}
        </span>
        {pending.length > 0 && (
          <span className="rounded-full bg-amber-200 px-2 py-0.5 text-xs font-semibold text-amber-950">
            Awaiting approval
          </span>
        )}
        <Link
          to={`/app/tasks/new?subjectType=deal&subjectId=${d.id}`}
          className="ml-auto rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold dark:border-slate-600"
        >
          New task
        </Link>
        {d.status === 'open' && (
          <Link
            to={`/app/deals/${d.id}/edit`}
            className="rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold dark:border-slate-600"
          >
            Edit
          </Link>
        )}
      </div>
      {justRequested && (
        <div
          role="status"
          className="max-w-2xl rounded-md border border-indigo-300 bg-indigo-50 p-3 text-sm text-indigo-950 dark:border-indigo-700 dark:bg-indigo-950 dark:text-indigo-100"
        >
          <p className="font-semibold">
            {sentStatus === 'pending' ? 'Sent for approval' : `Your request was ${sentStatus}`}
          </p>
          <p>
            {justRequested.message}{' '}
            <Link
              to={`/app/approvals/${justRequested.approvalId}`}
              className="font-medium text-indigo-700 underline dark:text-indigo-300"
            >
              View the approval request
            </Link>
          </p>
          {sent.data?.detail && <p>{sent.data.detail}</p>}
        </div>
      )}
      {pending.length > 0 && (
        <div
          role="status"
          className="max-w-2xl rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
        >
          <p className="font-semibold">Awaiting approval</p>
          <ul className="list-disc pl-5">
            {pending.map((approval) => (
              <li key={approval.id}>
                <Link
                  to={`/app/approvals/${approval.id}`}
                  className="font-medium text-amber-950 underline dark:text-amber-100"
                >
                  {describeApproval(approval.action, approval.input)}
                </Link>
                , asked {formatDateTime(approval.createdAt)}
                {approval.policyName ? ` (${approval.policyName})` : ''}
              </li>
            ))}
          </ul>
        </div>
      )}
      <dl className="max-w-2xl divide-y divide-slate-100 dark:divide-slate-800">
        <Row term="Value">{formatMoney(d.value)}</Row>
        <Row term="Discount">{`${String(d.discountPercent)}%`}</Row>
        <Row term="Pipeline">{pipeline?.name}</Row>
        <Row term="Stage">{stage ? `${stage.name} (${String(stage.probability)}%)` : null}</Row>
        <Row term="Contact">
          {contactId ? (
            <Link to={`/app/contacts/${contactId}`} className="text-indigo-700 dark:text-indigo-300">
              {contact.data ? `${contact.data.firstName} ${contact.data.lastName}`.trim() : 'Contact'}
            </Link>
          ) : null}
        </Row>
        <Row term="Company">
          {companyId ? (
            <Link to={`/app/companies/${companyId}`} className="text-indigo-700 dark:text-indigo-300">
              {company.data?.name ?? 'Company'}
            </Link>
          ) : null}
        </Row>
        <Row term="Lead">
          {d.leadId ? (
            <Link to={`/app/leads/${d.leadId}`} className="text-indigo-700 dark:text-indigo-300">
              {lead.data?.name ?? 'The lead'}
            </Link>
          ) : null}
        </Row>
        <Row term="Units">
          {d.unitIds.length > 0 ? (
            <ul>
              {d.unitIds.map((unitId, index) => {
                const unit = units[index]?.data;
                return (
                  <li key={unitId}>{unit ? `${unit.code} · ${unit.typeCode} · ${unit.status}` : unitId}</li>
                );
              })}
            </ul>
          ) : null}
        </Row>
        <Row term="Expected close">{d.expectedCloseAt ? formatDate(d.expectedCloseAt) : null}</Row>
        {d.status !== 'open' && <Row term="Closed">{formatDateTime(d.closedAt)}</Row>}
        {d.closedReason && <Row term="Reason">{d.closedReason}</Row>}
        <Row term="Created">{formatDateTime(d.createdAt)}</Row>
      </dl>
      {d.status === 'open' && (
        <section aria-labelledby="deal-actions" className="space-y-3">
          <h2 id="deal-actions" className="text-lg font-semibold">
            Actions
          </h2>
          <DealActions
            // A saved change starts the discount box again from the deal as stored.
            key={String(d.version)}
            deal={d}
            startLosing={params.get('lose') === '1'}
            onPending={setJustRequested}
          />
        </section>
      )}
      <section aria-labelledby="deal-timeline" className="max-w-2xl space-y-3">
        <h2 id="deal-timeline" className="text-lg font-semibold">
          Timeline
        </h2>
        {(timeline.data ?? []).length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">Nothing yet.</p>
        ) : (
          <ol className="space-y-1 text-sm">
            {(timeline.data ?? []).map((entry, index) => (
              <li key={`${String(entry.at)}-${String(index)}`}>
                <span className="text-slate-600 dark:text-slate-400">{formatDateTime(entry.at)}</span> ·{' '}
                {describeDealEntry(entry, (stageId) => pipeline?.stages.find((x) => x.id === stageId)?.name)}
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
