import { useState, type SyntheticEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { Button } from '@/components/button';
import { TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { AuthCard } from '../components/auth-card';
import { useLogin } from '../api/auth';

export function LoginRoute() {
  const login = useLogin();
  const navigate = useNavigate();
  const location = useLocation();
  const [form, setForm] = useState({ workspace: '', email: '', password: '' });
  const from = (location.state as { from?: string } | null)?.from ?? '/app/dashboard';

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    login.mutate(form, { onSuccess: () => void navigate(from, { replace: true }) });
  };
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [name]: event.target.value }));

  return (
    <AuthCard
      title="Sign in"
      footer={
        <>
          New here? <Link to="/signup">Create a workspace</Link>
        </>
      }
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <FormAlert error={login.error} fields={['email', 'password']} />
        <TextField
          label="Workspace"
          name="workspace"
          autoComplete="organization"
          required
          value={form.workspace}
          onChange={set('workspace')}
          hint="Your workspace's short name, as in its sign-up."
        />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          value={form.email}
          onChange={set('email')}
          error={fieldError(login.error, 'email')}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={form.password}
          onChange={set('password')}
          error={fieldError(login.error, 'password')}
        />
        <Button type="submit" className="w-full" disabled={login.isPending}>
          Sign in
        </Button>
      </form>
    </AuthCard>
  );
}
