import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { SelectField } from '@/components/field';
import { FormAlert } from '@/components/form-alert';
import {
  useBoard,
  useDealsAwaitingApproval,
  useMoveDeal,
  usePipelines,
  useWinDeal,
  type DealStatus,
} from '../api/deals';
import { DealBoard } from '../components/deal-board';

const statuses: { value: DealStatus; label: string }[] = [
  { value: 'open', label: 'Open deals' },
  { value: 'won', label: 'Won deals' },
  { value: 'lost', label: 'Lost deals' },
];

/** The pipeline board; the pipeline and the status shown live in the URL (?pipeline=&status=). */
export function DealsBoardRoute() {
  const [params, setParams] = useSearchParams();
  const pipelines = usePipelines();
  const status = statuses.find((s) => s.value === params.get('status'))?.value ?? 'open';
  const pipeline =
    pipelines.data?.find((p) => p.id === params.get('pipeline')) ?? pipelines.data?.[0] ?? undefined;
  const board = useBoard(pipeline?.id ?? '', status);
  const move = useMoveDeal(pipeline?.id ?? '');
  const win = useWinDeal();
  const awaiting = useDealsAwaitingApproval();
  const navigate = useNavigate();
  const [announcement, setAnnouncement] = useState('');

  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(name, value);
    setParams(next, { replace: true });
  };

  return (
    <div className="space-y-6">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Deals</h1>
        <Link
          to={`/app/deals/new${pipeline ? `?pipeline=${pipeline.id}` : ''}`}
          className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500"
        >
          New deal
        </Link>
      </div>
      <div className="grid max-w-xl gap-4 sm:grid-cols-2">
        {(pipelines.data?.length ?? 0) > 1 && (
          <SelectField
            label="Pipeline"
            name="pipeline"
            value={pipeline?.id ?? ''}
            onChange={(event) => setParam('pipeline', event.target.value)}
            options={(pipelines.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
          />
        )}
        <SelectField
          label="Show"
          name="status"
          value={status}
          onChange={(event) => setParam('status', event.target.value)}
          options={statuses}
        />
      </div>
      <FormAlert error={pipelines.error ?? board.error ?? move.error ?? win.error} fields={[]} />
      <p role="status" className="sr-only">
        {announcement}
      </p>
      {pipelines.isPending || (pipeline && board.isPending) ? (
        <p>Loading the board…</p>
      ) : !pipeline ? (
        <p>This workspace has no pipeline yet.</p>
      ) : (
        <DealBoard
          pipeline={pipeline}
          deals={board.data ?? []}
          movable={status === 'open'}
          awaiting={awaiting.data ?? new Set<string>()}
          onWin={(deal) =>
            win.mutate(
              { deal, input: null },
              {
                onSuccess: (result) =>
                  setAnnouncement(
                    'pending' in result ? `Winning ${deal.title} awaits approval.` : `${deal.title} is won.`,
                  ),
              },
            )
          }
          // Losing needs a reason: the deal's page asks for it.
          onLose={(deal) => void navigate(`/app/deals/${deal.id}?lose=1`)}
          onMove={(deal, stageId) => {
            const stage = pipeline.stages.find((s) => s.id === stageId)?.name ?? '';
            move.mutate(
              { deal, stageId },
              {
                onSuccess: () => setAnnouncement(`${deal.title} moved to ${stage}.`),
                onError: () => setAnnouncement(`${deal.title} could not be moved; it is back in its stage.`),
              },
            );
          }}
        />
      )}
    </div>
  );
}
