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
import { DashboardRoute } from './routes/dashboard';
import { NotFoundRoute } from './routes/not-found';
import { SectionRoute } from './routes/section';

const built = new Set(['/app/dashboard', '/app/leads', '/app/calls']);

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
          { path: 'dashboard', element: <DashboardRoute /> },
          { path: 'leads', element: <LeadsListRoute /> },
          { path: 'leads/new', element: <LeadNewRoute /> },
          { path: 'leads/:id', element: <LeadDetailRoute /> },
          { path: 'leads/:id/edit', element: <LeadEditRoute /> },
          { path: 'calls', element: <CallsRoute /> },
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
