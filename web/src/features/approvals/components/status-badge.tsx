import type { ApprovalStatus } from '../api/approvals';
import { statusNames } from '../utils/approval';

const looks: Record<ApprovalStatus, string> = {
  pending: 'bg-amber-200 text-amber-950',
  approved: 'bg-emerald-200 text-emerald-950',
  rejected: 'bg-red-200 text-red-950',
  expired: 'bg-slate-200 text-slate-900',
  cancelled: 'bg-slate-200 text-slate-900',
};

export function StatusBadge({ status }: { status: ApprovalStatus }) {
  return (
    <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ${looks[status]}`}>
      {statusNames[status]}
    </span>
  );
}
