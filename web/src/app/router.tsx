import { useState } from 'react';
import { createBrowserRouter, Navigate, RouterProvider, type RouteObject } from 'react-router';
import { CallsRoute } from '@/features/calls/routes/calls';
import { LoginRoute } from '@/features/auth/routes/login';
import { SignUpRoute } from '@/features/auth/routes/signup';
import { LandingRoute } from '@/features/landing/routes/landing';
import { LeadDetailRoute } from '@/features/leads/routes/lead-detail';
import { LeadEditRoute } from '@/features/leads/routes/lead-edit';
import { LeadNewRoute } from '@/features/leads/routes/lead-new';
import { LeadsListRoute } from '@/features/leads/routes/leads-list';
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
  '/app/reports',
]);

// Loaded when first opened, so that the first page's script stays small.
const deals = () => import('@/features/deals');
const contacts = () => import('@/features/contacts');
const tasks = () => import('@/features/tasks');
const dashboards = () => import('@/features/dashboards');
const reports = () => import('@/features/reports');

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
          { path: 'calls', element: <CallsRoute /> },
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

export function AppRouter() {
  const [router] = useState(() => createBrowserRouter(routes));
  return <RouterProvider router={router} />;
}
