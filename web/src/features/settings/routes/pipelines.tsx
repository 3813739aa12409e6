import { useState, type SyntheticEvent } from 'react';
import { Button } from '@/components/button';
import { TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { usePipelines, useSavePipeline, type Pipeline } from '../api/sales';
import { EditorPanel } from '../components/editor-panel';
import { EditButton } from '../components/record-table';
import { RecordsPage } from '../components/records-page';
import { useEditing } from '../components/use-editing';
import { LoadState } from '../components/load-state';
import { FormButtons } from '../components/form-buttons';
import { StaleNotice } from '../components/stale-notice';
import { stageRowsOf, stagesToSave, type StageRow } from '../utils/stages';

export function PipelinesRoute() {
  const pipelines = usePipelines();
  const { editor, startNew, edit } = useEditing(pipelines.refetch);

  return (
    <LoadState queries={[pipelines]} what="the pipelines">
      {() => (
        <RecordsPage title="Pipelines" newLabel="New pipeline" onNew={startNew}>
          {editor && <PipelineEditor key={editor.key} {...editor.actions} pipeline={editor.record} />}
          <ul className="space-y-4">
            {pipelines.data!.map((pipeline) => (
              <li
                key={pipeline.id}
                className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
              >
                <div className="flex items-center justify-between">
                  <h2 className="font-semibold">{pipeline.name}</h2>
                  <EditButton name={pipeline.name} onClick={() => edit(pipeline)} />
                </div>
                <ol className="mt-2 flex flex-wrap gap-2 text-sm">
                  {[...pipeline.stages]
                    .sort((a, b) => Number(a.order) - Number(b.order))
                    .map((stage) => (
                      <li key={stage.id} className="rounded-md bg-slate-100 px-2 py-1 dark:bg-slate-800">
                        {stage.name} ({String(stage.probability)}%)
                      </li>
                    ))}
                </ol>
              </li>
            ))}
          </ul>
        </RecordsPage>
      )}
    </LoadState>
  );
}

function PipelineEditor({
  pipeline,
  onDone,
  onReload,
}: {
  pipeline: Pipeline | undefined;
  onDone: () => void;
  onReload: () => void;
}) {
  const save = useSavePipeline();
  const [name, setName] = useState(pipeline?.name ?? '');
  const [rows, setRows] = useState<StageRow[]>(() => stageRowsOf(pipeline?.stages ?? []));
  const setRow = (index: number, field: keyof StageRow) => (event: { target: { value: string } }) =>
    setRows((current) =>
      current.map((row, i) => (i === index ? { ...row, [field]: event.target.value } : row)),
    );

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.mutate({ pipeline, changes: { name, stages: stagesToSave(rows) } }, { onSuccess: onDone });
  };

  return (
    <EditorPanel title={pipeline === undefined ? 'New pipeline' : `Edit ${pipeline.name}`}>
      <form onSubmit={submit} noValidate className="max-w-2xl space-y-4">
        <StaleNotice error={save.error} onReload={onReload} />
        <FormAlert error={save.error} fields={['name', 'stages']} />
        <TextField
          label="Pipeline name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldError(save.error, 'name')}
        />
        <fieldset className="space-y-3">
          <legend className="text-sm font-medium text-slate-700 dark:text-slate-200">Stages</legend>
          {fieldError(save.error, 'stages') && (
            <p className="text-sm text-red-700 dark:text-red-400">{fieldError(save.error, 'stages')}</p>
          )}
          {rows.map((row, index) => (
            <div key={row.key} className="grid items-end gap-3 sm:grid-cols-[1fr_6rem_8rem_auto]">
              <TextField
                label={`Stage ${String(index + 1)} name`}
                value={row.name}
                onChange={setRow(index, 'name')}
              />
              <TextField
                label={`Stage ${String(index + 1)} order`}
                type="number"
                value={row.order}
                onChange={setRow(index, 'order')}
              />
              <TextField
                label={`Stage ${String(index + 1)} probability (%)`}
                type="number"
                min={0}
                max={100}
                value={row.probability}
                onChange={setRow(index, 'probability')}
              />
              <Button
                variant="secondary"
                aria-label={`Remove stage ${String(index + 1)}`}
                onClick={() => setRows((current) => current.filter((_, i) => i !== index))}
              >
                Remove
              </Button>
            </div>
          ))}
          <Button
            variant="secondary"
            onClick={() => setRows((current) => [...current, ...stageRowsOf([], current)])}
          >
            Add stage
          </Button>
        </fieldset>
        <FormButtons
          what="pipeline"
          isNew={pipeline === undefined}
          pending={save.isPending}
          onCancel={onDone}
        />
      </form>
    </EditorPanel>
  );
}
