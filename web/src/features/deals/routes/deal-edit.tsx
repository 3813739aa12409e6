import { Link, useNavigate, useParams } from 'react-router';
import { FormAlert } from '@/components/form-alert';
import { useDeal, useUpdateDeal } from '../api/deals';
import { DealForm } from '../components/deal-form';

/** An open deal's fields; the discount, winning and losing are the deal page's actions. */
export function DealEditRoute() {
  const { id = '' } = useParams();
  const deal = useDeal(id);
  const update = useUpdateDeal();
  const navigate = useNavigate();

  if (deal.isPending) return <p>Loading the deal…</p>;
  if (deal.isError) return <FormAlert error={deal.error} fields={[]} />;

  const d = deal.data;
  return (
    <div className="space-y-6">
      <p>
        <Link to={`/app/deals/${d.id}`} className="text-sm text-indigo-700 dark:text-indigo-300">
          ← {d.title}
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">Edit deal</h1>
      {d.status === 'open' ? (
        <DealForm
          // Read again after a save elsewhere: the form starts from the deal as stored.
          key={String(d.version)}
          deal={d}
          submitLabel="Save deal"
          error={update.error}
          pending={update.isPending}
          onSubmit={(changes) =>
            update.mutate({ deal: d, changes }, { onSuccess: () => void navigate(`/app/deals/${d.id}`) })
          }
        />
      ) : (
        <p>This deal is {d.status}: a won or lost deal is final.</p>
      )}
    </div>
  );
}
