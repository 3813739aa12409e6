import { Link } from 'react-router';
import { useSession } from '@/lib/use-session';

export function DashboardRoute() {
  const session = useSession();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Dashboard</h1>
      <p>Welcome, {session?.user.name}.</p>
      <p>
        <Link to="/app/leads" className="text-indigo-700 dark:text-indigo-300">
          Go to your leads
        </Link>
      </p>
    </div>
  );
}
