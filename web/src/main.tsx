import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppProvider } from '@/app/provider';
import { RouterProvider } from 'react-router';
import { createAppRouter, prefetchRouteData } from '@/app/router';
import { createQueryClient } from '@/lib/react-query';
import { sessionStore } from '@/lib/session';
import { applyTheme } from '@/lib/theme';
import { primeLiveTicket } from '@/lib/use-live';
import './index.css';

applyTheme();
const queryClient = createQueryClient();
// A signed-in page's stream ticket is asked for before the page's first reads (see primeLiveTicket); once it is
// answered, the reads the page names in its route are started, without waiting for the page's own code.
if (window.location.pathname.startsWith('/app') && sessionStore.get() !== null) {
  void primeLiveTicket().then((answered) => {
    if (answered) prefetchRouteData(queryClient, window.location.pathname);
  });
}

const router = createAppRouter();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppProvider queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProvider>
  </StrictMode>,
);
