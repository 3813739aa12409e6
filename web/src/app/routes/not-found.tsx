import { Link } from 'react-router';

export function NotFoundRoute() {
  return (
    <main className="p-10">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="mt-4">
        <Link to="/">Back to the start</Link>
      </p>
    </main>
  );
}
