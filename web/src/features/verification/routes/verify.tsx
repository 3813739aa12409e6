import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { Button } from '@/components/button';
import { TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { useConfirmCode, useMe, useRequestCode, type Channel } from '../api/verification';

const names: Record<Channel, string> = { email: 'email address', mobile: 'mobile number' };

/** Verify the profile's email address or mobile number: send a code there, then type it in. */
export function VerifyRoute() {
  const { channel: raw = '' } = useParams();
  const channel: Channel | null = raw === 'email' || raw === 'mobile' ? raw : null;
  if (channel === null) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold">Verification</h1>
        <p>Only an email address or a mobile number can be verified.</p>
      </div>
    );
  }
  return <VerifyChannel key={channel} channel={channel} />;
}

function VerifyChannel({ channel }: { channel: Channel }) {
  const me = useMe();
  const request = useRequestCode(channel);
  const confirm = useConfirmCode(channel);
  const [code, setCode] = useState('');
  const user = me.data?.user;
  const target = channel === 'email' ? user?.email : user?.mobile;
  const verified = channel === 'email' ? user?.emailVerified : user?.mobileVerified;
  const title = channel === 'email' ? 'Verify your email' : 'Verify your mobile';

  return (
    <div className="max-w-lg space-y-6">
      <p>
        <Link to="/app/profile" className="text-sm text-indigo-700 dark:text-indigo-300">
          ← Profile
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">{title}</h1>
      <FormAlert error={me.error} fields={[]} />
      {me.isPending ? (
        <p>Loading your profile…</p>
      ) : verified ? (
        <p role="status">
          Your {names[channel]} {target ? <strong>{target}</strong> : null} is verified.
        </p>
      ) : !target ? (
        <p>
          Your profile has no {names[channel]} yet. An administrator adds it to your account; then verify it
          here.
        </p>
      ) : (
        <>
          <section aria-labelledby="verify-send" className="space-y-3">
            <h2 id="verify-send" className="text-lg font-semibold">
              1. Get a code
            </h2>
            <p className="text-sm">
              We send a code to <strong>{target}</strong>.
            </p>
            <FormAlert error={request.error} fields={[]} />
            <Button variant="secondary" onClick={() => request.mutate()} disabled={request.isPending}>
              {request.isSuccess ? 'Send another code' : 'Send a code'}
            </Button>
            {request.isSuccess && (
              <p role="status" className="text-sm text-green-800 dark:text-green-300">
                Code sent. It may take a minute to arrive.
              </p>
            )}
          </section>
          <section aria-labelledby="verify-confirm" className="space-y-3">
            <h2 id="verify-confirm" className="text-lg font-semibold">
              2. Enter it
            </h2>
            <form
              aria-label="Confirm the code"
              className="space-y-3"
              onSubmit={(event) => {
                event.preventDefault();
                confirm.mutate(code.trim());
              }}
            >
              <TextField
                label="Code"
                name="code"
                inputMode="numeric"
                autoComplete="one-time-code"
                required
                value={code}
                onChange={(event) => setCode(event.target.value)}
                error={fieldError(confirm.error, 'code')}
              />
              <FormAlert error={confirm.error} fields={['code']} />
              <Button type="submit" disabled={confirm.isPending}>
                Verify
              </Button>
            </form>
          </section>
        </>
      )}
    </div>
  );
}
