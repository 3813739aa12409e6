import { useState, type DragEvent } from 'react';
import { Link } from 'react-router';
import { formatMoney } from '@/lib/format';
import type { Deal, Pipeline } from '../api/deals';
import { groupByStage } from '../utils/board';

interface DealBoardProps {
  pipeline: Pipeline;
  deals: Deal[];
  /** Open deals can be moved; won and lost ones are shown as they ended. */
  movable: boolean;
  /** Deals with an approval request waiting. */
  awaiting: ReadonlySet<string>;
  onMove: (deal: Deal, stageId: string) => void;
  onWin: (deal: Deal) => void;
  onLose: (deal: Deal) => void;
}

const dealType = 'application/x-m3-deal';

/**
 * The pipeline's stages as columns of deal cards. A card is dragged to another column to move the deal; its
 * "Move to" list does the same from the keyboard (and for anyone who does not drag).
 */
export function DealBoard({ pipeline, deals, movable, awaiting, onMove, onWin, onLose }: DealBoardProps) {
  const columns = groupByStage(pipeline.stages, deals);
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const byId = new Map(deals.map((deal) => [deal.id, deal]));

  const drop = (stageId: string) => (event: DragEvent) => {
    event.preventDefault();
    setDropTarget(null);
    const deal = byId.get(event.dataTransfer.getData(dealType));
    if (deal && deal.stageId !== stageId) onMove(deal, stageId);
  };

  return (
    <div className="flex gap-4 overflow-x-auto pb-4">
      {columns.map(({ stage, deals: inStage }) => {
        const headingId = `stage-${stage.id}`;
        const total = inStage.reduce((sum, deal) => sum + Number(deal.value.amount), 0);
        return (
          // Dropping is a pointer shortcut; the cards' "Move to" lists do the same from the keyboard.
          // eslint-disable-next-line jsx-a11y/no-static-element-interactions
          <div
            key={stage.id}
            onDragOver={
              movable
                ? (event) => {
                    if (!event.dataTransfer.types.includes(dealType)) return;
                    event.preventDefault();
                    event.dataTransfer.dropEffect = 'move';
                    setDropTarget(stage.id);
                  }
                : undefined
            }
            onDragLeave={() => setDropTarget((current) => (current === stage.id ? null : current))}
            onDrop={movable ? drop(stage.id) : undefined}
            className={`flex w-60 shrink-0 flex-col rounded-lg border p-3 ${
              dropTarget === stage.id
                ? 'border-indigo-500 bg-indigo-50 dark:bg-indigo-950'
                : 'border-slate-200 bg-slate-100 dark:border-slate-700 dark:bg-slate-900'
            }`}
          >
            <section
              aria-labelledby={headingId}
              data-testid={`stage-${stage.name}`}
              className="flex flex-1 flex-col"
            >
              <h2 id={headingId} className="text-sm font-semibold">
                {stage.name}
              </h2>
              <p className="mb-3 text-xs text-slate-600 dark:text-slate-400">
                {inStage.length} {inStage.length === 1 ? 'deal' : 'deals'}
                {inStage[0]
                  ? ` · ${formatMoney({ amount: total, currency: inStage[0].value.currency })}`
                  : ''}
              </p>
              <ul className="flex min-h-16 flex-col gap-2">
                {inStage.map((deal) => (
                  <li key={deal.id}>
                    <DealCard
                      deal={deal}
                      pipeline={pipeline}
                      movable={movable}
                      awaiting={awaiting.has(deal.id)}
                      onMove={onMove}
                      onWin={onWin}
                      onLose={onLose}
                    />
                  </li>
                ))}
              </ul>
            </section>
          </div>
        );
      })}
    </div>
  );
}

const won = 'won';
const lost = 'lost';

function DealCard({
  deal,
  pipeline,
  movable,
  awaiting,
  onMove,
  onWin,
  onLose,
}: {
  deal: Deal;
  pipeline: Pipeline;
  movable: boolean;
  awaiting: boolean;
  onMove: (deal: Deal, stageId: string) => void;
  onWin: (deal: Deal) => void;
  onLose: (deal: Deal) => void;
}) {
  const stages = [...pipeline.stages].sort((a, b) => Number(a.order) - Number(b.order));
  return (
    // Dragging is a pointer shortcut; the "Move to" list below does the same from the keyboard.
    // eslint-disable-next-line jsx-a11y/no-static-element-interactions
    <div
      draggable={movable}
      onDragStart={(event) => {
        event.dataTransfer.setData(dealType, deal.id);
        event.dataTransfer.effectAllowed = 'move';
      }}
      className={`rounded-md border border-slate-200 bg-white p-3 text-sm shadow-sm dark:border-slate-700 dark:bg-slate-800 ${
        movable ? 'cursor-grab' : ''
      }`}
    >
      <article aria-label={deal.title} data-testid="deal-card">
        <Link to={`/app/deals/${deal.id}`} className="font-medium text-indigo-700 dark:text-indigo-300">
          {deal.title}
        </Link>
        <p className="mt-1 text-slate-700 dark:text-slate-300">{formatMoney(deal.value)}</p>
        {awaiting && (
          <p className="mt-1 inline-block rounded-full bg-amber-200 px-2 py-0.5 text-xs font-semibold text-amber-950">
            Awaiting approval
          </p>
        )}
        {Number(deal.discountPercent) > 0 && (
          <p className="text-xs text-slate-600 dark:text-slate-400">
            Discount {String(deal.discountPercent)}%
          </p>
        )}
        {movable && (
          <select
            aria-label={`Move ${deal.title} to`}
            value={deal.stageId}
            onChange={(event) => {
              const choice = event.target.value;
              if (choice === won) onWin(deal);
              else if (choice === lost) onLose(deal);
              else onMove(deal, choice);
            }}
            className="mt-2 w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-xs dark:border-slate-600 dark:bg-slate-900"
          >
            <optgroup label="Stages">
              {stages.map((stage) => (
                <option key={stage.id} value={stage.id}>
                  {stage.id === deal.stageId ? `In ${stage.name}` : `Move to ${stage.name}`}
                </option>
              ))}
            </optgroup>
            <optgroup label="Close the deal">
              <option value={won}>Mark won</option>
              <option value={lost}>Mark lost…</option>
            </optgroup>
          </select>
        )}
      </article>
    </div>
  );
}
