import { useState, type SyntheticEvent } from 'react';
import { Button } from '@/components/button';
import { SelectField, TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { toLocalInput } from '@/lib/format';
import { useSession } from '@/lib/use-session';
import { useAssignees, type SaveTask } from '../api/tasks';

const fields = ['title', 'dueAt', 'assigneeId', 'priority', 'notes', 'subject'] as const;

interface TaskFormProps {
  /** The record the task is about (a deal's, contact's or company's "New task"). */
  subject?: { type: string; id: string } | undefined;
  submitLabel: string;
  error: unknown;
  pending: boolean;
  onSubmit: (task: SaveTask) => void;
}

export function TaskForm({ subject, submitLabel, error, pending, onSubmit }: TaskFormProps) {
  const session = useSession();
  const assignees = useAssignees();
  const [form, setForm] = useState(() => ({
    title: '',
    // An hour from now, on the minute: a sensible start the user changes anyway.
    dueAt: toLocalInput(new Date(Date.now() + 3_600_000)),
    assigneeId: '',
    priority: 'normal',
    notes: '',
  }));
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [name]: event.target.value }));

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const due = form.dueAt ? new Date(form.dueAt) : null;
    onSubmit({
      title: form.title,
      dueAt: due && !Number.isNaN(due.getTime()) ? due.toISOString() : null,
      assigneeId: form.assigneeId === '' ? null : form.assigneeId,
      priority: form.priority as SaveTask['priority'],
      notes: form.notes.trim() === '' ? null : form.notes.trim(),
      ...(subject ? { subject } : {}),
    });
  };

  return (
    <form onSubmit={submit} className="max-w-xl space-y-4" noValidate>
      <FormAlert error={error} fields={fields} />
      {subject && <p className="text-sm text-slate-600 dark:text-slate-400">About this {subject.type}.</p>}
      <TextField
        label="Title"
        name="title"
        required
        value={form.title}
        onChange={set('title')}
        error={fieldError(error, 'title')}
      />
      <TextField
        label="Due"
        name="dueAt"
        type="datetime-local"
        required
        value={form.dueAt}
        onChange={set('dueAt')}
        error={fieldError(error, 'dueAt')}
      />
      <SelectField
        label="Assignee"
        name="assigneeId"
        value={form.assigneeId}
        onChange={set('assigneeId')}
        error={fieldError(error, 'assigneeId')}
        options={[
          { value: '', label: 'Me' },
          ...(assignees.data ?? [])
            .filter((user) => user.id !== session?.user.id)
            .map((user) => ({ value: user.id, label: user.name })),
        ]}
      />
      <SelectField
        label="Priority"
        name="priority"
        value={form.priority}
        onChange={set('priority')}
        error={fieldError(error, 'priority')}
        options={[
          { value: 'low', label: 'Low' },
          { value: 'normal', label: 'Normal' },
          { value: 'high', label: 'High' },
        ]}
      />
      <TextField
        label="Notes"
        name="notes"
        value={form.notes}
        onChange={set('notes')}
        error={fieldError(error, 'notes')}
      />
      <Button type="submit" disabled={pending}>
        {submitLabel}
      </Button>
    </form>
  );
}
