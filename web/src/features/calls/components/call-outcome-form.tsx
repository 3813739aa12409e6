import { useState } from 'react';
import { Button } from '@/components/button';
import { fieldError, FormAlert } from '@/components/form-alert';
import { TextAreaField, TextField } from '@/components/field';
import { dispositions, type Disposition } from '../api/calls';

export interface CallOutcome {
  disposition: Disposition;
  notes: string;
  callbackAt: string | null;
}

/** A datetime-local value (the browser's local time, minutes) an hour from now: the usual callback. */
function inAnHour(now = new Date()): string {
  const later = new Date(now.getTime() + 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${later.getFullYear()}-${pad(later.getMonth() + 1)}-${pad(later.getDate())}T${pad(later.getHours())}:${pad(later.getMinutes())}`;
}

interface CallOutcomeFormProps {
  disposition: Disposition | null;
  onDispositionChange: (disposition: Disposition) => void;
  onSave: (outcome: CallOutcome) => void;
  pending: boolean;
  error: unknown;
  /** The form element's id, so that Ctrl+Enter anywhere on the page can submit it. */
  formId: string;
}

/**
 * The outcome of the call in progress: a disposition (digits 1 to 7 pick one), the callback time when it is a
 * callback, notes, and Save (Ctrl+Enter, also from inside the notes).
 */
export function CallOutcomeForm({
  disposition,
  onDispositionChange,
  onSave,
  pending,
  error,
  formId,
}: CallOutcomeFormProps) {
  const [notes, setNotes] = useState('');
  const [callbackAt, setCallbackAt] = useState(inAnHour);
  const [missing, setMissing] = useState(false);
  return (
    <form
      id={formId}
      aria-label="Call outcome"
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        if (disposition === null) {
          setMissing(true);
          return;
        }
        setMissing(false);
        onSave({
          disposition,
          notes,
          callbackAt: disposition === 'callback' && callbackAt ? new Date(callbackAt).toISOString() : null,
        });
      }}
    >
      <fieldset aria-describedby={missing ? `${formId}-missing` : undefined}>
        <legend className="text-sm font-medium text-slate-700 dark:text-slate-200">Outcome</legend>
        <div className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-4">
          {dispositions.map((option, index) => (
            <label
              key={option.value}
              className="flex cursor-pointer items-center gap-2 rounded-md border border-slate-300 px-3 py-2 text-sm has-[:checked]:border-indigo-600 has-[:checked]:bg-indigo-50 dark:border-slate-600 dark:has-[:checked]:bg-indigo-950"
            >
              <input
                type="radio"
                name="disposition"
                value={option.value}
                checked={disposition === option.value}
                onChange={() => onDispositionChange(option.value)}
                aria-keyshortcuts={String(index + 1)}
              />
              <kbd className="rounded border border-slate-300 px-1 font-mono text-xs dark:border-slate-600">
                {index + 1}
              </kbd>
              <span>{option.label}</span>
            </label>
          ))}
        </div>
        {missing && (
          <p id={`${formId}-missing`} className="mt-1 text-sm text-red-700 dark:text-red-400">
            Pick the outcome of the call.
          </p>
        )}
      </fieldset>
      {disposition === 'callback' && (
        <TextField
          label="Call back at"
          name="callbackAt"
          type="datetime-local"
          required
          value={callbackAt}
          onChange={(event) => setCallbackAt(event.target.value)}
          error={fieldError(error, 'callbackAt')}
        />
      )}
      <TextAreaField
        label="Call notes"
        name="notes"
        rows={3}
        value={notes}
        onChange={(event) => setNotes(event.target.value)}
        error={fieldError(error, 'notes')}
      />
      <FormAlert error={error} fields={['callbackAt', 'notes']} />
      <Button type="submit" disabled={pending} aria-keyshortcuts="Control+Enter Meta+Enter">
        {pending ? 'Saving…' : 'Save call'}
      </Button>
    </form>
  );
}
