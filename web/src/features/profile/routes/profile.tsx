import { Link } from 'react-router';
import { useState, type SyntheticEvent } from 'react';
import { Button } from '@/components/button';
import { TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { useChangePassword, useMe, useUpdateName } from '../api/profile';

function NameForm({ initial }: { initial: string }) {
  const update = useUpdateName();
  const [name, setName] = useState(initial);
  return (
    <form
      className="max-w-md space-y-4"
      noValidate
      onSubmit={(event: SyntheticEvent) => {
        event.preventDefault();
        update.mutate(name);
      }}
    >
      <FormAlert error={update.error} fields={['name']} />
      <TextField
        label="Name"
        name="name"
        autoComplete="name"
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={fieldError(update.error, 'name')}
      />
      <Button type="submit" disabled={update.isPending}>
        Save name
      </Button>
      {update.isSuccess && <p role="status">Your name is saved.</p>}
    </form>
  );
}

function PasswordForm() {
  const change = useChangePassword();
  const [form, setForm] = useState({ currentPassword: '', newPassword: '' });
  return (
    <form
      className="max-w-md space-y-4"
      noValidate
      onSubmit={(event: SyntheticEvent) => {
        event.preventDefault();
        change.mutate(form, { onSuccess: () => setForm({ currentPassword: '', newPassword: '' }) });
      }}
    >
      <FormAlert error={change.error} fields={['currentPassword', 'newPassword']} />
      <TextField
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        value={form.currentPassword}
        onChange={(event) => setForm((f) => ({ ...f, currentPassword: event.target.value }))}
        error={fieldError(change.error, 'currentPassword')}
      />
      <TextField
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        value={form.newPassword}
        onChange={(event) => setForm((f) => ({ ...f, newPassword: event.target.value }))}
        error={fieldError(change.error, 'newPassword')}
      />
      <Button type="submit" disabled={change.isPending}>
        Change password
      </Button>
      {change.isSuccess && (
        <p role="status">Your password is changed, and every other session is signed out.</p>
      )}
    </form>
  );
}

export function ProfileRoute() {
  const me = useMe();
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold">Profile</h1>
      <FormAlert error={me.error} fields={[]} />
      {me.data && (
        <>
          <section aria-labelledby="profile-details" className="space-y-4">
            <h2 id="profile-details" className="text-lg font-semibold">
              Details
            </h2>
            <p className="text-sm">
              Email: <span>{me.data.user.email}</span>{' '}
              {me.data.user.emailVerified ? (
                <span className="text-green-800 dark:text-green-300">(verified)</span>
              ) : (
                <Link
                  to="/app/profile/verify/email"
                  className="text-indigo-700 underline dark:text-indigo-300"
                >
                  Verify your email
                </Link>
              )}
            </p>
            <p className="text-sm">
              Mobile: <span>{me.data.user.mobile ?? '—'}</span>{' '}
              {me.data.user.mobile &&
                (me.data.user.mobileVerified ? (
                  <span className="text-green-800 dark:text-green-300">(verified)</span>
                ) : (
                  <Link
                    to="/app/profile/verify/mobile"
                    className="text-indigo-700 underline dark:text-indigo-300"
                  >
                    Verify your mobile
                  </Link>
                ))}
            </p>
            <NameForm initial={me.data.user.name} />
          </section>
          <section aria-labelledby="profile-password" className="space-y-4">
            <h2 id="profile-password" className="text-lg font-semibold">
              Password
            </h2>
            <p className="text-sm text-slate-600 dark:text-slate-400">
              Changing it signs you out everywhere else (other browsers and devices).
            </p>
            <PasswordForm />
          </section>
        </>
      )}
    </div>
  );
}
