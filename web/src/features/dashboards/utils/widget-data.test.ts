import { describe, expect, it } from 'vitest';
import { figuresFor, reportRequestFor } from './widget-data';

const now = new Date('2026-12-03T12:00:00Z');

describe('reportRequestFor', () => {
  it('asks the pipeline report with the ids given, and leaves out the empty ones', () => {
    expect(reportRequestFor('pipeline_value', { pipelineId: 'p1', groupId: '' }, now)).toEqual({
      report: 'pipeline',
      query: { pipelineId: 'p1' },
    });
  });

  it('counts a period back from now, 30 days unless said', () => {
    expect(reportRequestFor('funnel', { periodDays: 7 }, now)?.query.from).toBe('2026-11-26T12:00:00.000Z');
    expect(reportRequestFor('agent_leaderboard', {}, now)?.query.from).toBe('2026-11-03T12:00:00.000Z');
  });

  it('starts a period on a whole 5 minutes, so that dashboards opened close together ask the same', () => {
    const at = (time: string) => reportRequestFor('funnel', { periodDays: 7 }, new Date(time))?.query.from;
    expect(at('2026-12-03T12:04:59.999Z')).toBe('2026-11-26T12:00:00.000Z');
    expect(at('2026-12-03T12:05:00.000Z')).toBe('2026-11-26T12:05:00.000Z');
  });

  it('reads a key figure from the report its metric comes from, with a period only where it counts', () => {
    expect(reportRequestFor('kpi', { metric: 'won_value' }, now)?.report).toBe('agents');
    expect(reportRequestFor('kpi', { metric: 'units_sold' }, now)).toEqual({
      report: 'inventory',
      query: {},
    });
  });

  it('has no report for the tasks and approvals widgets', () => {
    expect(reportRequestFor('tasks_due', {}, now)).toBeNull();
    expect(reportRequestFor('approvals_pending', {}, now)).toBeNull();
  });
});

describe('figuresFor', () => {
  it('takes a key figure from the report totals (decimals may come as strings)', () => {
    expect(
      figuresFor('kpi', { metric: 'won_value' }, { rows: [], totals: { wonValue: '250000.00' } }),
    ).toEqual({
      kind: 'figure',
      value: 250000,
      label: 'Won value',
      money: true,
    });
  });

  it('counts open leads from the funnel rows of category open', () => {
    const rows = [
      { name: 'New', category: 'open', leads: 3 },
      { name: 'Qualified', category: 'open', leads: 2 },
      { name: 'Won', category: 'won', leads: 4 },
    ];
    expect(figuresFor('kpi', { metric: 'open_leads' }, { rows, totals: { leads: 9 } })).toMatchObject({
      value: 5,
    });
  });

  it('has no single pipeline value for deals in more than one currency', () => {
    expect(
      figuresFor('kpi', { metric: 'pipeline_value' }, { rows: [], totals: { openValue: null } }),
    ).toMatchObject({
      value: null,
    });
  });

  it('ranks agents by the chosen metric, best first, at most the limit', () => {
    const rows = [
      { agent: 'Ann', calls: 3, dealsWon: 1 },
      { agent: 'Bob', calls: 9, dealsWon: 0 },
      { agent: 'Cy', calls: 5, dealsWon: 2 },
    ];
    expect(figuresFor('agent_leaderboard', { metric: 'deals_won', limit: 2 }, { rows, totals: {} })).toEqual({
      kind: 'ranking',
      rows: [
        { label: 'Cy', value: 2 },
        { label: 'Ann', value: 1 },
      ],
      valueTitle: 'Deals won',
      money: false,
    });
  });

  it('sums inventory units per status across projects and types', () => {
    const rows = [
      { status: 'available', units: 4 },
      { status: 'sold', units: 1 },
      { status: 'available', units: 2 },
    ];
    expect(figuresFor('inventory_status', {}, { rows, totals: { units: 7 } })).toMatchObject({
      bars: [
        { label: 'available', value: 6 },
        { label: 'sold', value: 1 },
      ],
    });
  });

  it('names the pipeline beside the stage only when there are several pipelines', () => {
    const one = [{ pipeline: 'Sales', stage: 'New', openValue: 10 }];
    const two = [...one, { pipeline: 'Rentals', stage: 'New', openValue: 5 }];
    expect(figuresFor('pipeline_value', {}, { rows: one, totals: {} })).toMatchObject({
      bars: [{ label: 'New' }],
    });
    expect(figuresFor('pipeline_value', {}, { rows: two, totals: {} })).toMatchObject({
      bars: [{ label: 'Sales: New' }, { label: 'Rentals: New' }],
    });
  });
});
