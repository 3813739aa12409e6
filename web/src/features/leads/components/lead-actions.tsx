import { useId, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { Button } from '@/components/button';
import { SelectField, TextAreaField, TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { dispositions, type Disposition } from '@/lib/dispositions';
import {
  useAddLeadTask,
  useAssignLead,
  useConvertLead,
  useLogLeadCall,
  usePipelines,
} from '../api/lead-actions';
import { useOwners, type Lead } from '../api/leads';

/** A datetime-local value (local time, minutes) `hours` from now. */
function localIn(hours: number): string {
  const at = new Date(Date.now() + hours * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** A panel that opens with its summary (a native disclosure: keyboard and screen readers know it). */
function Panel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <details className="rounded-md border border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900">
      <summary className="cursor-pointer px-4 py-2 text-sm font-semibold">{title}</summary>
      <div className="space-y-3 border-t border-slate-200 p-4 dark:border-slate-700">{children}</div>
    </details>
  );
}

function Done({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="text-sm text-green-800 dark:text-green-300">
      {children}
    </p>
  );
}

function LogCallPanel({ lead }: { lead: Lead }) {
  const log = useLogLeadCall(lead.id);
  const [disposition, setDisposition] = useState<Disposition>('answered');
  const [minutes, setMinutes] = useState('1');
  const [notes, setNotes] = useState('');
  const [callbackAt, setCallbackAt] = useState(() => localIn(1));
  return (
    <Panel title="Log a call">
      <form
        aria-label="Log a call"
        className="space-y-3"
        onSubmit={(event) => {
          event.preventDefault();
          log.mutate(
            {
              disposition,
              durationSeconds: Math.max(0, Math.round(Number(minutes) * 60)),
              notes,
              callbackAt: disposition === 'callback' ? new Date(callbackAt).toISOString() : null,
            },
            { onSuccess: () => setNotes('') },
          );
        }}
      >
        <SelectField
          label="Outcome"
          value={disposition}
          onChange={(event) => setDisposition(event.target.value as Disposition)}
          options={dispositions}
          error={fieldError(log.error, 'disposition')}
        />
        {disposition === 'callback' && (
          <TextField
            label="Call back at"
            type="datetime-local"
            required
            value={callbackAt}
            onChange={(event) => setCallbackAt(event.target.value)}
            error={fieldError(log.error, 'callbackAt')}
          />
        )}
        <TextField
          label="Duration (minutes)"
          type="number"
          min="0"
          step="0.5"
          value={minutes}
          onChange={(event) => setMinutes(event.target.value)}
          error={fieldError(log.error, 'durationSeconds')}
        />
        <TextAreaField
          label="Call notes"
          rows={2}
          value={notes}
          onChange={(event) => setNotes(event.target.value)}
          error={fieldError(log.error, 'notes')}
        />
        <FormAlert error={log.error} fields={['disposition', 'callbackAt', 'durationSeconds', 'notes']} />
        <Button type="submit" disabled={log.isPending}>
          Log call
        </Button>
        {log.isSuccess && <Done>Call logged.</Done>}
      </form>
    </Panel>
  );
}

function TaskPanel({ lead }: { lead: Lead }) {
  const add = useAddLeadTask(lead.id);
  const owners = useOwners();
  const [title, setTitle] = useState('');
  const [dueAt, setDueAt] = useState(() => localIn(24));
  const [assigneeId, setAssigneeId] = useState(lead.ownerId ?? '');
  const [priority, setPriority] = useState<'low' | 'normal' | 'high'>('normal');
  return (
    <Panel title="Add a task">
      <form
        aria-label="Add a task"
        className="space-y-3"
        onSubmit={(event) => {
          event.preventDefault();
          add.mutate(
            { title, dueAt: new Date(dueAt).toISOString(), assigneeId, priority },
            { onSuccess: () => setTitle('') },
          );
        }}
      >
        <TextField
          label="Task"
          required
          value={title}
          onChange={(event) => setTitle(event.target.value)}
          error={fieldError(add.error, 'title')}
        />
        <TextField
          label="Due"
          type="datetime-local"
          required
          value={dueAt}
          onChange={(event) => setDueAt(event.target.value)}
          error={fieldError(add.error, 'dueAt')}
        />
        <SelectField
          label="Assignee"
          required
          value={assigneeId}
          onChange={(event) => setAssigneeId(event.target.value)}
          options={[
            { value: '', label: 'Choose someone' },
            ...(owners.data ?? []).map((user) => ({ value: user.id, label: user.name })),
          ]}
          error={fieldError(add.error, 'assigneeId')}
        />
        <SelectField
          label="Priority"
          value={priority}
          onChange={(event) => setPriority(event.target.value as typeof priority)}
          options={[
            { value: 'low', label: 'Low' },
            { value: 'normal', label: 'Normal' },
            { value: 'high', label: 'High' },
          ]}
        />
        <FormAlert error={add.error} fields={['title', 'dueAt', 'assigneeId']} />
        <Button type="submit" disabled={add.isPending}>
          Add task
        </Button>
        {add.isSuccess && <Done>Task added.</Done>}
      </form>
    </Panel>
  );
}

function AssignPanel({ lead }: { lead: Lead }) {
  const assign = useAssignLead(lead.id);
  const owners = useOwners();
  const [ownerId, setOwnerId] = useState(lead.ownerId ?? '');
  return (
    <Panel title="Assign">
      <form
        aria-label="Assign the lead"
        className="space-y-3"
        onSubmit={(event) => {
          event.preventDefault();
          if (ownerId) assign.mutate(ownerId);
        }}
      >
        <SelectField
          label="New owner"
          required
          value={ownerId}
          onChange={(event) => setOwnerId(event.target.value)}
          options={[
            { value: '', label: 'Choose someone' },
            ...(owners.data ?? []).map((user) => ({ value: user.id, label: user.name })),
          ]}
          error={fieldError(assign.error, 'ownerId')}
        />
        <FormAlert error={assign.error} fields={['ownerId']} />
        <Button type="submit" disabled={assign.isPending}>
          Assign
        </Button>
        {assign.data && (
          <Done>{assign.data.pending ? 'The reassignment waits for approval.' : 'Lead assigned.'}</Done>
        )}
      </form>
    </Panel>
  );
}

function ConvertPanel({ lead }: { lead: Lead }) {
  const convert = useConvertLead(lead.id);
  const pipelines = usePipelines();
  const [companyName, setCompanyName] = useState('');
  const [withDeal, setWithDeal] = useState(true);
  const [dealTitle, setDealTitle] = useState(lead.name);
  // A deal needs a value: the lead's budget when it has one.
  const [amount, setAmount] = useState(lead.budget ? String(lead.budget.amount) : '');
  const [currency, setCurrency] = useState(lead.budget?.currency ?? 'USD');
  const dealId = useId();
  const pipelineId = pipelines.data?.[0]?.id;
  return (
    <Panel title="Convert">
      <form
        aria-label="Convert the lead"
        className="space-y-3"
        onSubmit={(event) => {
          event.preventDefault();
          convert.mutate({
            companyName,
            deal:
              withDeal && pipelineId
                ? {
                    pipelineId,
                    title: dealTitle,
                    value: { amount: Number(amount), currency: currency.trim().toUpperCase() },
                  }
                : null,
          });
        }}
      >
        <p className="text-sm text-slate-700 dark:text-slate-300">
          Makes a contact of the lead, and a company and a deal if you ask for them. A lead converts once.
        </p>
        <TextField
          label="Company name (optional)"
          value={companyName}
          onChange={(event) => setCompanyName(event.target.value)}
          error={fieldError(convert.error, 'companyName')}
        />
        <div className="flex items-center gap-2">
          <input
            id={dealId}
            type="checkbox"
            checked={withDeal}
            onChange={(event) => setWithDeal(event.target.checked)}
          />
          <label htmlFor={dealId} className="text-sm">
            Also open a deal{pipelines.data?.[0] ? ` in ${pipelines.data[0].name}` : ''}
          </label>
        </div>
        {withDeal && (
          <>
            <TextField
              label="Deal title"
              required
              value={dealTitle}
              onChange={(event) => setDealTitle(event.target.value)}
              error={fieldError(convert.error, 'title')}
            />
            <div className="grid grid-cols-2 gap-3">
              <TextField
                label="Deal value"
                type="number"
                min="0"
                step="0.01"
                required
                value={amount}
                onChange={(event) => setAmount(event.target.value)}
                error={fieldError(convert.error, 'value') ?? fieldError(convert.error, 'value.amount')}
              />
              <TextField
                label="Currency"
                required
                maxLength={3}
                value={currency}
                onChange={(event) => setCurrency(event.target.value)}
                error={fieldError(convert.error, 'value.currency')}
              />
            </div>
          </>
        )}
        <FormAlert
          error={convert.error}
          fields={['companyName', 'title', 'value', 'value.amount', 'value.currency']}
        />
        <Button type="submit" disabled={convert.isPending}>
          Convert lead
        </Button>
      </form>
    </Panel>
  );
}

/** Where a converted lead went: its contact, company and deal. */
export function ConversionNote({ lead }: { lead: Lead }) {
  const conversion = lead.conversion;
  if (!conversion) return null;
  const link = 'font-semibold text-indigo-700 underline dark:text-indigo-300';
  return (
    <p
      role="status"
      className="rounded-md border border-green-300 bg-green-50 p-3 text-sm dark:border-green-800 dark:bg-green-950"
    >
      Converted to a{' '}
      <Link to={`/app/contacts/${conversion.contactId}`} className={link}>
        contact
      </Link>
      {conversion.companyId && (
        <>
          , a{' '}
          <Link to={`/app/companies/${conversion.companyId}`} className={link}>
            company
          </Link>
        </>
      )}
      {conversion.dealId && (
        <>
          {' '}
          and a{' '}
          <Link to={`/app/deals/${conversion.dealId}`} className={link}>
            deal
          </Link>
        </>
      )}
      .
    </p>
  );
}

/** What can be done with a lead from its page; each action shows up in the timeline. */
export function LeadActions({ lead }: { lead: Lead }) {
  return (
    <section aria-label="Actions" className="space-y-2">
      <LogCallPanel lead={lead} />
      <TaskPanel lead={lead} />
      <AssignPanel lead={lead} />
      {!lead.conversion && <ConvertPanel lead={lead} />}
    </section>
  );
}
