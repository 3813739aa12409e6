import { useId, useState } from 'react';
import { Button } from '@/components/button';
import { SelectField, TextAreaField, TextField } from '@/components/field';
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
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="max-w-2xl space-y-3">
      <h2 id={headingId} className="text-lg font-semibold">
        Log a call
      </h2>
      <form
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
        <TextAreaField
          label="Call notes"
          rows={2}
          value={notes}
          onChange={(event) => setNotes(event.target.value)}
          error={fieldError(log.error, 'notes')}
        />
        <FormAlert error={log.error} fields={['disposition', 'durationSeconds', 'notes']} />
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
