import createClient from 'openapi-fetch';
import type { paths } from '@/types/api.gen';
import { apiErrorFrom, ApiError } from './problem';
import { sessionStore, type Session, type SessionStore } from './session';

export { ApiError } from './problem';

const tenantHeader = 'X-Tenant-Id';

/**
 * The generated paths with X-Tenant-Id made optional: the client adds it to every call from the session, so pages
 * never pass it. The login form names its workspace itself (the header it sends wins).
 */
type WithoutTenantHeader<Op> = Op extends { parameters: { header: infer H } }
  ? Omit<Op, 'parameters'> & {
      parameters: Omit<Op['parameters'], 'header'> & {
        header?: Omit<H, typeof tenantHeader> & Record<string, string>;
      };
    }
  : Op;
export type ApiPaths = { [P in keyof paths]: { [M in keyof paths[P]]: WithoutTenantHeader<paths[P][M]> } };

/** Routes that take no bearer token: sign-up, login, refresh. */
const anonymous = [
  '/api/v1/tenants',
  '/api/v1/auth/login',
  '/api/v1/auth/refresh',
  '/api/v1/auth/invitations/accept',
];

/** An access token this close to its expiry is renewed before the call rather than after a 401. */
const renewAheadMs = 30_000;

interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number | string;
}

export interface ApiClientOptions {
  baseUrl?: string;
  store?: SessionStore;
  fetch?: (request: Request) => Promise<Response>;
  now?: () => number;
  /** Runs the refresh under a lock shared by every tab (Web Locks), so two tabs never spend one refresh token twice. */
  lock?: <T>(work: () => Promise<T>) => Promise<T>;
}

function webLock<T>(work: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && 'locks' in navigator) {
    return navigator.locks.request('m3.refresh', work) as Promise<T>;
  }
  return work();
}

export function sessionFromTokens(
  tenant: string,
  pair: TokenPair,
  user: Session['user'],
  now = Date.now(),
): Session {
  return {
    tenant,
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    expiresAt: now + Number(pair.expiresIn) * 1000,
    user,
  };
}

export function createApiClient(options: ApiClientOptions = {}) {
  const baseUrl = options.baseUrl ?? (typeof window !== 'undefined' ? window.location.origin : '');
  const store = options.store ?? sessionStore;
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const now = options.now ?? Date.now;
  const lock = options.lock ?? webLock;
  let renewing: Promise<Session | null> | null = null;

  /**
   * Rotates the refresh token once, however many calls need it at the same time. Under the lock it reads the stored
   * session again: another tab may have rotated it already, and presenting the spent token would revoke the whole
   * family (401 token_reused) and sign every tab out.
   */
  function renew(stale: Session): Promise<Session | null> {
    renewing ??= lock(async () => {
      const current = store.get();
      if (current === null) return null;
      if (current.refreshToken !== stale.refreshToken) return current;
      const response = await send(
        new Request(`${baseUrl}/api/v1/auth/refresh`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ refreshToken: current.refreshToken }),
        }),
      );
      if (!response.ok) {
        // A refused refresh token (spent, revoked, expired) ends the session; a server that is down does not.
        if (response.status === 400 || response.status === 401) store.set(null);
        return null;
      }
      const pair = (await response.json()) as TokenPair & { user?: Session['user'] };
      const next = sessionFromTokens(current.tenant, pair, pair.user ?? current.user, now());
      store.set(next);
      return next;
    }).finally(() => {
      renewing = null;
    });
    return renewing;
  }

  function authorise(request: Request, session: Session | null): Request {
    const headers = new Headers(request.headers);
    if (session !== null) {
      headers.set('Authorization', `Bearer ${session.accessToken}`);
      if (!headers.has(tenantHeader)) headers.set(tenantHeader, session.tenant);
    }
    return new Request(request, { headers });
  }

  async function authFetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (anonymous.includes(path)) return send(request);

    let session = store.get();
    const retry = request.clone();
    if (session !== null && session.expiresAt - now() < renewAheadMs) {
      session = (await renew(session)) ?? store.get();
    }
    const response = await send(authorise(request, session));
    if (response.status !== 401 || session === null) return response;

    // The access token was refused (expired early, or the clock is off): renew once and try again.
    const renewed = await renew(session);
    if (renewed === null) return response;
    return send(authorise(retry, renewed));
  }

  const client = createClient<ApiPaths>({ baseUrl, fetch: authFetch });
  return { client, renew: () => (store.get() === null ? Promise.resolve(null) : renew(store.get()!)) };
}

export const { client: api } = createApiClient();

/** The data of a successful answer, or the answer's problem as an {@link ApiError}. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw apiErrorFrom(response, error);
  return data as T;
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}
