import { Navigate, Outlet, useLocation } from 'react-router';
import { useSession } from '@/lib/use-session';

/** The app's pages need a session; without one (never signed in, signed out in another tab) they go to /login. */
export function RequireSession() {
  const session = useSession();
  const location = useLocation();
  if (session === null) {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  }
  return <Outlet />;
}
