import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { sessionStore } from '@/lib/session';
import { json, mockFetch, problem, renderRoute } from '@/testing/test-utils';
import { LoginRoute } from './login';

const routes = [
  { path: '/login', element: <LoginRoute /> },
  { path: '/app/dashboard', element: <h1>Dashboard page</h1> },
];

async function signIn(workspace: string, email: string, password: string) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText('Workspace'), workspace);
  await user.type(screen.getByLabelText('Email'), email);
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('the sign-in page', () => {
  it('signs in to the named workspace and keeps the session', async () => {
    const { requests } = mockFetch({
      'POST /api/v1/auth/login': () =>
        json(200, {
          accessToken: 'a1',
          refreshToken: 'r1',
          expiresIn: 900,
          user: { id: 'u1', name: 'Ada', email: 'ada@acme.test' },
        }),
    });
    renderRoute(routes, '/login');

    await signIn('Acme', 'ada@acme.test', 'correct horse');

    expect(await screen.findByRole('heading', { name: 'Dashboard page' })).toBeInTheDocument();
    expect(requests[0]!.headers.get('X-Tenant-Id')).toBe('acme');
    expect(await requests[0]!.json()).toEqual({ email: 'ada@acme.test', password: 'correct horse' });
    expect(sessionStore.get()).toMatchObject({ tenant: 'acme', refreshToken: 'r1', user: { name: 'Ada' } });
  });

  it('shows a field error from the server next to its field', async () => {
    mockFetch({
      'POST /api/v1/auth/login': () =>
        problem(400, 'validation_failed', {
          errors: { email: ['An email address such as name@example.com.'] },
        }),
    });
    renderRoute(routes, '/login');

    await signIn('acme', 'not-an-email', 'x');

    const email = screen.getByLabelText('Email');
    expect(await screen.findByText('An email address such as name@example.com.')).toBeInTheDocument();
    expect(email).toHaveAttribute('aria-invalid', 'true');
    expect(email).toHaveAccessibleDescription('An email address such as name@example.com.');
    expect(screen.getByLabelText('Password')).not.toHaveAttribute('aria-invalid');
  });

  it('says why when the credentials are refused', async () => {
    mockFetch({ 'POST /api/v1/auth/login': () => problem(401, 'invalid_credentials') });
    renderRoute(routes, '/login');

    await signIn('acme', 'ada@acme.test', 'wrong');

    expect(await screen.findByRole('alert')).toHaveTextContent('Detail of invalid_credentials.');
    expect(sessionStore.get()).toBeNull();
  });
});
