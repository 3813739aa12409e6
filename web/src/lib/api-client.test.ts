import { describe, expect, it } from 'vitest';
import { json, problem } from '@/testing/test-utils';
import { createApiClient, unwrap } from './api-client';
import { ApiError } from './problem';
import { createSessionStore, type Session } from './session';

const origin = 'http://crm.test';

function session(overrides: Partial<Session> = {}): Session {
  return {
    tenant: 'acme',
    accessToken: 'access-1',
    refreshToken: 'refresh-1',
    expiresAt: 1_000_000 + 900_000,
    user: { id: 'u1', name: 'Ada', email: 'ada@acme.test' },
    ...overrides,
  };
}

/** A client over a scripted server: `answer` decides each response; every request is kept. */
function setup(answer: (request: Request, index: number) => Response | Promise<Response>, now = 1_000_000) {
  const store = createSessionStore(window.localStorage);
  const requests: Request[] = [];
  const { client } = createApiClient({
    baseUrl: origin,
    store,
    now: () => now,
    lock: (work) => work(),
    fetch: (request) => {
      requests.push(request.clone());
      return Promise.resolve(answer(request, requests.length - 1));
    },
  });
  return { client, store, requests };
}

const emptyPage = () => json(200, { items: [], nextCursor: null });
const pathOf = (request: Request) => new URL(request.url).pathname;

describe('problem+json answers', () => {
  it('maps validation errors to their fields', async () => {
    const { client } = setup(() =>
      problem(400, 'validation_failed', {
        errors: { phone: ['A phone number in international form.'], name: ['Required.'] },
      }),
    );

    const error = await unwrap(client.POST('/api/v1/leads', { body: { name: '' } })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(400);
    expect(apiError.code).toBe('validation_failed');
    expect(apiError.fieldError('phone')).toBe('A phone number in international form.');
    expect(apiError.fieldError('name')).toBe('Required.');
    expect(apiError.fieldError('email')).toBeUndefined();
  });

  it('puts a conflict about one field next to that field and keeps extensions', async () => {
    const { client } = setup(() => problem(409, 'slug_taken'));
    const taken = (await unwrap(client.POST('/api/v1/tenants', { body: {} })).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(taken.fieldError('slug')).toBe('Detail of slug_taken.');

    const { client: leads } = setup(() => problem(409, 'duplicate_lead', { existingId: 'lead-7' }));
    const duplicate = (await unwrap(leads.POST('/api/v1/leads', { body: {} })).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(duplicate.code).toBe('duplicate_lead');
    expect(duplicate.body.existingId).toBe('lead-7');
    expect(duplicate.fieldErrors).toEqual({});
  });

  it('reads an answer without a problem body by its status', async () => {
    const { client } = setup(() => new Response('', { status: 503 }));
    const error = (await unwrap(client.GET('/api/v1/tenant', {})).catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(503);
    expect(error.code).toBe('unavailable');
  });
});

describe('headers', () => {
  it('sends the bearer token and the session tenant as X-Tenant-Id', async () => {
    const { client, store, requests } = setup(emptyPage);
    store.set(session());

    await unwrap(client.GET('/api/v1/leads', { params: { query: { q: 'ada' } } }));

    expect(requests[0]!.headers.get('Authorization')).toBe('Bearer access-1');
    expect(requests[0]!.headers.get('X-Tenant-Id')).toBe('acme');
    expect(new URL(requests[0]!.url).searchParams.get('q')).toBe('ada');
  });

  it('sends no token to login, and the workspace the form names', async () => {
    const { client, store, requests } = setup(() =>
      json(200, { accessToken: 'a', refreshToken: 'r', expiresIn: 900 }),
    );
    store.set(session({ tenant: 'other' }));

    await unwrap(
      client.POST('/api/v1/auth/login', {
        params: { header: { 'X-Tenant-Id': 'acme' } },
        body: { email: 'a@b.c' },
      }),
    );

    expect(requests[0]!.headers.get('Authorization')).toBeNull();
    expect(requests[0]!.headers.get('X-Tenant-Id')).toBe('acme');
  });
});

describe('refresh-token rotation', () => {
  const rotated = () => json(200, { accessToken: 'access-2', refreshToken: 'refresh-2', expiresIn: 900 });

  it('renews an access token about to expire before the call, and stores the new pair', async () => {
    const { client, store, requests } = setup((request) =>
      pathOf(request) === '/api/v1/auth/refresh' ? rotated() : emptyPage(),
    );
    store.set(session({ expiresAt: 1_000_000 + 10_000 }));

    await unwrap(client.GET('/api/v1/leads', {}));

    expect(requests.map(pathOf)).toEqual(['/api/v1/auth/refresh', '/api/v1/leads']);
    expect(await requests[0]!.json()).toEqual({ refreshToken: 'refresh-1' });
    expect(requests[1]!.headers.get('Authorization')).toBe('Bearer access-2');
    expect(store.get()).toMatchObject({
      accessToken: 'access-2',
      refreshToken: 'refresh-2',
      expiresAt: 1_900_000,
    });
  });

  it('spends the refresh token once for any number of calls waiting on it', async () => {
    const { client, store, requests } = setup((request) =>
      pathOf(request) === '/api/v1/auth/refresh' ? rotated() : emptyPage(),
    );
    store.set(session({ expiresAt: 1_000_000 }));

    await Promise.all([
      unwrap(client.GET('/api/v1/leads', {})),
      unwrap(client.GET('/api/v1/leads', {})),
      unwrap(client.GET('/api/v1/leads', {})),
    ]);

    expect(requests.filter((r) => pathOf(r) === '/api/v1/auth/refresh')).toHaveLength(1);
    expect(
      requests.filter((r) => pathOf(r) === '/api/v1/leads').map((r) => r.headers.get('Authorization')),
    ).toEqual(['Bearer access-2', 'Bearer access-2', 'Bearer access-2']);
  });

  it('renews after a 401 and sends the same request again, body included', async () => {
    const { client, store, requests } = setup((request, index) => {
      if (pathOf(request) === '/api/v1/auth/refresh') return rotated();
      return index === 0 ? problem(401, 'token_expired') : json(201, { id: 'lead-1' });
    });
    store.set(session());

    const created = await unwrap(client.POST('/api/v1/leads', { body: { name: 'Ada', source: 'web' } }));

    expect(created).toEqual({ id: 'lead-1' });
    expect(requests.map(pathOf)).toEqual(['/api/v1/leads', '/api/v1/auth/refresh', '/api/v1/leads']);
    expect(await requests[2]!.json()).toEqual({ name: 'Ada', source: 'web' });
    expect(requests[2]!.headers.get('Authorization')).toBe('Bearer access-2');
  });

  it('signs out when the refresh token is refused', async () => {
    const { client, store } = setup((request) =>
      pathOf(request) === '/api/v1/auth/refresh'
        ? problem(401, 'token_reused')
        : problem(401, 'token_expired'),
    );
    store.set(session());

    const error = (await unwrap(client.GET('/api/v1/leads', {})).catch((e: unknown) => e)) as ApiError;

    expect(error.code).toBe('token_expired');
    expect(store.get()).toBeNull();
  });

  it('keeps the session when the server is down during a refresh', async () => {
    const { client, store } = setup((request) =>
      pathOf(request) === '/api/v1/auth/refresh' ? problem(503, 'unavailable') : emptyPage(),
    );
    store.set(session({ expiresAt: 1_000_000 }));

    await unwrap(client.GET('/api/v1/leads', {}));

    expect(store.get()?.refreshToken).toBe('refresh-1');
  });

  it('uses the pair another tab rotated instead of spending a spent token', async () => {
    const store = createSessionStore(window.localStorage);
    store.set(session({ expiresAt: 1_000_000 }));
    const requests: Request[] = [];
    const { client } = createApiClient({
      baseUrl: origin,
      store,
      now: () => 1_000_000,
      // While this tab waited for the lock, another tab rotated the pair.
      lock: (work) => {
        store.set(
          session({ accessToken: 'access-other', refreshToken: 'refresh-other', expiresAt: 2_000_000 }),
        );
        return work();
      },
      fetch: (request) => {
        requests.push(request);
        return Promise.resolve(emptyPage());
      },
    });

    await unwrap(client.GET('/api/v1/leads', {}));

    expect(requests.map(pathOf)).toEqual(['/api/v1/leads']);
    expect(requests[0]!.headers.get('Authorization')).toBe('Bearer access-other');
  });
});
