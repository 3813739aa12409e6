import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { sessionStore } from '@/lib/session';
import { json, mockFetch, problem, renderRoute } from '@/testing/test-utils';
import { LeadEditRoute } from './lead-edit';

const id = '0190a1b2-0000-7000-8000-000000000001';

function lead(name: string, version: number) {
  return {
    id,
    name,
    phone: null,
    email: null,
    source: 'web',
    status: 'new',
    notes: null,
    tags: [],
    version,
    calls: { attempts: 0 },
  };
}

describe('the lead edit form', () => {
  it('saves with If-Match, and after a 412 loads the other change to start again from it', async () => {
    sessionStore.set({
      tenant: 'acme',
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: Date.now() + 600_000,
      user: { id: 'u', name: 'Ada', email: 'ada@acme.test' },
    });
    let stored = lead('Old Name', 3);
    const { requests } = mockFetch({
      'GET /api/v1/lead-statuses': () =>
        json(200, { items: [{ key: 'new', name: 'New', category: 'open', order: 1 }] }),
      'GET /api/v1/lead-sources': () => json(200, { items: [{ key: 'web', name: 'Website' }] }),
      [`GET /api/v1/leads/${id}`]: () => json(200, stored),
      [`PATCH /api/v1/leads/${id}`]: () => {
        // Someone else saved first.
        stored = lead('Their Name', 4);
        return problem(412, 'version_mismatch');
      },
    });
    renderRoute([{ path: '/app/leads/:id/edit', element: <LeadEditRoute /> }], `/app/leads/${id}/edit`);
    const user = userEvent.setup();

    const name = await screen.findByLabelText('Name');
    expect(name).toHaveValue('Old Name');
    await user.clear(name);
    await user.type(name, 'My Name');
    await user.click(screen.getByRole('button', { name: 'Save lead' }));
    await user.click(await screen.findByRole('button', { name: 'Load their version' }));

    expect(await screen.findByDisplayValue('Their Name')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load their version' })).toBeNull();
    const patch = requests.find((r) => r.method === 'PATCH')!;
    expect(patch.headers.get('If-Match')).toBe('"3"');
    expect(await patch.json()).toMatchObject({ name: 'My Name', source: 'web', status: 'new' });
  });
});
