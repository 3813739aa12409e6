import { Link, useNavigate, useParams } from 'react-router';
import { FormAlert } from '@/components/form-alert';
import { isApiError } from '@/lib/api-client';
import { useCompany, useCreateCompany, useUpdateCompany } from '../api/contacts';
import { CompanyForm } from '../components/company-form';
import { StaleNotice } from '../components/stale-notice';

export function CompanyNewRoute() {
  const create = useCreateCompany();
  const navigate = useNavigate();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">New company</h1>
      <CompanyForm
        submitLabel="Create company"
        error={create.error}
        pending={create.isPending}
        onSubmit={(company) =>
          create.mutate(company, { onSuccess: (created) => void navigate(`/app/companies/${created.id}`) })
        }
      />
    </div>
  );
}

export function CompanyEditRoute() {
  const { id = '' } = useParams();
  const company = useCompany(id);
  const update = useUpdateCompany();
  const navigate = useNavigate();

  if (company.isPending) return <p>Loading the company…</p>;
  if (company.isError) return <FormAlert error={company.error} fields={[]} />;

  return (
    <div className="space-y-6">
      <p>
        <Link to={`/app/companies/${id}`} className="text-sm text-indigo-700 dark:text-indigo-300">
          ← {company.data.name}
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">Edit company</h1>
      {isApiError(update.error, 'version_mismatch') && (
        <StaleNotice
          record="company"
          onReload={() => {
            update.reset();
            void company.refetch();
          }}
        />
      )}
      <CompanyForm
        // A reloaded company starts the form again from what is stored now.
        key={String(company.data.version)}
        company={company.data}
        submitLabel="Save company"
        error={update.error}
        pending={update.isPending}
        onSubmit={(changes) =>
          update.mutate(
            { company: company.data, changes },
            { onSuccess: () => void navigate(`/app/companies/${id}`) },
          )
        }
      />
    </div>
  );
}
