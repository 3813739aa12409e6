import { useState, type SyntheticEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { Button } from '@/components/button';
import { TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { AuthCard } from '../components/auth-card';
import { useCompleteSecondFactor, useLogin, type LoginResult } from '../api/auth';

export function LoginRoute() {
  const login = useLogin();
  const navigate = useNavigate();
  const location = useLocation();
  const [form, setForm] = useState({ workspace: '', email: '', password: '' });
  const from = (location.state as { from?: string } | null)?.from ?? '/app/dashboard';

  const [challenge, setChallenge] = useState<Extract<LoginResult, { challenge: object }> | null>(null);

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    login.mutate(form, {
      onSuccess: (result) => {
        if (result.challenge) setChallenge({ workspace: result.workspace, challenge: result.challenge });
        else void navigate(from, { replace: true });
      },
    });
  };
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [name]: event.target.value }));

  if (challenge) {
    return (
      <SecondFactorStep
        login={challenge}
        onSignedIn={() => void navigate(from, { replace: true })}
        onStartAgain={() => {
          setChallenge(null);
          login.reset();
        }}
      />
    );
  }

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

/** The workspace asks for a code by SMS after the password: the code, then the session. */
function SecondFactorStep({
  login,
  onSignedIn,
  onStartAgain,
}: {
  login: Extract<LoginResult, { challenge: object }>;
  onSignedIn: () => void;
  onStartAgain: () => void;
}) {
  const complete = useCompleteSecondFactor();
  const [code, setCode] = useState('');
  const minutes = Math.round(Number(login.challenge.expiresIn) / 60);

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    complete.mutate(
      { workspace: login.workspace, challenge: login.challenge.challenge, code },
      { onSuccess: onSignedIn },
    );
  };

  return (
    <AuthCard
      title="Enter your sign-in code"
      footer={
        <button type="button" className="underline" onClick={onStartAgain}>
          Start again
        </button>
      }
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <p>
          We sent a six-digit code by SMS to {login.challenge.sentTo}. It expires in {minutes} minutes.
        </p>
        <FormAlert error={complete.error} fields={['code']} />
        <TextField
          label="Code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          required
          value={code}
          onChange={(event) => setCode(event.target.value)}
          error={fieldError(complete.error, 'code')}
        />
        <Button type="submit" className="w-full" disabled={complete.isPending}>
          Verify and sign in
        </Button>
      </form>
    </AuthCard>
  );
}
