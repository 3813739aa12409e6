import { useQuery } from '@tanstack/react-query';
import { Navigate } from 'react-router';
import { meQuery, settingsPagesFor } from '../api/access';

/**
 * /app/settings itself opens the first page the caller may use. Someone who may use none is sent to the users page,
 * whose API answers 403, so they see why rather than an empty page.
 */
export function SettingsHomeRoute() {
  const me = useQuery(meQuery());
  if (me.isPending) return <p role="status">Loading settings…</p>;
  return (
    <Navigate to={`/app/settings/${settingsPagesFor(me.data?.permissions)[0]?.path ?? 'users'}`} replace />
  );
}
