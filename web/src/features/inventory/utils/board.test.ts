import { describe, expect, it } from 'vitest';
import { board, heldEvent, unit } from '../testing/board-fixtures';
import { applyUnitEvent, boardGrid, unitStatusEvent } from './board';

describe('boardGrid', () => {
  it('groups by building, floors from the top, units by code, the ones without a place last', () => {
    const grid = boardGrid(
      board([
        unit('A-10', 'A', 1),
        unit('A-2', 'A', 1),
        unit('A-20', 'A', 2),
        unit('X', null, null),
        unit('B-1', 'B', 1),
      ]),
    );
    expect(grid.map((b) => b.building)).toEqual(['A', 'B', null]);
    expect(grid[0]!.floors.map((f) => f.floor)).toEqual([2, 1]);
    expect(grid[0]!.floors[1]!.units.map((u) => u.code)).toEqual(['A-2', 'A-10']);
  });
});

describe('applyUnitEvent', () => {
  const before = board([unit('A-1', 'A', 1), unit('A-2', 'A', 1)]);
  const held = heldEvent('A-1');

  it('replaces only the unit it names and moves the counts', () => {
    const after = applyUnitEvent(before, held);
    expect(after.floors[0]!.units[0]!.status).toBe('on_hold');
    expect(after.floors[0]!.units[1]).toBe(before.floors[0]!.units[1]);
    expect(after.counts).toMatchObject({ available: 1, onHold: 1 });
    expect(after.byTypeCode[0]!.counts).toMatchObject({ available: 1, onHold: 1 });
  });

  it('gives back the same board for another project, an unknown unit, or no change', () => {
    expect(applyUnitEvent(before, { ...held, projectId: 'p2' })).toBe(before);
    expect(applyUnitEvent(before, { ...held, id: 'nope' })).toBe(before);
    const after = applyUnitEvent(before, held);
    expect(applyUnitEvent(after, held)).toBe(after);
  });
});

describe('unitStatusEvent', () => {
  it('reads the event data, and refuses what is not a unit status', () => {
    expect(unitStatusEvent({ id: 'u', projectId: 'p', status: 'sold', heldBy: null })).toMatchObject({
      status: 'sold',
    });
    expect(unitStatusEvent({ id: 'u', projectId: 'p', status: 'Sold' })).toBeNull();
    expect(unitStatusEvent(null)).toBeNull();
  });
});
