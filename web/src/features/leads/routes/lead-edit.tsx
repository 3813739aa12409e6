import { Link, useNavigate, useParams } from 'react-router';
import { FormAlert } from '@/components/form-alert';
import { isApiError } from '@/lib/api-client';
import { useLead, useUpdateLead } from '../api/leads';
import { LeadForm } from '../components/lead-form';

export function LeadEditRoute() {
  const { id = '' } = useParams();
  const lead = useLead(id);
  const update = useUpdateLead();
  const navigate = useNavigate();

  if (lead.isPending) return <p>Loading the lead…</p>;
  if (lead.isError) return <FormAlert error={lead.error} fields={[]} />;

  return (
    <div className="space-y-6">
      <p>
        <Link to={`/app/leads/${id}`} className="text-sm text-indigo-700 dark:text-indigo-300">
          ← {lead.data.name}
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">Edit lead</h1>
      {isApiError(update.error, 'version_mismatch') && (
        <p role="status" className="text-sm">
          Someone changed this lead while you were editing it.{' '}
          <button
            type="button"
            className="font-semibold underline"
            onClick={() => {
              update.reset();
              void lead.refetch();
            }}
          >
            Load their version
          </button>
        </p>
      )}
      <LeadForm
        // A reloaded lead starts the form again from what is stored now.
        key={String(lead.data.version)}
        lead={lead.data}
        submitLabel="Save lead"
        error={update.error}
        pending={update.isPending}
        onSubmit={(changes) =>
          update.mutate({ lead: lead.data, changes }, { onSuccess: () => void navigate(`/app/leads/${id}`) })
        }
      />
    </div>
  );
}
