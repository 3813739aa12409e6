import { useEffect, useId, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '@/components/button';
import { SelectField } from '@/components/field';
import { FormAlert } from '@/components/form-alert';
import { Timeline } from '@/components/timeline';
import { useShortcuts } from '@/lib/shortcuts';
import {
  dispositions,
  useCallQueues,
  useLogCall,
  useNextLead,
  type CalledLead,
  type Disposition,
} from '../api/calls';
import { CallOutcomeForm } from '../components/call-outcome-form';

interface CallInProgress {
  lead: CalledLead;
  takenAt: number;
  idempotencyKey: string;
}

function LeadCard({ lead }: { lead: CalledLead }) {
  const row = (term: string, value: ReactNode) => (
    <div className="grid grid-cols-3 gap-2 py-1">
      <dt className="text-sm font-medium text-slate-600 dark:text-slate-400">{term}</dt>
      <dd className="col-span-2 text-sm">{value ?? '—'}</dd>
    </div>
  );
  const lockedUntil = typeof lead.calls.lockedUntil === 'string' ? new Date(lead.calls.lockedUntil) : null;
  return (
    <dl className="divide-y divide-slate-100 dark:divide-slate-800">
      {row(
        'Phone',
        lead.phone ? (
          <a href={`tel:${lead.phone}`} className="font-semibold text-indigo-700 dark:text-indigo-300">
            {lead.phone}
          </a>
        ) : null,
      )}
      {row('Email', lead.email)}
      {row('Status', lead.status)}
      {row('Source', lead.source)}
      {row('Attempts', String(lead.calls.attempts))}
      {row('Last outcome', lead.calls.lastDisposition?.replaceAll('_', ' ') ?? null)}
      {row('Tags', lead.tags.length > 0 ? lead.tags.join(', ') : null)}
      {row('Notes', lead.notes)}
      {row(
        'Yours until',
        lockedUntil ? (
          <time dateTime={lockedUntil.toISOString()}>{lockedUntil.toLocaleTimeString()}</time>
        ) : null,
      )}
    </dl>
  );
}

/**
 * The agent's screen: pick one of the call queues, take the next due lead (locked to the agent), call, pick the
 * outcome, add notes and save; then the next. The hot path runs from the keyboard: N, a digit, Ctrl+Enter.
 */
export function CallsRoute() {
  const [params, setParams] = useSearchParams();
  const queues = useCallQueues();
  const queueId = params.get('queue') ?? (queues.data?.length === 1 ? queues.data[0]!.id : '');
  const next = useNextLead();
  const logCall = useLogCall();
  const [call, setCall] = useState<CallInProgress | null>(null);
  const [disposition, setDisposition] = useState<Disposition | null>(null);
  const [empty, setEmpty] = useState(false);
  const [logged, setLogged] = useState<string | null>(null);
  const formId = useId();
  const helpId = useId();

  const takeNext = () => {
    if (!queueId || next.isPending || call !== null) return;
    setLogged(null);
    setEmpty(false);
    logCall.reset();
    next.mutate(queueId, {
      onSuccess: (lead) => {
        if (lead === null) {
          setEmpty(true);
          return;
        }
        setDisposition(null);
        setCall({ lead, takenAt: Date.now(), idempotencyKey: crypto.randomUUID() });
      },
    });
  };

  const save = (outcome: { disposition: Disposition; notes: string; callbackAt: string | null }) => {
    if (call === null) return;
    logCall.mutate(
      {
        leadId: call.lead.id,
        ...outcome,
        durationSeconds: Math.max(0, Math.round((Date.now() - call.takenAt) / 1000)),
        idempotencyKey: call.idempotencyKey,
      },
      {
        onSuccess: () => {
          setLogged(`Call with ${call.lead.name} logged. Press N for the next lead.`);
          setCall(null);
          setDisposition(null);
        },
      },
    );
  };

  useShortcuts({
    n: takeNext,
    'mod+enter': () => {
      const form = document.getElementById(formId);
      if (form instanceof HTMLFormElement) form.requestSubmit();
    },
    ...Object.fromEntries(
      dispositions.map((option, index) => [
        String(index + 1),
        () => {
          if (call !== null) setDisposition(option.value);
        },
      ]),
    ),
  });

  // A queue that is gone (or not the agent's) is dropped from the URL rather than asked for again and again.
  useEffect(() => {
    if (queues.data && queueId && !queues.data.some((queue) => queue.id === queueId)) {
      setParams({}, { replace: true });
    }
  }, [queues.data, queueId, setParams]);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold">Calls</h1>
        <p id={helpId} className="text-sm text-slate-600 dark:text-slate-400">
          Keyboard: <kbd className="font-mono">N</kbd> next lead, <kbd className="font-mono">1</kbd>–
          <kbd className="font-mono">7</kbd> outcome, <kbd className="font-mono">Ctrl</kbd>+
          <kbd className="font-mono">Enter</kbd> save
        </p>
      </div>
      <FormAlert error={queues.error ?? next.error} fields={[]} />
      {queues.isPending ? (
        <p>Loading your call queues…</p>
      ) : (queues.data ?? []).length === 0 ? (
        <p>There is no call queue for you yet. A manager sets queues up for a group you are in.</p>
      ) : (
        <div className="flex flex-wrap items-end gap-4">
          <div className="w-72">
            <SelectField
              label="Call queue"
              name="queue"
              value={queueId}
              disabled={call !== null}
              onChange={(event) => setParams(event.target.value ? { queue: event.target.value } : {})}
              options={[
                { value: '', label: 'Choose a queue' },
                ...(queues.data ?? []).map((queue) => ({ value: queue.id, label: queue.name })),
              ]}
            />
          </div>
          <Button
            onClick={takeNext}
            disabled={!queueId || next.isPending || call !== null}
            aria-keyshortcuts="N"
            aria-describedby={helpId}
          >
            {next.isPending ? 'Taking…' : 'Next lead'}
          </Button>
        </div>
      )}
      <div role="status" className="text-sm">
        {empty && 'No lead is due in this queue now.'}
        {logged}
      </div>
      {call !== null && (
        <div className="grid gap-8 lg:grid-cols-2">
          <section aria-labelledby={`${formId}-lead`} className="space-y-4">
            <h2 id={`${formId}-lead`} className="text-xl font-semibold">
              {call.lead.name}
            </h2>
            <LeadCard lead={call.lead} />
            <CallOutcomeForm
              key={call.lead.id}
              formId={formId}
              disposition={disposition}
              onDispositionChange={setDisposition}
              onSave={save}
              pending={logCall.isPending}
              error={logCall.error}
            />
          </section>
          <Timeline type="lead" id={call.lead.id} />
        </div>
      )}
    </div>
  );
}
