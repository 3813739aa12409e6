/**
 * How each widget type reads its numbers (the catalog's `report`): which report it asks for with which filters,
 * and what it takes from the answer. Tasks and approvals widgets read their lists instead (see the api module).
 */

export type WidgetParams = Record<string, unknown>;

export interface ReportRequest {
  report: 'pipeline' | 'funnel' | 'agents' | 'inventory';
  query: Record<string, string>;
}

/** A report as the API answers it (JSON): rows keyed by column, and totals. */
export interface ReportAnswer {
  rows: Record<string, unknown>[];
  totals: Record<string, unknown>;
}

export type WidgetFigures =
  | {
      kind: 'bars';
      bars: { label: string; value: number }[];
      valueTitle: string;
      labelTitle: string;
      money: boolean;
      summary: string;
    }
  | { kind: 'figure'; value: number | null; label: string; money: boolean }
  | { kind: 'ranking'; rows: { label: string; value: number }[]; valueTitle: string; money: boolean };

const dayMs = 86_400_000;

export const kpiMetrics = {
  open_leads: { report: 'funnel', label: 'Open leads', money: false, period: false },
  new_leads: { report: 'funnel', label: 'New leads', money: false, period: true },
  converted_leads: { report: 'funnel', label: 'Converted leads', money: false, period: true },
  open_deals: { report: 'pipeline', label: 'Open deals', money: false, period: false },
  pipeline_value: { report: 'pipeline', label: 'Pipeline value', money: true, period: false },
  deals_won: { report: 'agents', label: 'Deals won', money: false, period: true },
  won_value: { report: 'agents', label: 'Won value', money: true, period: true },
  calls: { report: 'agents', label: 'Calls', money: false, period: true },
  units_available: { report: 'inventory', label: 'Units available', money: false, period: false },
  units_sold: { report: 'inventory', label: 'Units sold', money: false, period: false },
} as const;

export type KpiMetric = keyof typeof kpiMetrics;

export function isKpiMetric(value: unknown): value is KpiMetric {
  return typeof value === 'string' && Object.hasOwn(kpiMetrics, value);
}

const leaderboardColumns = {
  calls: { column: 'calls', title: 'Calls', money: false },
  conversions: { column: 'conversions', title: 'Conversions', money: false },
  deals_won: { column: 'dealsWon', title: 'Deals won', money: false },
  won_value: { column: 'wonValue', title: 'Won value', money: true },
} as const;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function whole(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? Math.trunc(n) : fallback;
}

/** A figure of the API (a JSON number, or a decimal as a string) as a number; 0 when absent. */
export function amount(value: unknown): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}

function withIds(params: WidgetParams, names: string[]): Record<string, string> {
  const query: Record<string, string> = {};
  for (const name of names) {
    const id = text(params[name]);
    if (id) query[name] = id;
  }
  return query;
}

/** A period's start is taken back to a whole 5 minutes, so that dashboards opened close together ask alike. */
const periodStepMs = 5 * 60_000;

/**
 * The start of the widget's period: its days back from now, on a whole 5 minutes. The server keeps each report's
 * answer while no event changes it, by its filters; a start to the millisecond would never ask the same twice.
 */
function since(params: WidgetParams, now: Date): string {
  const start = now.getTime() - whole(params.periodDays, 30) * dayMs;
  return new Date(Math.floor(start / periodStepMs) * periodStepMs).toISOString();
}

function startOfDay(now: Date): string {
  const start = new Date(now);
  start.setHours(0, 0, 0, 0);
  return start.toISOString();
}

/** The report a widget reads, with its filters as of `now`; null for a type that reads no report. */
export function reportRequestFor(type: string, params: WidgetParams, now: Date): ReportRequest | null {
  switch (type) {
    case 'pipeline_value':
      return { report: 'pipeline', query: withIds(params, ['pipelineId', 'groupId']) };
    case 'funnel':
      return { report: 'funnel', query: { ...withIds(params, ['groupId']), from: since(params, now) } };
    case 'agent_leaderboard':
      return { report: 'agents', query: { ...withIds(params, ['groupId']), from: since(params, now) } };
    case 'calls_today':
      return { report: 'agents', query: { ...withIds(params, ['groupId']), from: startOfDay(now) } };
    case 'inventory_status':
      return { report: 'inventory', query: withIds(params, ['projectId']) };
    case 'kpi': {
      const metric = isKpiMetric(params.metric) ? params.metric : 'open_leads';
      const { report, period } = kpiMetrics[metric];
      return {
        report,
        query: { ...withIds(params, ['groupId']), ...(period ? { from: since(params, now) } : {}) },
      };
    }
    default:
      return null;
  }
}

/** A cell as a label: words as they are, numbers as digits, anything else as nothing. */
function labelOf(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/** Sums `value` per `label`, in the order the labels first appear (as the server's own chart does). */
export function sumBy(rows: Record<string, unknown>[], label: string, value: string) {
  const bars: { label: string; value: number }[] = [];
  for (const row of rows) {
    const name = labelOf(row[label]);
    const existing = bars.find((bar) => bar.label === name);
    if (existing) existing.value += amount(row[value]);
    else bars.push({ label: name, value: amount(row[value]) });
  }
  return bars;
}

/** What a widget shows of its report's answer. */
export function figuresFor(type: string, params: WidgetParams, answer: ReportAnswer): WidgetFigures {
  switch (type) {
    case 'pipeline_value': {
      const pipelines = new Set(answer.rows.map((row) => row.pipeline));
      const bars = sumBy(
        answer.rows.map((row) => ({
          ...row,
          // Stages of different pipelines may share a name: only then is the pipeline named too.
          label: pipelines.size > 1 ? `${labelOf(row.pipeline)}: ${labelOf(row.stage)}` : row.stage,
        })),
        'label',
        'openValue',
      );
      return {
        kind: 'bars',
        bars,
        labelTitle: 'Stage',
        valueTitle: 'Open value',
        money: true,
        summary: `${String(amount(answer.totals.openDeals))} open deals`,
      };
    }
    case 'funnel':
      return {
        kind: 'bars',
        bars: sumBy(answer.rows, 'name', 'leads'),
        labelTitle: 'Status',
        valueTitle: 'Leads',
        money: false,
        summary: `${String(amount(answer.totals.leads))} leads, ${String(amount(answer.totals.converted))} converted`,
      };
    case 'inventory_status':
      return {
        kind: 'bars',
        bars: sumBy(answer.rows, 'status', 'units'),
        labelTitle: 'Status',
        valueTitle: 'Units',
        money: false,
        summary: `${String(amount(answer.totals.units))} units`,
      };
    case 'agent_leaderboard': {
      const metric =
        leaderboardColumns[
          typeof params.metric === 'string' && Object.hasOwn(leaderboardColumns, params.metric)
            ? (params.metric as keyof typeof leaderboardColumns)
            : 'calls'
        ];
      const rows = answer.rows
        .map((row) => ({ label: labelOf(row.agent), value: amount(row[metric.column]) }))
        .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label))
        .slice(0, whole(params.limit, 10));
      return { kind: 'ranking', rows, valueTitle: metric.title, money: metric.money };
    }
    case 'calls_today':
      return { kind: 'figure', value: amount(answer.totals.calls), label: 'Calls today', money: false };
    case 'kpi': {
      const metric = isKpiMetric(params.metric) ? params.metric : 'open_leads';
      return {
        kind: 'figure',
        value: kpiValue(metric, answer),
        label: kpiMetrics[metric].label,
        money: kpiMetrics[metric].money,
      };
    }
    default:
      return { kind: 'figure', value: null, label: type, money: false };
  }
}

function kpiValue(metric: KpiMetric, answer: ReportAnswer): number | null {
  const totals = answer.totals;
  switch (metric) {
    case 'open_leads':
      return answer.rows
        .filter((row) => row.category === 'open')
        .reduce((sum, row) => sum + amount(row.leads), 0);
    case 'new_leads':
      return amount(totals.leads);
    case 'converted_leads':
      return amount(totals.converted);
    case 'open_deals':
      return amount(totals.openDeals);
    case 'pipeline_value':
      // Deals in more than one currency have no single total.
      return totals.openValue === null || totals.openValue === undefined ? null : amount(totals.openValue);
    case 'deals_won':
      return amount(totals.dealsWon);
    case 'won_value':
      return amount(totals.wonValue);
    case 'calls':
      return amount(totals.calls);
    case 'units_available':
      return amount(totals.available);
    case 'units_sold':
      return amount(totals.sold);
  }
}
