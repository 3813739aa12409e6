import { useQuery } from '@tanstack/react-query';
import { FormAlert } from '@/components/form-alert';
import { api, unwrap } from '@/lib/api-client';

export function ProfileRoute() {
  const me = useQuery({ queryKey: ['me'], queryFn: () => unwrap(api.GET('/api/v1/me', {})) });
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Profile</h1>
      <FormAlert error={me.error} fields={[]} />
      {me.data && (
        <dl className="space-y-2 text-sm">
          <div>
            <dt className="font-medium text-slate-600 dark:text-slate-400">Name</dt>
            <dd>{me.data.user.name}</dd>
          </div>
          <div>
            <dt className="font-medium text-slate-600 dark:text-slate-400">Email</dt>
            <dd>{me.data.user.email}</dd>
          </div>
        </dl>
      )}
    </div>
  );
}
