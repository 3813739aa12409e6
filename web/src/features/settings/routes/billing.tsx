import { Button } from '@/components/button';
import { FormAlert } from '@/components/form-alert';
import { PageHeader } from '@/components/page-header';
import { useBilling, useBillingSession, type Billing } from '../api/integrations';
import { cellClass, headCellClass, tableClass } from '../components/editor-panel';
import { LoadState } from '../components/load-state';

const limits = [
  { key: 'seats', label: 'Seats (active and invited users)' },
  { key: 'leads', label: 'Leads' },
  { key: 'units', label: 'Units' },
] as const;

export function BillingRoute() {
  const billing = useBilling();
  const session = useBillingSession();
  return (
    <LoadState queries={[billing]} what="the plan">
      {() => {
        const plan: Billing = billing.data!;
        return (
          <div className="space-y-6">
            <PageHeader title="Billing" />
            <p>
              Plan: <strong>{plan.plan}</strong> ({plan.status})
            </p>
            <table className={tableClass}>
              <thead>
                <tr>
                  <th className={headCellClass}>Limit</th>
                  <th className={headCellClass}>Used</th>
                  <th className={headCellClass}>Allowed</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
                {limits.map((limit) => (
                  <tr key={limit.key}>
                    <td className={cellClass}>{limit.label}</td>
                    <td className={cellClass}>{String(plan.usage[limit.key])}</td>
                    <td className={cellClass}>
                      {plan.limits[limit.key] === null ? 'No limit' : String(plan.limits[limit.key])}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <FormAlert error={session.error} fields={[]} />
            {!plan.stripeConfigured && (
              <p className="text-sm text-slate-600 dark:text-slate-400">
                Payments are not set up on this server, so the plan cannot be changed here.
              </p>
            )}
            <div className="flex flex-wrap gap-3">
              {['pro', 'enterprise']
                .filter((name) => name !== plan.plan)
                .map((name) => (
                  <Button
                    key={name}
                    disabled={!plan.stripeConfigured || session.isPending}
                    onClick={() => session.mutate({ checkout: name })}
                  >
                    Upgrade to {name}
                  </Button>
                ))}
              <Button
                variant="secondary"
                disabled={!plan.stripeConfigured || session.isPending}
                onClick={() => session.mutate('portal')}
              >
                Manage the subscription
              </Button>
            </div>
          </div>
        );
      }}
    </LoadState>
  );
}
