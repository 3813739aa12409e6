import { Link } from 'react-router';

const features = [
  [
    'Leads and call queues',
    'Every enquiry in one list, handed to agents one at a time, with no lead called twice.',
  ],
  [
    'Deals and approvals',
    'A pipeline board per team; discounts and reservations wait for the right approver.',
  ],
  ['Inventory', 'Projects, units and their availability, held, reserved and sold without double booking.'],
  ['Live dashboards', 'Pipeline, funnel, calls and inventory figures that move as your team works.'],
];

/**
 * The plans and their limits as the server ships them (Billing:Plans in its settings). No public endpoint serves
 * them, so an operator who changes the limits changes this list too.
 */
const plans = [
  {
    name: 'Free',
    text: 'For a team getting started.',
    limits: ['25 seats', '25,000 leads', '10,000 units'],
  },
  {
    name: 'Pro',
    text: 'For a growing sales floor, with the integrations.',
    limits: ['100 seats', '250,000 leads', '100,000 units'],
  },
  {
    name: 'Enterprise',
    text: 'For developers with several projects and teams.',
    limits: ['No limit on seats', 'No limit on leads', 'No limit on units'],
  },
];

export function LandingRoute() {
  return (
    <div className="min-h-screen bg-white text-slate-900 dark:bg-slate-950 dark:text-slate-100">
      <header className="mx-auto flex max-w-5xl items-center justify-between px-6 py-4">
        <span className="text-xl font-bold text-indigo-700 dark:text-indigo-300">M3CoreCRM</span>
        <nav aria-label="Account" className="flex gap-4 text-sm font-medium">
          <Link to="/login">Sign in</Link>
          <Link to="/signup" className="rounded-md bg-indigo-600 px-3 py-1.5 text-white">
            Sign up
          </Link>
        </nav>
      </header>
      <main className="mx-auto max-w-5xl px-6 py-16">
        <h1 className="text-4xl font-bold tracking-tight">The CRM for real-estate sales teams</h1>
        <p className="mt-4 max-w-2xl text-lg text-slate-600 dark:text-slate-300">
          Leads, deals, property inventory and approvals in one workspace, for the agents on the phones and
          the managers moving deals.
        </p>
        <Link
          to="/signup"
          className="mt-8 inline-block rounded-md bg-indigo-600 px-5 py-3 font-semibold text-white hover:bg-indigo-500"
        >
          Create a workspace
        </Link>
        <section aria-labelledby="what" className="mt-16">
          <h2 id="what" className="text-2xl font-semibold">
            What it does
          </h2>
          <ul className="mt-6 grid gap-6 sm:grid-cols-2">
            {features.map(([title, text]) => (
              <li key={title} className="rounded-lg border border-slate-200 p-5 dark:border-slate-800">
                <h3 className="font-semibold">{title}</h3>
                <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">{text}</p>
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="plans" className="mt-16">
          <h2 id="plans" className="text-2xl font-semibold">
            Plans
          </h2>
          <ul className="mt-6 grid gap-6 sm:grid-cols-3">
            {plans.map((plan) => (
              <li
                key={plan.name}
                className="flex flex-col rounded-lg border border-slate-200 p-5 dark:border-slate-800"
              >
                <h3 className="font-semibold">{plan.name}</h3>
                <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">{plan.text}</p>
                <ul aria-label={`${plan.name} limits`} className="mt-4 space-y-1 text-sm">
                  {plan.limits.map((limit) => (
                    <li key={limit}>{limit}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </section>
        <section
          aria-labelledby="start"
          className="mt-16 rounded-lg bg-indigo-50 p-8 text-center dark:bg-indigo-950"
        >
          <h2 id="start" className="text-2xl font-semibold">
            Start on the free plan
          </h2>
          <p className="mt-2 text-slate-700 dark:text-slate-300">
            Your workspace is ready in a minute; no card needed.
          </p>
          <Link
            to="/signup"
            className="mt-6 inline-block rounded-md bg-indigo-600 px-5 py-3 font-semibold text-white hover:bg-indigo-500"
          >
            Sign up free
          </Link>
        </section>
      </main>
    </div>
  );
}
