import { useState, type SyntheticEvent } from 'react';
import { SelectField, TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { useGroups, type Group } from '../api/people';
import {
  useCallQueues,
  useLeadSources,
  useLeadStatuses,
  useSaveCallQueue,
  type CallQueue,
  type LeadSource,
  type LeadStatus,
} from '../api/sales';
import { CheckboxList } from '../components/checkbox-list';
import { EditorPanel } from '../components/editor-panel';
import { RecordTable } from '../components/record-table';
import { RecordsPage } from '../components/records-page';
import { useEditing } from '../components/use-editing';
import { LoadState } from '../components/load-state';
import { FormButtons } from '../components/form-buttons';
import { StaleNotice } from '../components/stale-notice';

const fields = [
  'name',
  'groupId',
  'filter',
  'filter.statuses',
  'filter.sources',
  'filter.tags',
  'retryAfterMinutes',
  'maxAttempts',
];

export function CallQueuesRoute() {
  const queues = useCallQueues();
  const groups = useGroups();
  const statuses = useLeadStatuses();
  const sources = useLeadSources();
  const { editor, startNew, edit } = useEditing(queues.refetch);
  const groupName = (id: string) => groups.data?.find((group) => group.id === id)?.name ?? '';

  return (
    <LoadState queries={[queues, groups, statuses, sources]} what="the call queues">
      {() => (
        <RecordsPage title="Call queues" newLabel="New call queue" onNew={startNew}>
          {editor && (
            <CallQueueEditor
              key={editor.key}
              {...editor.actions}
              queue={editor.record}
              groups={groups.data!}
              statuses={statuses.data!}
              sources={sources.data!}
            />
          )}
          <RecordTable
            columns={[
              { header: 'Name', cell: (queue) => queue.name },
              { header: 'Group', cell: (queue) => groupName(queue.groupId) },
              {
                header: 'Leads',
                cell: (queue) =>
                  [...queue.filter.statuses, ...queue.filter.sources, ...queue.filter.tags].join(', ') ||
                  'Every lead',
              },
              {
                header: 'Retry',
                cell: (queue) => (
                  <>
                    after {String(queue.retryAfterMinutes)} min, at most {String(queue.maxAttempts)} attempts
                  </>
                ),
              },
            ]}
            rows={queues.data!}
            rowKey={(queue) => queue.id}
            rowName={(queue) => queue.name}
            onEdit={edit}
            empty="No call queues yet."
          />
        </RecordsPage>
      )}
    </LoadState>
  );
}

function CallQueueEditor({
  queue,
  groups,
  statuses,
  sources,
  onDone,
  onReload,
}: {
  queue: CallQueue | undefined;
  groups: Group[];
  statuses: LeadStatus[];
  sources: LeadSource[];
  onDone: () => void;
  onReload: () => void;
}) {
  const save = useSaveCallQueue();
  const [form, setForm] = useState({
    name: queue?.name ?? '',
    groupId: queue?.groupId ?? '',
    tags: queue?.filter.tags.join(', ') ?? '',
    retryAfterMinutes: String(queue?.retryAfterMinutes ?? 60),
    maxAttempts: String(queue?.maxAttempts ?? 3),
  });
  const [statusKeys, setStatusKeys] = useState<string[]>(queue?.filter.statuses ?? []);
  const [sourceKeys, setSourceKeys] = useState<string[]>(queue?.filter.sources ?? []);
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [name]: event.target.value }));
  const error = save.error;

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const number = (text: string) => (text.trim() === '' ? null : Number(text));
    save.mutate(
      {
        queue,
        changes: {
          name: form.name,
          groupId: form.groupId === '' ? null : form.groupId,
          filter: {
            statuses: statusKeys,
            sources: sourceKeys,
            tags: form.tags
              .split(',')
              .map((tag) => tag.trim())
              .filter((tag) => tag !== ''),
          },
          retryAfterMinutes: number(form.retryAfterMinutes),
          maxAttempts: number(form.maxAttempts),
        },
      },
      { onSuccess: onDone },
    );
  };

  return (
    <EditorPanel title={queue === undefined ? 'New call queue' : `Edit ${queue.name}`}>
      <form onSubmit={submit} noValidate className="max-w-xl space-y-4">
        <StaleNotice error={error} onReload={onReload} />
        <FormAlert error={error} fields={fields} />
        <TextField
          label="Queue name"
          value={form.name}
          onChange={set('name')}
          error={fieldError(error, 'name')}
        />
        <SelectField
          label="Group"
          value={form.groupId}
          onChange={set('groupId')}
          error={fieldError(error, 'groupId')}
          options={[
            { value: '', label: 'Choose a group' },
            ...groups.map((g) => ({ value: g.id, label: g.name })),
          ]}
        />
        <CheckboxList
          legend="Lead statuses to call"
          options={statuses.map((status) => ({ value: status.key, label: status.name }))}
          selected={statusKeys}
          onChange={setStatusKeys}
          error={fieldError(error, 'filter.statuses')}
        />
        <CheckboxList
          legend="Lead sources to call"
          options={sources.map((source) => ({ value: source.key, label: source.name }))}
          selected={sourceKeys}
          onChange={setSourceKeys}
          error={fieldError(error, 'filter.sources')}
        />
        <TextField
          label="Tags"
          value={form.tags}
          onChange={set('tags')}
          hint="Comma-separated; leave empty to call leads with any tags."
          error={fieldError(error, 'filter.tags')}
        />
        <TextField
          label="Retry after (minutes)"
          type="number"
          min={1}
          value={form.retryAfterMinutes}
          onChange={set('retryAfterMinutes')}
          error={fieldError(error, 'retryAfterMinutes')}
        />
        <TextField
          label="Maximum attempts"
          type="number"
          min={1}
          value={form.maxAttempts}
          onChange={set('maxAttempts')}
          error={fieldError(error, 'maxAttempts')}
        />
        <FormButtons
          what="call queue"
          isNew={queue === undefined}
          pending={save.isPending}
          onCancel={onDone}
        />
      </form>
    </EditorPanel>
  );
}
