import { useNavigate } from 'react-router';
import { useCreateLead } from '../api/leads';
import { LeadForm } from '../components/lead-form';

export function LeadNewRoute() {
  const create = useCreateLead();
  const navigate = useNavigate();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">New lead</h1>
      <LeadForm
        submitLabel="Create lead"
        error={create.error}
        pending={create.isPending}
        onSubmit={(lead) =>
          create.mutate(lead, { onSuccess: (created) => void navigate(`/app/leads/${created.id}`) })
        }
      />
    </div>
  );
}
