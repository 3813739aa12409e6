import type { QueryClient } from '@tanstack/react-query';
import { createBrowserRouter, matchRoutes, Navigate, type Params, type RouteObject } from 'react-router';
import { CallsRoute } from '@/features/calls/routes/calls';
import { LoginRoute } from '@/features/auth/routes/login';
import { SignUpRoute } from '@/features/auth/routes/signup';
import { LandingRoute } from '@/features/landing/routes/landing';
import { LeadDetailRoute } from '@/features/leads/routes/lead-detail';
import { LeadEditRoute } from '@/features/leads/routes/lead-edit';
import { LeadNewRoute } from '@/features/leads/routes/lead-new';
import { LeadsListRoute } from '@/features/leads/routes/leads-list';
import { availabilityQuery, projectQuery } from '@/features/inventory/api/inventory';
import { VerifyRoute } from '@/features/verification/routes/verify';
import { ProfileRoute } from '@/features/profile/routes/profile';
import { AppShell } from './layout/app-shell';
import { RequireSession } from './layout/require-session';
import { sections } from './layout/sections';
import { NotFoundRoute } from './routes/not-found';
import { SectionRoute } from './routes/section';

const built = new Set([
  '/app/dashboard',
  '/app/leads',
  '/app/deals',
  '/app/contacts',
  '/app/companies',
  '/app/tasks',
  '/app/calls',
  '/app/settings',
  '/app/inventory',
  '/app/approvals',
  '/app/reports',
]);

// Loaded when first opened, so that the first page's script stays small.
const deals = () => import('@/features/deals');
const contacts = () => import('@/features/contacts');
const tasks = () => import('@/features/tasks');
const settings = () => import('@/features/settings');
const inventory = () => import('@/features/inventory');
const approvals = () => import('@/features/approvals');
const dashboards = () => import('@/features/dashboards');
const reports = () => import('@/features/reports');

/**
 * What a route may add: the reads its page makes first, so that a page opened from its address starts them as soon
 * as the app runs, instead of after its code is fetched and its shell drawn (see prefetchRouteData).
 */
interface RouteHandle {
  prefetch?: (queryClient: QueryClient, params: Params) => void;
}

const boardHandle: RouteHandle = {
  prefetch: (queryClient, { id = '' }) => {
    // A failed read is the page's to show: its own query reads again and shows the error.
    queryClient.query(projectQuery(id)).catch(() => undefined);
    queryClient.query(availabilityQuery(id)).catch(() => undefined);
  },
};

export const routes: RouteObject[] = [
  { path: '/', element: <LandingRoute /> },
  { path: '/login', element: <LoginRoute /> },
  { path: '/signup', element: <SignUpRoute /> },
  {
    path: '/app',
    element: <RequireSession />,
    children: [
      {
        element: <AppShell />,
        children: [
          { index: true, element: <Navigate to="/app/dashboard" replace /> },
          { path: 'dashboard', lazy: async () => ({ Component: (await dashboards()).DashboardRoute }) },
          { path: 'leads', element: <LeadsListRoute /> },
          { path: 'leads/new', element: <LeadNewRoute /> },
          { path: 'leads/:id', element: <LeadDetailRoute /> },
          { path: 'leads/:id/edit', element: <LeadEditRoute /> },
          { path: 'deals', lazy: async () => ({ Component: (await deals()).DealsBoardRoute }) },
          { path: 'deals/new', lazy: async () => ({ Component: (await deals()).DealNewRoute }) },
          { path: 'deals/:id', lazy: async () => ({ Component: (await deals()).DealDetailRoute }) },
          { path: 'deals/:id/edit', lazy: async () => ({ Component: (await deals()).DealEditRoute }) },
          { path: 'contacts', lazy: async () => ({ Component: (await contacts()).ContactsListRoute }) },
          { path: 'contacts/new', lazy: async () => ({ Component: (await contacts()).ContactNewRoute }) },
          { path: 'contacts/:id', lazy: async () => ({ Component: (await contacts()).ContactDetailRoute }) },
          {
            path: 'contacts/:id/edit',
            lazy: async () => ({ Component: (await contacts()).ContactEditRoute }),
          },
          { path: 'companies', lazy: async () => ({ Component: (await contacts()).CompaniesListRoute }) },
          { path: 'companies/new', lazy: async () => ({ Component: (await contacts()).CompanyNewRoute }) },
          { path: 'companies/:id', lazy: async () => ({ Component: (await contacts()).CompanyDetailRoute }) },
          {
            path: 'companies/:id/edit',
            lazy: async () => ({ Component: (await contacts()).CompanyEditRoute }),
          },
          { path: 'tasks', lazy: async () => ({ Component: (await tasks()).TasksBoardRoute }) },
          { path: 'tasks/new', lazy: async () => ({ Component: (await tasks()).TaskNewRoute }) },
          { path: 'inventory', lazy: async () => ({ Component: (await inventory()).ProjectsListRoute }) },
          {
            path: 'inventory/projects/:id',
            lazy: async () => ({ Component: (await inventory()).ProjectDetailRoute }),
          },
          {
            path: 'inventory/projects/:id/board',
            handle: boardHandle,
            lazy: async () => ({ Component: (await inventory()).AvailabilityRoute }),
          },
          {
            path: 'inventory/projects/:id/map',
            lazy: async () => ({ Component: (await inventory()).ProjectMapRoute }),
          },
          { path: 'inventory/units', lazy: async () => ({ Component: (await inventory()).UnitsListRoute }) },
          {
            path: 'inventory/units/:id',
            lazy: async () => ({ Component: (await inventory()).UnitDetailRoute }),
          },
          { path: 'calls', element: <CallsRoute /> },
          {
            path: 'settings',
            lazy: async () => ({ Component: (await settings()).SettingsLayout }),
            children: [
              { index: true, lazy: async () => ({ Component: (await settings()).SettingsHomeRoute }) },
              { path: 'workspace', lazy: async () => ({ Component: (await settings()).WorkspaceRoute }) },
              { path: 'users', lazy: async () => ({ Component: (await settings()).UsersRoute }) },
              { path: 'roles', lazy: async () => ({ Component: (await settings()).RolesRoute }) },
              { path: 'groups', lazy: async () => ({ Component: (await settings()).GroupsRoute }) },
              {
                path: 'lead-statuses',
                lazy: async () => ({ Component: (await settings()).LeadCatalogsRoute }),
              },
              { path: 'pipelines', lazy: async () => ({ Component: (await settings()).PipelinesRoute }) },
              { path: 'call-queues', lazy: async () => ({ Component: (await settings()).CallQueuesRoute }) },
              {
                path: 'approval-policies',
                lazy: async () => ({ Component: (await settings()).ApprovalPoliciesRoute }),
              },
              {
                path: 'notification-rules',
                lazy: async () => ({ Component: (await settings()).NotificationRulesRoute }),
              },
              { path: 'integrations', element: <Navigate to="email" replace /> },
              {
                path: 'integrations/:name',
                lazy: async () => ({ Component: (await settings()).IntegrationsRoute }),
              },
              { path: 'billing', lazy: async () => ({ Component: (await settings()).BillingRoute }) },
            ],
          },
          { path: 'approvals', lazy: async () => ({ Component: (await approvals()).ApprovalsInboxRoute }) },
          {
            path: 'approvals/:id',
            lazy: async () => ({ Component: (await approvals()).ApprovalDetailRoute }),
          },
          { path: 'reports', lazy: async () => ({ Component: (await reports()).ReportsRoute }) },
          { path: 'profile', element: <ProfileRoute /> },
          { path: 'profile/verify/:channel', element: <VerifyRoute /> },
          ...sections
            .filter((section) => !built.has(section.path))
            .map((section) => ({
              path: section.path.slice('/app/'.length),
              element: <SectionRoute name={section.name} />,
            })),
          { path: '*', element: <NotFoundRoute /> },
        ],
      },
    ],
  },
  { path: '*', element: <NotFoundRoute /> },
];

/** The app's router, made once as the app starts: it begins fetching the first page's code at once. */
export function createAppRouter() {
  return createBrowserRouter(routes);
}

/** Starts the reads that the routes matching `pathname` name in their handles (the queries' own cache dedupes them). */
export function prefetchRouteData(queryClient: QueryClient, pathname: string) {
  for (const match of matchRoutes(routes, pathname) ?? []) {
    (match.route.handle as RouteHandle | undefined)?.prefetch?.(queryClient, match.params);
  }
}
