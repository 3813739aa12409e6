import { describe, expect, it } from 'vitest';
import { chartBars, formatCell } from './cells';
import { filterFromSearch, reportQuery } from './filters';

describe('reportQuery', () => {
  it('covers whole days in the browser time zone and leaves out empty filters', () => {
    const filter = filterFromSearch(
      new URLSearchParams('from=2026-01-01&to=2026-01-31&groupId=g1&report=funnel'),
    );
    expect(reportQuery(filter)).toEqual({
      from: new Date(2026, 0, 1).toISOString(),
      to: new Date(2026, 1, 1).toISOString(),
      groupId: 'g1',
    });
    expect(reportQuery(filterFromSearch(new URLSearchParams()))).toEqual({});
  });
});

describe('report cells', () => {
  it('formats by column kind', () => {
    expect(formatCell(null, 'text')).toBe('—');
    expect(formatCell(12.5, 'percent')).toMatch(/12[.,]5 %/);
    expect(formatCell('1200.5', 'amount')).toMatch(/1[,.\s]?200[.,]50/);
  });

  it('sums the chart value per label in first-seen order', () => {
    const rows = [
      { project: 'A', value: 1 },
      { project: 'B', value: 2 },
      { project: 'A', value: '3' },
    ];
    expect(chartBars(rows, 'project', 'value', 'text')).toEqual([
      { label: 'A', value: 4 },
      { label: 'B', value: 2 },
    ]);
  });
});
