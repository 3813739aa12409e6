import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';
import { vi } from 'vitest';
import { createQueryClient } from '@/lib/react-query';

/** Renders routes at a URL with a fresh query client, as the app does. */
export function renderRoute(routes: RouteObject[], url: string) {
  const router = createMemoryRouter(routes, { initialEntries: [url] });
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false } });
  return {
    router,
    ...render(
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>,
    ),
  };
}

export function renderElement(element: ReactElement, url = '/') {
  return renderRoute([{ path: '*', element }], url);
}

export function json(status: number, body: unknown, contentType = 'application/json') {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': contentType } });
}

export function problem(status: number, code: string, extra: Record<string, unknown> = {}) {
  return json(
    status,
    {
      type: 'about:blank',
      title: `Problem ${code}`,
      status,
      detail: `Detail of ${code}.`,
      code,
      traceId: 't',
      ...extra,
    },
    'application/problem+json',
  );
}

type Handler = (request: Request) => Response | Promise<Response>;

/**
 * Replaces fetch with answers by "METHOD /path" (the first matching handler answers); records every request.
 * An unexpected request fails the test with its method and path.
 */
export function mockFetch(handlers: Record<string, Handler>) {
  const requests: Request[] = [];
  const fetch = vi.fn((input: Request | string | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push(request.clone());
    const path = new URL(request.url).pathname;
    const handler = handlers[`${request.method} ${path}`];
    if (!handler) throw new Error(`Unexpected request ${request.method} ${path}`);
    return Promise.resolve(handler(request));
  });
  vi.stubGlobal('fetch', fetch);
  return { fetch, requests };
}
