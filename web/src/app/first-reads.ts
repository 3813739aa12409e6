import type { QueryClient } from '@tanstack/react-query';
import { availabilityQuery, projectQuery } from '@/features/inventory/api/inventory';
import { createQueryClient } from '@/lib/react-query';
import { sessionStore } from '@/lib/session';
import { primeLiveTicket } from '@/lib/use-live';

/**
 * The first reads of a signed-in page opened from its address, made before the app is evaluated (main.tsx): in a
 * cold load of the availability board, evaluating React, the router and the pages took 120–230 ms of one core, and
 * the reads, which used to wait for it, now go out first and are answered while it runs.
 */
export const queryClient = createQueryClient();

interface FirstReads {
  /** The page's address, with `:name` for a segment that is a parameter. */
  path: string;
  /** Starts the page's reads (the queries' own cache dedupes them) and fetches its code. */
  start: (queryClient: QueryClient, params: Record<string, string>) => void;
}

const pages: FirstReads[] = [
  {
    path: '/app/inventory/projects/:id/board',
    start: (client, { id = '' }) => {
      // A failed read is the page's to show: its own query reads again and shows the error.
      client.query(projectQuery(id)).catch(() => undefined);
      client.query(availabilityQuery(id)).catch(() => undefined);
      void import('@/features/inventory');
    },
  },
];

/** The parameters of `path` in `pathname`, or null when it is another page. */
export function matchPage(path: string, pathname: string): Record<string, string> | null {
  const want = path.split('/');
  const have = pathname.replace(/\/+$/, '').split('/');
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i]!.startsWith(':')) params[want[i]!.slice(1)] = decodeURIComponent(have[i]!);
    else if (want[i] !== have[i]) return null;
  }
  return params;
}

/** Starts the reads of the page at `pathname`, if it names any; false if it names none. */
export function startFirstReads(client: QueryClient, pathname: string): boolean {
  let started = false;
  for (const page of pages) {
    const params = matchPage(page.path, pathname);
    if (params) {
      page.start(client, params);
      started = true;
    }
  }
  return started;
}

/** How long the app's evaluation waits at most for the page's reads to go out (see main.tsx). */
const waitForReadsMs = 150;

const pathname = typeof window === 'undefined' ? '' : window.location.pathname;
const signedInPage = pathname.startsWith('/app') && sessionStore.get() !== null;
// A signed-in page's stream ticket is asked for before its first reads (see primeLiveTicket), and the reads start
// once it is answered.
const ticketAnswered = signedInPage ? primeLiveTicket() : null;

/** Settles once the page's first reads have gone out, or at once for a page that names none. */
export const firstReadsStarted: Promise<void> =
  ticketAnswered && pages.some((page) => matchPage(page.path, pathname))
    ? Promise.race([
        ticketAnswered.then((answered) => {
          if (answered) startFirstReads(queryClient, pathname);
        }),
        new Promise<void>((resolve) => setTimeout(resolve, waitForReadsMs)),
      ])
    : Promise.resolve();
