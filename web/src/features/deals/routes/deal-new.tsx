import { useNavigate, useSearchParams } from 'react-router';
import { useCreateDeal } from '../api/deals';
import { DealForm } from '../components/deal-form';

export function DealNewRoute() {
  const create = useCreateDeal();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">New deal</h1>
      <DealForm
        pipelineId={params.get('pipeline') ?? undefined}
        contactId={params.get('contact') ?? undefined}
        companyId={params.get('company') ?? undefined}
        submitLabel="Create deal"
        error={create.error}
        pending={create.isPending}
        onSubmit={(deal) =>
          create.mutate(deal, { onSuccess: (created) => void navigate(`/app/deals/${created.id}`) })
        }
      />
    </div>
  );
}
