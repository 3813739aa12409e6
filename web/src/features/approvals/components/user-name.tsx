import { useQuery } from '@tanstack/react-query';
import { userNameQuery } from '../api/approvals';

/** A person of a request by name; while the name loads, or if it cannot be read, a neutral word. */
export function UserName({ id, me }: { id: string; me?: string | undefined }) {
  const name = useQuery(userNameQuery(id));
  if (id === me) return <>you</>;
  return <>{name.data ?? 'a colleague'}</>;
}
