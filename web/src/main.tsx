import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppProvider } from '@/app/provider';
import { AppRouter } from '@/app/router';
import { sessionStore } from '@/lib/session';
import { applyTheme } from '@/lib/theme';
import { primeLiveTicket } from '@/lib/use-live';
import './index.css';

applyTheme();
// A signed-in page's stream ticket is asked for before the page's first reads (see primeLiveTicket).
if (window.location.pathname.startsWith('/app') && sessionStore.get() !== null) primeLiveTicket();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppProvider>
      <AppRouter />
    </AppProvider>
  </StrictMode>,
);
