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

  it('asks for the code sent by SMS when the workspace wants one, then signs in', async () => {
    const { requests } = mockFetch({
      'POST /api/v1/auth/login': () =>
        json(202, { challenge: 't.u.secret', channel: 'sms', sentTo: '+971••••••567', expiresIn: 300 }),
      'POST /api/v1/auth/login/second-factor': () =>
        json(200, {
          accessToken: 'a2',
          refreshToken: 'r2',
          expiresIn: 900,
          user: { id: 'u1', name: 'Ada', email: 'ada@acme.test' },
        }),
    });
    renderRoute(routes, '/login');

    await signIn('acme', 'ada@acme.test', 'correct horse');

    expect(await screen.findByText(/sent a six-digit code by SMS to \+971••••••567/)).toBeInTheDocument();
    expect(sessionStore.get()).toBeNull();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Code'), ' 123456 ');
    await user.click(screen.getByRole('button', { name: 'Verify and sign in' }));

    expect(await screen.findByRole('heading', { name: 'Dashboard page' })).toBeInTheDocument();
    expect(await requests[1]!.json()).toEqual({ challenge: 't.u.secret', code: '123456' });
    expect(sessionStore.get()).toMatchObject({ tenant: 'acme', refreshToken: 'r2' });
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
