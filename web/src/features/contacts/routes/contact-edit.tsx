import { Link, useNavigate, useParams } from 'react-router';
import { FormAlert } from '@/components/form-alert';
import { isApiError } from '@/lib/api-client';
import { useContact, useCreateContact, useUpdateContact } from '../api/contacts';
import { ContactForm } from '../components/contact-form';
import { StaleNotice } from '../components/stale-notice';

export function ContactNewRoute() {
  const create = useCreateContact();
  const navigate = useNavigate();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">New contact</h1>
      <ContactForm
        submitLabel="Create contact"
        error={create.error}
        pending={create.isPending}
        onSubmit={(contact) =>
          create.mutate(contact, { onSuccess: (created) => void navigate(`/app/contacts/${created.id}`) })
        }
      />
    </div>
  );
}

export function ContactEditRoute() {
  const { id = '' } = useParams();
  const contact = useContact(id);
  const update = useUpdateContact();
  const navigate = useNavigate();

  if (contact.isPending) return <p>Loading the contact…</p>;
  if (contact.isError) return <FormAlert error={contact.error} fields={[]} />;

  return (
    <div className="space-y-6">
      <p>
        <Link to={`/app/contacts/${id}`} className="text-sm text-indigo-700 dark:text-indigo-300">
          ← {`${contact.data.firstName} ${contact.data.lastName}`.trim()}
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">Edit contact</h1>
      {isApiError(update.error, 'version_mismatch') && (
        <StaleNotice
          record="contact"
          onReload={() => {
            update.reset();
            void contact.refetch();
          }}
        />
      )}
      <ContactForm
        // A reloaded contact starts the form again from what is stored now.
        key={String(contact.data.version)}
        contact={contact.data}
        submitLabel="Save contact"
        error={update.error}
        pending={update.isPending}
        onSubmit={(changes) =>
          update.mutate(
            { contact: contact.data, changes },
            { onSuccess: () => void navigate(`/app/contacts/${id}`) },
          )
        }
      />
    </div>
  );
}
