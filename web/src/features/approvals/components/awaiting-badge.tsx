import { useAwaitingCount } from '../api/approvals';

/** The sidebar's count of requests waiting for the caller's decision; nothing when there are none. */
export function AwaitingApprovalsBadge() {
  const { data: count = 0 } = useAwaitingCount();
  if (count === 0) return null;
  return (
    <>
      <span
        aria-hidden="true"
        data-testid="approvals-awaiting"
        className="ml-2 rounded-full bg-amber-200 px-1.5 text-xs font-semibold text-amber-950"
      >
        {count > 99 ? '99+' : count}
      </span>
      <span className="sr-only">{`, ${count > 99 ? 'over 99' : String(count)} awaiting you`}</span>
    </>
  );
}
