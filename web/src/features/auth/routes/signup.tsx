import { useState, type SyntheticEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button } from '@/components/button';
import { TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { AuthCard } from '../components/auth-card';
import { useSignUp } from '../api/auth';

const fields = ['name', 'slug', 'owner.name', 'owner.email', 'owner.password'] as const;

/** A workspace's slug from its name: lower case, words joined by dashes. */
export function slugOf(name: string) {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

export function SignUpRoute() {
  const signUp = useSignUp();
  const navigate = useNavigate();
  const [form, setForm] = useState({ name: '', slug: '', ownerName: '', email: '', password: '' });
  const [slugEdited, setSlugEdited] = useState(false);

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    signUp.mutate(
      {
        name: form.name,
        slug: form.slug,
        owner: { name: form.ownerName, email: form.email, password: form.password },
      },
      { onSuccess: () => void navigate('/app/dashboard', { replace: true }) },
    );
  };
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [name]: event.target.value }));

  return (
    <AuthCard
      title="Create your workspace"
      footer={
        <>
          Already have one? <Link to="/login">Sign in</Link>
        </>
      }
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <FormAlert error={signUp.error} fields={fields} />
        <TextField
          label="Workspace name"
          name="name"
          required
          value={form.name}
          onChange={(event) => {
            const name = event.target.value;
            setForm((current) => ({
              ...current,
              name,
              slug: slugEdited ? current.slug : slugOf(name),
            }));
          }}
          error={fieldError(signUp.error, 'name')}
        />
        <TextField
          label="Workspace"
          name="slug"
          required
          value={form.slug}
          onChange={(event) => {
            setSlugEdited(true);
            set('slug')(event);
          }}
          hint="What you type to sign in: lower-case letters, digits and dashes."
          error={fieldError(signUp.error, 'slug')}
        />
        <TextField
          label="Your name"
          name="ownerName"
          autoComplete="name"
          required
          value={form.ownerName}
          onChange={set('ownerName')}
          error={fieldError(signUp.error, 'owner.name')}
        />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          value={form.email}
          onChange={set('email')}
          error={fieldError(signUp.error, 'owner.email')}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          value={form.password}
          onChange={set('password')}
          error={fieldError(signUp.error, 'owner.password')}
        />
        <Button type="submit" className="w-full" disabled={signUp.isPending}>
          Create workspace
        </Button>
      </form>
    </AuthCard>
  );
}
