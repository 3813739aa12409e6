import { BarChart } from '@/components/bar-chart';
import { formatDateTime } from '@/lib/format';
import type { Approval, Task, WidgetData } from '../api/dashboards';
import type { WidgetFigures } from '../utils/widget-data';

const wholeNumber = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const money = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export function formatFigure(value: number, isMoney: boolean): string {
  return isMoney ? money.format(value) : wholeNumber.format(value);
}

/** What a widget shows once its numbers are in. */
export function WidgetBody({ data, title }: { data: WidgetData; title: string }) {
  switch (data.kind) {
    case 'tasks':
      return <TaskList tasks={data.tasks} />;
    case 'approvals':
      return <ApprovalList approvals={data.approvals} />;
    case 'figures':
      return <Figures figures={data.figures} title={title} />;
  }
}

function Figures({ figures, title }: { figures: WidgetFigures; title: string }) {
  switch (figures.kind) {
    case 'figure':
      return (
        <p className="flex h-full flex-col justify-center">
          <span className="text-3xl font-semibold tabular-nums" data-testid="widget-figure">
            {figures.value === null ? '—' : formatFigure(figures.value, figures.money)}
          </span>
          <span className="text-sm text-slate-600 dark:text-slate-300">
            {figures.value === null ? `${figures.label}: deals in more than one currency` : figures.label}
          </span>
        </p>
      );
    case 'ranking':
      return figures.rows.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">No agents yet.</p>
      ) : (
        <ol className="space-y-1 text-sm" aria-label={`Agents by ${figures.valueTitle.toLowerCase()}`}>
          {figures.rows.map((row, i) => (
            <li key={`${row.label}-${String(i)}`} className="flex justify-between gap-2">
              <span className="truncate">
                {i + 1}. {row.label}
              </span>
              <span className="tabular-nums">{formatFigure(row.value, figures.money)}</span>
            </li>
          ))}
        </ol>
      );
    case 'bars':
      return (
        <div className="flex h-full min-h-0 flex-col gap-1">
          <p className="text-sm text-slate-600 dark:text-slate-300">{figures.summary}</p>
          {figures.bars.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-300">Nothing to show yet.</p>
          ) : (
            <div className="min-h-0 flex-1">
              <BarChart
                bars={figures.bars}
                caption={title}
                labelTitle={figures.labelTitle}
                valueTitle={figures.valueTitle}
                format={(value) => formatFigure(value, figures.money)}
              />
            </div>
          )}
        </div>
      );
  }
}

function TaskList({ tasks }: { tasks: Task[] }) {
  if (tasks.length === 0) return <p className="text-sm text-slate-600 dark:text-slate-300">No tasks due.</p>;
  return (
    <ul className="space-y-1 text-sm">
      {tasks.map((task) => (
        <li key={task.id} className="flex justify-between gap-2">
          <span className="truncate">{task.title}</span>
          <span
            className={task.overdue ? 'text-red-700 dark:text-red-400' : 'text-slate-600 dark:text-slate-300'}
          >
            {task.overdue ? 'Overdue · ' : ''}
            {formatDateTime(task.dueAt)}
          </span>
        </li>
      ))}
    </ul>
  );
}

function ApprovalList({ approvals }: { approvals: Approval[] }) {
  if (approvals.length === 0)
    return <p className="text-sm text-slate-600 dark:text-slate-300">Nothing awaits your approval.</p>;
  return (
    <ul className="space-y-1 text-sm">
      {approvals.map((approval) => (
        <li key={approval.id} className="flex justify-between gap-2">
          <span className="truncate">{approval.policyName}</span>
          <span className="text-slate-600 dark:text-slate-300">{formatDateTime(approval.createdAt)}</span>
        </li>
      ))}
    </ul>
  );
}
