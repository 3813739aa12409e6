import { Link, useSearchParams } from 'react-router';
import { SelectField } from '@/components/field';
import { FormAlert } from '@/components/form-alert';
import { PagedTable, usePagedRows } from '@/components/paged-list';
import { formatDateTime } from '@/lib/format';
import { useSession } from '@/lib/use-session';
import { useApprovals, type ApprovalStatus, type Mine } from '../api/approvals';
import { StatusBadge } from '../components/status-badge';
import { UserName } from '../components/user-name';
import { actionName, statusNames } from '../utils/approval';

const tabs: { mine: Mine; label: string }[] = [
  { mine: 'awaiting', label: 'Awaiting me' },
  { mine: 'requested', label: 'Requested by me' },
];

const statusOptions = [
  { value: '', label: 'Any status' },
  ...Object.entries(statusNames).map(([value, label]) => ({ value, label })),
];

/**
 * The approval inbox: requests waiting for the caller's decision, or those they asked for. The tab and the status
 * live in the URL (bookmarks, the back button); a request raised or decided elsewhere arrives through the live
 * stream, which makes ['approvals'] stale.
 */
export function ApprovalsInboxRoute() {
  const [params, setParams] = useSearchParams();
  const mine: Mine = params.get('mine') === 'requested' ? 'requested' : 'awaiting';
  const statusParam = params.get('status') ?? '';
  const status = statusParam in statusNames ? (statusParam as ApprovalStatus) : undefined;
  const approvals = useApprovals({ mine, ...(status ? { status } : {}) });
  const { rows, hasMore, loadingMore, loadMore } = usePagedRows(approvals);
  const me = useSession()?.user.id;

  const link = (next: Mine) => {
    const query = new URLSearchParams({ mine: next });
    if (status) query.set('status', status);
    return `/app/approvals?${query.toString()}`;
  };

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Approvals</h1>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <nav
          aria-label="Approval lists"
          className="flex gap-1 border-b border-slate-200 dark:border-slate-700"
        >
          {tabs.map((tab) => (
            <Link
              key={tab.mine}
              to={link(tab.mine)}
              aria-current={tab.mine === mine ? 'page' : undefined}
              className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${
                tab.mine === mine
                  ? 'border-indigo-600 text-indigo-700 dark:border-indigo-400 dark:text-indigo-200'
                  : 'border-transparent text-slate-700 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white'
              }`}
            >
              {tab.label}
            </Link>
          ))}
        </nav>
        <div className="w-48">
          <SelectField
            label="Status"
            name="status"
            value={status ?? ''}
            options={statusOptions}
            onChange={(event) => {
              const next = new URLSearchParams({ mine });
              if (event.target.value) next.set('status', event.target.value);
              setParams(next, { replace: true });
            }}
          />
        </div>
      </div>
      <FormAlert error={approvals.error} fields={[]} />
      {!approvals.isError && (
        <PagedTable
          columns={[
            'Request',
            'Subject',
            mine === 'awaiting' ? 'Asked by' : 'Policy',
            'Asked',
            'Expires',
            'Status',
          ]}
          pending={approvals.isPending}
          pendingText="Loading approval requests…"
          empty={rows.length === 0}
          emptyText={
            mine === 'awaiting'
              ? 'Nothing is waiting for your decision.'
              : 'You have not asked for any approval.'
          }
          hasMore={hasMore}
          loadingMore={loadingMore}
          onLoadMore={loadMore}
        >
          {rows.map((approval) => (
            <tr key={approval.id}>
              <td className="py-2 pr-4">
                <Link
                  to={`/app/approvals/${approval.id}`}
                  className="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
                >
                  {actionName(approval.action)}
                </Link>
              </td>
              <td className="py-2 pr-4 capitalize">{approval.subject.type}</td>
              <td className="py-2 pr-4">
                {mine === 'awaiting' ? <UserName id={approval.requestedBy} me={me} /> : approval.policyName}
              </td>
              <td className="py-2 pr-4">{formatDateTime(approval.createdAt)}</td>
              <td className="py-2 pr-4">{formatDateTime(approval.expiresAt)}</td>
              <td className="py-2 pr-4">
                <StatusBadge status={approval.status} />
              </td>
            </tr>
          ))}
        </PagedTable>
      )}
    </div>
  );
}
