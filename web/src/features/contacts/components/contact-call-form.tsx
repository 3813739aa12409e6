import { useId, useState } from 'react';
import { Button } from '@/components/button';
import { SelectField, TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { dispositions, type Disposition } from '@/lib/dispositions';
import { useLogContactCall } from '../api/contacts';

/**
 * Logs a call to the contact: its outcome, how long it lasted and notes. After a click-to-call the server folds it
 * into that call's activity. A contact has no call queue, so a callback is noted rather than scheduled.
 */
export function ContactCallForm({ contactId }: { contactId: string }) {
  const log = useLogContactCall(contactId);
  const [disposition, setDisposition] = useState<Disposition>('answered');
  const [minutes, setMinutes] = useState('1');
  const [notes, setNotes] = useState('');
  const notesId = useId();
  return (
    <section aria-labelledby={`${notesId}-title`} className="max-w-2xl space-y-3">
      <h2 id={`${notesId}-title`} className="text-lg font-semibold">
        Log a call
      </h2>
      <form
        aria-label="Log a call"
        className="space-y-3"
        onSubmit={(event) => {
          event.preventDefault();
          log.mutate(
            { disposition, durationSeconds: Math.max(0, Math.round(Number(minutes) * 60)), notes },
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
        <TextField
          label="Duration (minutes)"
          type="number"
          min="0"
          step="0.5"
          value={minutes}
          onChange={(event) => setMinutes(event.target.value)}
          error={fieldError(log.error, 'durationSeconds')}
        />
        <div>
          <label htmlFor={notesId} className="block text-sm font-medium text-slate-700 dark:text-slate-200">
            Call notes
          </label>
          <textarea
            id={notesId}
            rows={2}
            value={notes}
            onChange={(event) => setNotes(event.target.value)}
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-600 dark:bg-slate-800"
          />
        </div>
        <FormAlert error={log.error} fields={['disposition', 'durationSeconds']} />
        <Button type="submit" disabled={log.isPending}>
          Log call
        </Button>
        {log.isSuccess && (
          <p role="status" className="text-sm text-green-800 dark:text-green-300">
            Call logged.
          </p>
        )}
      </form>
    </section>
  );
}
